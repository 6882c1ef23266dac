"""End to end with a real Celery worker process, real Redis and a real SMTP
server: the broker is a doorbell, the database is the truth.

Each test has a database of its own (the worker writes beside it) and waits
for conditions, never for a fixed time."""

import pytest
from sqlalchemy import select, update

from permits.database import intends_to_write
from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import queue_email
from permits.services import workflow
from tests.factories import UserFactory
from tests.notifications.conftest import broker_app, read_now, wait_for
from tests.services.scenario import MONDAY, build_world, draft, open_reviews, submitted

pytestmark = [pytest.mark.redis, pytest.mark.slow]

RELAY = "permits.tasks.relay_outbox"


def _run_relay(other_app) -> None:
    other_app.extensions["celery"].send_task(RELAY)


def _relay_runs(worker) -> int:
    """How many relay runs the worker has finished (its log says so)."""
    return sum(1 for line in worker.log.read_text(errors="replace").splitlines() if RELAY in line and "succeeded" in line)


def _relay_and_wait(other_app, worker) -> None:
    """Ask for a relay run and wait until the worker has finished it: what it
    would deliver by then, it has delivered."""
    done = _relay_runs(worker)
    _run_relay(other_app)
    assert wait_for(lambda: _relay_runs(worker) > done), worker.log.read_text()[-3000:]


def test_submit_sends_the_receipt_and_the_ministry_email_once(app, worker_database, tmp_root, smtp, redis_broker, start_worker):
    worker = start_worker(redis_broker, smtp.url)
    with broker_app(app, worker_database, tmp_root, redis_broker, smtp.url) as other, other.app_context():
        with intends_to_write():
            world = build_world()
            submitted(world)
        assert wait_for(lambda: len(smtp.messages) >= 3), worker.log.read_text()[-4000:]
        # A transaction that rolls back sends nothing, not even later.
        with intends_to_write():
            application = draft(world)
            workflow.submit(application, world.producer, now=MONDAY)
            db.session.rollback()
        _relay_and_wait(other, worker)
        _relay_and_wait(other, worker)
    assert len(smtp.to("producer@example.test")) == 1
    assert "received" in smtp.to("producer@example.test")[0]["Subject"]
    assert len(smtp.to("ministry@example.test")) == 1
    assert len(smtp.to("coord@example.test")) == 1
    assert len(smtp.messages) == 3
    assert len(set(smtp.message_ids())) == 3


def test_a_worker_killed_while_sending_is_replaced_and_the_email_arrives(app, worker_database, tmp_root, smtp, redis_broker,
                                                                         start_worker):
    stuck_after = 2.0
    worker = start_worker(redis_broker, smtp.url, stuck_after=stuck_after)
    smtp.sleep_first = 30.0  # the server holds the first message's "250 OK" while the worker is killed
    with broker_app(app, worker_database, tmp_root, redis_broker, smtp.url, OUTBOX_LEASE_SECONDS=stuck_after) as other, \
            other.app_context():
        with intends_to_write():
            user = UserFactory(email="kill@example.test", language="en")
            message = queue_email("application_received", user, {"reference": "AZF-1", "title": "T", "path": "/applications/1",
                                                                 "recipient_name": "K"}, key="kill:1")
            message_id = message.id
            db.session.commit()

        def status():
            return read_now(lambda: db.session.get(OutboxMessage, message_id, populate_existing=True).status)

        assert wait_for(lambda: len(smtp.messages) == 1), worker.log.read_text()[-3000:]
        worker.kill()  # SIGKILL in the middle of the SMTP conversation
        assert status() == OutboxStatus.SENDING
        replacement = start_worker(redis_broker, smtp.url, stuck_after=stuck_after)

        def sent():
            if status() == OutboxStatus.SENT:
                return True
            _relay_and_wait(other, replacement)  # the relay takes the message over once its claim is stale
            return False

        assert wait_for(sent, interval=0.5)
        expected_id = read_now(lambda: db.session.get(OutboxMessage, message_id).message_id)
    assert 1 <= len(smtp.messages) <= 2  # at most one duplicate...
    assert set(smtp.message_ids()) == {expected_id}  # ...recognisable by its Message-ID


def test_fifty_decisions_with_redis_down_all_succeed_and_all_arrive_once(app, worker_database, tmp_root, smtp, private_redis,
                                                                        start_worker):
    with broker_app(app, worker_database, tmp_root, private_redis.url, smtp.url) as other, other.app_context():
        with intends_to_write():
            world = build_world()
            applications = [submitted(world, sites=(world.site_b,)) for _ in range(50)]
            db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))  # the set-up's e-mails
            db.session.commit()
            for application in applications:
                [screening] = open_reviews(application)
                workflow.decide(screening, world.ministry_reviewer, "request_information",
                                reason="Send the insurance certificate.", now=MONDAY)
                db.session.commit()  # the broker is down: the commit succeeds, the nudge is skipped
        waiting = read_now(lambda: db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING)).all())
        assert len(waiting) == 50

        private_redis.start()
        worker = start_worker(private_redis.url, smtp.url)
        _relay_and_wait(other, worker)
        assert wait_for(lambda: len(smtp.messages) >= 50), len(smtp.messages)
        _relay_and_wait(other, worker)  # a second relay run finds nothing more to send
    assert len(smtp.messages) == 50
    assert len(set(smtp.message_ids())) == 50
    assert {m["To"] for m in smtp.messages} == {"producer@example.test"}
