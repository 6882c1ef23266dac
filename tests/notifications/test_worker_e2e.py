"""End to end with a real Celery worker process, real Redis and a real SMTP
server: the broker is a doorbell, the database is the truth."""

import time

import pytest
from sqlalchemy import select, update

from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import queue_email
from permits.services import workflow
from tests.factories import UserFactory
from tests.notifications.conftest import broker_app, wait_for
from tests.services.scenario import MONDAY, build_world, draft, open_reviews, submitted

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _run_relay(other_app) -> None:
    other_app.extensions["celery"].send_task("permits.tasks.relay_outbox")


def test_submit_sends_the_receipt_and_the_ministry_email_once(app, database_url, tmp_root, smtp, redis_broker, start_worker):
    worker = start_worker(redis_broker, smtp.url)
    with broker_app(app, database_url, tmp_root, redis_broker, smtp.url) as other, other.app_context():
        world = build_world()
        submitted(world)
        assert wait_for(lambda: len(smtp.messages) >= 3, timeout=20), worker.log.read_text()[-4000:]
        # A transaction that rolls back sends nothing, not even later.
        application = draft(world)
        workflow.submit(application, world.producer, now=MONDAY)
        db.session.rollback()
        _run_relay(other)
        time.sleep(1.5)
        _run_relay(other)
        time.sleep(1.0)
    assert len(smtp.to("producer@example.test")) == 1
    assert "received" in smtp.to("producer@example.test")[0]["Subject"]
    assert len(smtp.to("ministry@example.test")) == 1
    assert len(smtp.to("coord@example.test")) == 1
    assert len(smtp.messages) == 3
    assert len(set(smtp.message_ids())) == 3


def test_a_worker_killed_while_sending_is_replaced_and_the_email_arrives(app, database_url, tmp_root, smtp, redis_broker, start_worker):
    stuck_after = 2.0
    worker = start_worker(redis_broker, smtp.url, stuck_after=stuck_after)
    smtp.sleep_first = 5.0  # the server holds the first message's "250 OK"
    with broker_app(app, database_url, tmp_root, redis_broker, smtp.url, OUTBOX_STUCK_AFTER_SECONDS=stuck_after) as other, other.app_context():
        user = UserFactory(email="kill@example.test", language="en")
        message = queue_email("application_received", user, {"reference": "AZF-1", "title": "T", "path": "/applications/1", "recipient_name": "K"}, key="kill:1")
        db.session.commit()
        message_id = message.id
        assert wait_for(lambda: len(smtp.messages) == 1, timeout=20)
        worker.kill()  # SIGKILL in the middle of the SMTP conversation
        db.session.rollback()
        assert db.session.get(OutboxMessage, message_id, populate_existing=True).status == OutboxStatus.SENDING
        start_worker(redis_broker, smtp.url, stuck_after=stuck_after)
        time.sleep(stuck_after + 0.5)
        _run_relay(other)

        def sent():
            db.session.rollback()
            return db.session.get(OutboxMessage, message_id, populate_existing=True).status == OutboxStatus.SENT

        assert wait_for(sent, timeout=20)
        expected_id = db.session.get(OutboxMessage, message_id).message_id
    assert 1 <= len(smtp.messages) <= 2  # at most one duplicate...
    assert set(smtp.message_ids()) == {expected_id}  # ...recognisable by its Message-ID


def test_fifty_decisions_with_redis_down_all_succeed_and_all_arrive_once(app, database_url, tmp_root, smtp, private_redis, start_worker):
    with broker_app(app, database_url, tmp_root, private_redis.url, smtp.url) as other, other.app_context():
        world = build_world()
        applications = [submitted(world, sites=(world.site_b,)) for _ in range(50)]
        db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))  # the set-up's e-mails
        db.session.commit()
        timings = []
        for application in applications:
            [screening] = open_reviews(application)
            started = time.monotonic()
            workflow.decide(screening, world.ministry_reviewer, "request_information", reason="Send the insurance certificate.", now=MONDAY)
            db.session.commit()
            timings.append(time.monotonic() - started)
        assert max(timings) < 1.0, max(timings)
        waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)).all()
        assert len(waiting) == 50

        private_redis.start()
        start_worker(private_redis.url, smtp.url)
        _run_relay(other)
        assert wait_for(lambda: len(smtp.messages) >= 50, timeout=60), len(smtp.messages)
        time.sleep(1.0)
    assert len(smtp.messages) == 50
    assert len(set(smtp.message_ids())) == 50
    assert {m["To"] for m in smtp.messages} == {"producer@example.test"}
