"""Delivery over a real SMTP server on loopback: claimed once, sent once,
retried with back-off on 4xx, dead after the maximum on 5xx; a transaction
that rolls back sends nothing; a dead broker does not slow a request."""

import datetime as dt
import threading

import pytest
import time_machine
from sqlalchemy import select

from permits import dispatch
from permits.database import intends_to_write
from permits.extensions import db as _db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import delivery, queue_email
from permits.tasks import relay_outbox
from tests import clock
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login, post_form

CONTEXT = {"reference": "AZF-2027-000001", "title": "The Silk Road", "path": "/applications/1", "recipient_name": "Ann"}


def _queued(db, email="ann@example.test", key="received:1") -> int:
    user = UserFactory(email=email, language="en")
    message = queue_email("application_received", user, CONTEXT, key=key)
    db.session.commit()
    return message.id


def test_a_message_is_sent_once_even_when_delivered_twice(db, smtp_app, smtp):
    message_id = _queued(db)
    assert delivery.deliver(message_id) == OutboxStatus.SENT
    assert delivery.deliver(message_id) == "skipped"
    assert relay_outbox() == 0
    [email] = smtp.messages
    assert email["To"] == "ann@example.test"
    assert email["Message-ID"] == db.session.get(OutboxMessage, message_id).message_id
    assert email.get_body(preferencelist=("html",)) is not None
    assert email.get_body(preferencelist=("plain",)) is not None


def test_two_threads_delivering_the_same_message_send_one_email(db, smtp_app, smtp):
    ids = [_queued(db, email=f"t{i}@example.test", key=f"k:{i}") for i in range(5)]
    results: list[str] = []
    barrier = threading.Barrier(2)

    def deliver_all():
        with smtp_app.app_context(), intends_to_write():
            barrier.wait()
            for message_id in ids:
                results.append(delivery.deliver(message_id))

    threads = [threading.Thread(target=deliver_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results).count(OutboxStatus.SENT) == 5
    assert results.count("skipped") == 5
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"t{i}@example.test" for i in range(5))


def test_a_rolled_back_transaction_sends_nothing(db, smtp_app, smtp, monkeypatch):
    nudged: list = []
    monkeypatch.setattr(dispatch, "publish", nudged.append)
    user = UserFactory()
    db.session.commit()
    queue_email("application_received", user, CONTEXT, key="rolled-back:1")
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage.id)) is None
    db.session.commit()  # a later commit of the same session nudges nothing either
    assert nudged == []
    assert relay_outbox() == 0
    assert smtp.messages == []


def test_a_committed_message_nudges_the_worker_with_its_id(db, monkeypatch):
    nudged: list = []
    monkeypatch.setattr(dispatch, "publish", nudged.append)
    message_id = _queued(db)
    assert nudged == [[("permits.tasks.deliver_outbox_message", (message_id,))]]


def test_temporary_failures_back_off_with_jitter_then_deliver(db, smtp_app, smtp):
    ids = [_queued(db, email=f"b{i}@example.test", key=f"b:{i}") for i in range(6)]
    smtp.replies.extend(["451 4.3.0 Mailbox busy, try later"] * 6)
    start = clock.now()
    for message_id in ids:
        assert delivery.deliver(message_id) == OutboxStatus.FAILED
    rows = [db.session.get(OutboxMessage, i, populate_existing=True) for i in ids]
    waits = [(row.next_attempt_at - start).total_seconds() for row in rows]
    base = delivery.BASE_BACKOFF_SECONDS
    assert all(0.5 * base - 1 <= w <= 1.5 * base + 1 for w in waits), waits
    assert len({round(w, 3) for w in waits}) > 1  # jitter: not all at the same moment
    assert all("451" in row.last_error for row in rows)
    assert delivery.pending_ids() == []  # nothing is due before the back-off
    assert delivery.deliver(ids[0]) == "skipped"
    with time_machine.travel(start + dt.timedelta(seconds=2 * base), tick=False):
        assert relay_outbox() == 6
    assert len(smtp.messages) == 6
    assert {row.status for row in _db.session.execute(select(OutboxMessage)).scalars()} == {OutboxStatus.SENT}


