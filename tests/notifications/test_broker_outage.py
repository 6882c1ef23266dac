"""The broker goes away and comes back: the worker waits for it and resumes
by itself, while a web request that publishes still fails fast.

The real-worker test stops its own redis-server for 30 seconds; the time the
worker takes to recover is measured by bench/bench_broker_outage.py, not here.
"""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from permits import dispatch
from permits.database import intends_to_write
from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import queue_email
from tests.factories import UserFactory
from tests.notifications.conftest import broker_app, read_now, wait_for

OUTAGE_SECONDS = 30
CONTEXT = {"reference": "AZF-2027-000001", "title": "Outage", "path": "/applications/1", "recipient_name": "Ann"}


class CountingServer:
    """A TCP port that accepts connections and drops them at once, counting them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self.sock.close()


def test_the_worker_settings_retry_the_broker_for_ever(app):
    conf = app.extensions["celery"].conf
    assert conf.broker_connection_max_retries is None
    assert conf.broker_connection_retry and conf.broker_connection_retry_on_startup


def test_a_web_publish_to_a_dead_broker_tries_once_and_gives_up(app, database_url, tmp_root):
    """The worker's unlimited retries must not reach a web request."""
    server = CountingServer()
    try:
        url = f"redis://127.0.0.1:{server.port}/0"
        with broker_app(app, database_url, tmp_root, url, "mailbox") as other, other.app_context():
            outcome = {}

            def publish():
                with other.app_context():
                    outcome["sent"] = dispatch.publish([("permits.tasks.relay_outbox", ())])

            thread = threading.Thread(target=publish)
            thread.start()
            thread.join(timeout=60)
            assert not thread.is_alive(), "a publish to a dead broker kept retrying"
            assert outcome == {"sent": 0}
            assert server.connections == 1
            # During the back-off the next request does not even try.
            assert dispatch.publish([("permits.tasks.relay_outbox", ())]) == 0
            assert server.connections == 1
    finally:
        server.close()


@pytest.mark.redis
@pytest.mark.slow
def test_the_worker_outlives_a_30_second_redis_outage_and_delivers_what_was_queued_meanwhile(
    app, worker_database, tmp_root, smtp, private_redis, start_worker
):
    private_redis.start()
    worker = start_worker(private_redis.url, smtp.url)
    pid = worker.process.pid
    with broker_app(app, worker_database, tmp_root, private_redis.url, smtp.url) as other, other.app_context():
        with intends_to_write():
            user = UserFactory(email="outage@example.test", language="en")
            queue_email("application_received", user, CONTEXT, key="outage:before")
            db.session.commit()
        assert wait_for(lambda: len(smtp.messages) == 1), worker.log.read_text()[-3000:]

        private_redis.stop()
        # Requests go on while Redis is down: the rows are written, the
        # nudges fail fast and are skipped.
        for n in range(3):
            with intends_to_write():
                queue_email("application_received", user, CONTEXT, key=f"outage:during:{n}")
                db.session.commit()
        # The outage: the worker must still be there when it ends.
        exited = wait_for(lambda: worker.process.poll() is not None, timeout=OUTAGE_SECONDS, interval=0.5)
        assert not exited, worker.log.read_text()[-3000:]

        private_redis.start()

        # Beat's relay, published as soon as the broker takes it again.
        def relay_published() -> bool:
            try:
                other.extensions["celery"].send_task("permits.tasks.relay_outbox", retry=False)
            except Exception:
                return False
            return True

        assert wait_for(relay_published, interval=0.5)

        def all_sent() -> bool:
            statuses = read_now(lambda: db.session.scalars(select(OutboxMessage.status)).all())
            return len(statuses) == 4 and set(statuses) == {OutboxStatus.SENT}

        assert wait_for(all_sent, timeout=120, interval=0.25), worker.log.read_text()[-4000:]
    assert worker.process.poll() is None and worker.process.pid == pid, "the worker was restarted"
    log = worker.log.read_text()
    assert "Unrecoverable error" not in log
    assert "AttributeError" not in log
    assert log.count("Connected to redis://") >= 2  # it reconnected by itself
    assert len(smtp.messages) == 4
    assert len(set(smtp.message_ids())) == 4
