"""The claim on an outbox message is a lease, with real worker processes:
a slow worker keeps it for as long as its send takes (no double), a killed
worker loses it after a lease (not five minutes) and the e-mail still arrives."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from permits.database import intends_to_write
from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import delivery, queue_email
from tests.factories import UserFactory
from tests.notifications.conftest import broker_app, read_now, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]

LEASE_SECONDS = 2.0
CONTEXT = {"reference": "AZF-2027-000001", "title": "Lease", "path": "/applications/1", "recipient_name": "Ann"}


def _status(message_id: int) -> str:
    return read_now(lambda: db.session.get(OutboxMessage, message_id, populate_existing=True).status)


def _queued(email: str, key: str) -> int:
    with intends_to_write():
        user = UserFactory(email=email, language="en")
        message_id = queue_email("application_received", user, CONTEXT, key=key).id
        db.session.commit()
    return message_id


def test_a_slow_worker_keeps_its_lease_and_nobody_sends_a_double(app, worker_database, tmp_root, smtp, redis_broker,
                                                                 start_worker):
    worker = start_worker(redis_broker, smtp.url, stuck_after=LEASE_SECONDS)
    # The server takes the message at once but holds its "250 OK" for four leases.
    smtp.sleep_first = 4 * LEASE_SECONDS
    with broker_app(app, worker_database, tmp_root, redis_broker, smtp.url, OUTBOX_LEASE_SECONDS=LEASE_SECONDS) as other, \
            other.app_context():
        message_id = _queued("slow@example.test", "slow:1")
        assert wait_for(lambda: len(smtp.messages) == 1), worker.log.read_text()[-3000:]
        # While the worker waits for the server, every relay run (as another
        # worker would) finds the message taken: the lease keeps being renewed.
        tries = []
        while _status(message_id) == OutboxStatus.SENDING and len(tries) < 10_000:
            assert read_now(delivery.pending_ids) == []
            with intends_to_write():
                tries.append(delivery.deliver(message_id))
            time.sleep(0.1)  # a relay every 100 ms: far more eager than beat's 30 s
        assert _status(message_id) == OutboxStatus.SENT, worker.log.read_text()[-3000:]
        assert tries and set(tries) == {"skipped"}
        holder = read_now(lambda: db.session.scalar(select(OutboxMessage.claimed_by).where(OutboxMessage.id == message_id)))
    assert len(smtp.messages) == 1
    assert holder.split(":")[1] == str(worker.process.pid)


def test_a_killed_worker_loses_its_lease_and_another_one_sends_the_email(app, worker_database, tmp_root, smtp, redis_broker,
                                                                         start_worker):
    worker = start_worker(redis_broker, smtp.url, stuck_after=LEASE_SECONDS)
    smtp.sleep_first = 60.0  # the first attempt never gets its "250 OK"
    with broker_app(app, worker_database, tmp_root, redis_broker, smtp.url, OUTBOX_LEASE_SECONDS=LEASE_SECONDS) as other, \
            other.app_context():
        message_id = _queued("killed@example.test", "killed:1")
        assert wait_for(lambda: len(smtp.messages) == 1), worker.log.read_text()[-3000:]
        worker.kill()
        assert _status(message_id) == OutboxStatus.SENDING
        start_worker(redis_broker, smtp.url, stuck_after=LEASE_SECONDS)

        def relayed_and_sent() -> bool:
            if _status(message_id) == OutboxStatus.SENT:
                return True
            if read_now(delivery.pending_ids):  # the dead worker's lease ran out
                other.extensions["celery"].send_task("permits.tasks.relay_outbox")
            return False

        assert wait_for(relayed_and_sent, interval=0.5)
        expected = read_now(lambda: db.session.get(OutboxMessage, message_id).message_id)
    assert set(smtp.message_ids()) == {expected}
