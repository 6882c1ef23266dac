"""The claim on an outbox message is a lease, with real worker processes:
a slow worker keeps it for as long as its send takes (no double), a killed
worker loses it after a lease (not five minutes) and the e-mail still arrives."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import delivery, queue_email
from tests.factories import UserFactory
from tests.notifications.conftest import broker_app, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]

LEASE_SECONDS = 2.0
CONTEXT = {"reference": "AZF-2027-000001", "title": "Lease", "path": "/applications/1", "recipient_name": "Ann"}


def _status(message_id: int) -> str:
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id, populate_existing=True).status


def test_a_slow_worker_keeps_its_lease_and_nobody_sends_a_double(app, database_url, tmp_root, smtp, redis_broker, start_worker):
    worker = start_worker(redis_broker, smtp.url, stuck_after=LEASE_SECONDS)
    # The server takes the message at once but holds its "250 OK" for four leases.
    smtp.sleep_first = 4 * LEASE_SECONDS
    with broker_app(app, database_url, tmp_root, redis_broker, smtp.url, OUTBOX_LEASE_SECONDS=LEASE_SECONDS) as other, \
            other.app_context():
        user = UserFactory(email="slow@example.test", language="en")
        message_id = queue_email("application_received", user, CONTEXT, key="slow:1").id
        db.session.commit()
        assert wait_for(lambda: len(smtp.messages) == 1, timeout=30), worker.log.read_text()[-3000:]
        # While the worker waits for the server, every relay run (as another
        # worker would) finds the message taken: the lease keeps being renewed.
        tries = []
        while _status(message_id) == OutboxStatus.SENDING and len(tries) < 10_000:
            assert delivery.pending_ids() == []
            tries.append(delivery.deliver(message_id))
            time.sleep(0.1)  # a relay every 100 ms: far more eager than beat's 30 s
        assert _status(message_id) == OutboxStatus.SENT, worker.log.read_text()[-3000:]
        assert tries and set(tries) == {"skipped"}
        holder = db.session.scalar(select(OutboxMessage.claimed_by).where(OutboxMessage.id == message_id))
    assert len(smtp.messages) == 1
    assert holder.split(":")[1] == str(worker.process.pid)


def test_a_killed_worker_loses_its_lease_and_another_one_sends_the_email(app, database_url, tmp_root, smtp, redis_broker,
                                                                         start_worker):
    worker = start_worker(redis_broker, smtp.url, stuck_after=LEASE_SECONDS)
    smtp.sleep_first = 60.0  # the first attempt never gets its "250 OK"
    with broker_app(app, database_url, tmp_root, redis_broker, smtp.url, OUTBOX_LEASE_SECONDS=LEASE_SECONDS) as other, \
            other.app_context():
        user = UserFactory(email="killed@example.test", language="en")
        message_id = queue_email("application_received", user, CONTEXT, key="killed:1").id
        db.session.commit()
        assert wait_for(lambda: len(smtp.messages) == 1, timeout=30)
        worker.kill()
        assert _status(message_id) == OutboxStatus.SENDING
        start_worker(redis_broker, smtp.url, stuck_after=LEASE_SECONDS)

        def relayed_and_sent() -> bool:
            if _status(message_id) == OutboxStatus.SENT:
                return True
            if delivery.pending_ids():  # the dead worker's lease ran out
                other.extensions["celery"].send_task("permits.tasks.relay_outbox")
            return False

        assert wait_for(relayed_and_sent, timeout=60, interval=0.5)
        expected = db.session.get(OutboxMessage, message_id).message_id
    assert set(smtp.message_ids()) == {expected}