def test_a_permanent_refusal_is_dead_after_the_maximum_and_shown_to_admins(db, app, smtp_app, smtp, client):
    message_id = _queued(db, email="nobody@example.test")
    smtp.always = "550 5.1.1 No such mailbox"
    now = clock.now()
    for attempt in range(1, delivery.MAX_PERMANENT_ATTEMPTS + 1):
        with time_machine.travel(now + dt.timedelta(hours=2 * attempt), tick=False):
            status = delivery.deliver(message_id)
        assert status == (OutboxStatus.DEAD if attempt == delivery.MAX_PERMANENT_ATTEMPTS else OutboxStatus.FAILED)
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    assert message.attempts == delivery.MAX_PERMANENT_ATTEMPTS
    assert "550" in message.last_error
    assert delivery.pending_ids(now=now + dt.timedelta(days=30)) == []
    assert smtp.messages == []

    admin = UserFactory(email="root@example.test", is_platform_admin=True)
    db.session.commit()
    login(client, admin.email, PASSWORD)
    page = client.get("/admin/outbox/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "nobody@example.test" in html and "No such mailbox" in html
    assert client.post(f"/admin/outbox/{message_id}/resend").status_code == 400  # no CSRF token
    smtp.always = None
    response = post_form(client, f"/admin/outbox/{message_id}/resend", {}, page_url="/admin/outbox/")
    assert response.status_code == 302
    db.session.rollback()  # end the test's read snapshot
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    assert message.status == OutboxStatus.PENDING and message.attempts == 0
    assert relay_outbox() == 1
    assert [m["To"] for m in smtp.messages] == ["nobody@example.test"]
    client.get("/admin/outbox/")  # shows the flash message
    assert "nobody@example.test" not in client.get("/admin/outbox/").get_data(as_text=True)


def test_many_temporary_failures_end_dead(db, smtp_app, smtp):
    message_id = _queued(db)
    smtp.always = "421 4.7.0 Too busy"
    now = clock.now()
    statuses = []
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        with time_machine.travel(now + dt.timedelta(hours=3 * attempt), tick=False):
            statuses.append(delivery.deliver(message_id))
    assert statuses[:-1] == [OutboxStatus.FAILED] * (delivery.MAX_ATTEMPTS - 1)
    assert statuses[-1] == OutboxStatus.DEAD


def test_a_message_stuck_in_sending_is_taken_over_with_the_same_message_id(db, smtp_app, smtp):
    message_id = _queued(db)
    assert delivery.claim(message_id)  # a worker claimed it, then died before sending
    assert delivery.deliver(message_id) == "skipped"
    later = clock.now() + delivery.LEASE + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert relay_outbox() == 1
    [email] = smtp.messages
    assert email["Message-ID"] == db.session.get(OutboxMessage, message_id).message_id


def test_the_claim_of_a_dead_worker_expires_within_a_minute_and_a_second_worker_sends_it(db, smtp_app, smtp):
    """The claim is a lease of a minute, not five: nothing renews a dead worker's."""
    message_id = _queued(db)
    claimed = clock.now()
    assert delivery.claim(message_id, now=claimed, holder="worker-a:123:dead")  # then SIGKILL
    assert delivery.pending_ids(now=claimed + dt.timedelta(seconds=59)) == []
    assert delivery.pending_ids(now=claimed + dt.timedelta(seconds=61)) == [message_id]
    with time_machine.travel(claimed + dt.timedelta(seconds=61), tick=False):
        assert relay_outbox() == 1
    assert len(smtp.messages) == 1
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert message.claimed_by != "worker-a:123:dead"


def test_the_sending_process_renews_its_own_leases_only(db, smtp_app):
    mine, theirs = _queued(db), _queued(db, email="bo@example.test", key="received:2")
    claimed = clock.now()
    assert delivery.claim(mine, now=claimed, holder="here:1:a")
    assert delivery.claim(theirs, now=claimed, holder="there:2:b")
    keeper = delivery.LeaseKeeper()
    keeper.hold(mine, "here:1:a", _db.engine, delivery.lease())
    keeper.hold(theirs, "here:1:not-the-holder", _db.engine, delivery.lease())
    with time_machine.travel(claimed + dt.timedelta(seconds=50), tick=False):
        assert keeper.renew() == 1
    _db.session.rollback()
    renewed = _db.session.get(OutboxMessage, mine, populate_existing=True).claimed_at
    assert renewed > claimed + dt.timedelta(seconds=49)
    assert _db.session.get(OutboxMessage, theirs, populate_existing=True).claimed_at == claimed
    # Ten more seconds: the renewed lease holds, the other one has run out.
    assert delivery.pending_ids(now=claimed + dt.timedelta(seconds=61)) == [theirs]
    keeper.release(mine)
    keeper.release(theirs)
    assert keeper.held() == []


def test_deliver_holds_the_lease_while_it_sends_and_lets_go_after(db, smtp_app, smtp, monkeypatch):
    message_id = _queued(db)
    seen = []
    real_send = delivery.send

    def watching_send(email):
        seen.append(delivery.lease_keeper.held())
        real_send(email)

    monkeypatch.setattr(delivery, "send", watching_send)
    assert delivery.deliver(message_id) == OutboxStatus.SENT
    assert seen == [[message_id]]
    assert message_id not in delivery.lease_keeper.held()


@pytest.mark.parametrize("role", ["producer", "reviewer"])
def test_the_outbox_page_is_for_platform_admins_only(db, client, role):
    user = UserFactory(email=f"{role}@example.test")
    db.session.commit()
    assert client.get("/admin/outbox/").status_code == 302  # sign in first
    login(client, user.email, PASSWORD)
    assert client.get("/admin/outbox/").status_code == 403
    token_page = client.get("/account/")
    from tests.helpers import csrf_token

    assert client.post("/admin/outbox/1/resend", data={"csrf_token": csrf_token(token_page.data)}).status_code == 403


def test_the_admin_home_links_to_the_outbox_and_the_mailbox(db, client):
    admin = UserFactory(email="root@example.test", is_platform_admin=True)
    db.session.commit()
    login(client, admin.email, PASSWORD)
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/outbox/"' in html
    assert 'href="/dev/mailbox"' in html


def test_with_the_broker_down_only_one_request_tries_it_and_the_relay_delivers(app, db, smtp, private_redis, database_url,
                                                                               tmp_root):
    """A dead broker costs one request one bounded connection attempt (timeouts
    of a second, no retries); the next requests in the back-off window do not
    try at all. How long that takes is measured in bench/bench_email.py."""
    from tests.notifications.conftest import broker_app

    # The private Redis is not running: every publish is refused.
    with broker_app(app, database_url, tmp_root, private_redis.url, smtp.url) as other, other.app_context():
        celery = other.extensions["celery"]
        options = celery.conf.broker_transport_options
        assert options["socket_connect_timeout"] <= 1 and options["max_retries"] == 0
        assert celery.conf.task_publish_retry is False
        attempts: list[str] = []
        real_send = celery.send_task

        def counting_send(name, *args, **kwargs):
            attempts.append(name)
            return real_send(name, *args, **kwargs)

        celery.send_task = counting_send
        user = UserFactory(language="en")
        _db.session.commit()
        for i in range(20):
            queue_email("application_received", user, CONTEXT, key=f"down:{i}")
            _db.session.commit()
        assert attempts == ["permits.tasks.deliver_outbox_message"]
        assert relay_outbox() == 20
    assert len(smtp.messages) == 20
