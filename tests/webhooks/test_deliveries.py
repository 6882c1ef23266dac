"""Webhook deliveries, end to end over a real HTTP receiver on loopback:
written in the transaction of the change, one per event and subscribed
endpoint, signed, retried with back-off, never sent twice by two workers,
re-sendable, and never sent to an address that is not public."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
import time_machine
from sqlalchemy import select

from permits import tasks
from permits.database import intends_to_write
from permits.extensions import db as database
from permits.models import WebhookDelivery, WebhookStatus, WorkflowEvent
from permits.notifications import webhooks as webhook_delivery
from permits.services import audit, webhooks, workflow
from tests import clock
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted
from tests.webhooks.conftest import deliveries, endpoint_for
from workflows import get_definition, registered_versions


def relay() -> int:
    """What beat's relay does (as the worker runs it: write intent on SQLite)."""
    with intends_to_write():
        return tasks.relay_webhooks()


def verified(request: dict, secret: str) -> bool:
    return webhook_delivery.verify_signature(
        secret, request["headers"][webhook_delivery.SIGNATURE_HEADER], request["body"], now=time.time())


def _approved(world):
    application = submitted(world, sites=[world.site_a])
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    database.session.commit()
    approve_all(world, application, "ministry_final")
    assert application.state == "approved"
    return application


def test_every_event_reaches_each_subscribed_endpoint_once_signed(db, receiver, loopback):
    world = build_world()
    company = endpoint_for(url=receiver.url, company=world.producer.company)
    owner_a = endpoint_for(url=receiver.url + "/owner-a", organisation=world.owner_a, events=[webhooks.REVIEW_DECIDED])
    owner_b = endpoint_for(url=receiver.url + "/owner-b", organisation=world.owner_b)  # not involved
    other = endpoint_for(url=receiver.url + "/other", company=world.other_producer.company)
    application = _approved(world)

    relay()

    sent = deliveries()
    assert sent and {d.status for d in sent} == {WebhookStatus.DELIVERED}
    assert len(receiver.requests) == len(sent)
    assert sorted(int(r["headers"][webhook_delivery.DELIVERY_HEADER]) for r in receiver.requests) == [d.id for d in sent]
    assert not deliveries(owner_b.id) and not deliveries(other.id)
    secrets_by_path = {"/hooks": company.secret, "/hooks/owner-a": owner_a.secret}
    bodies = []
    for request in receiver.requests:
        assert verified(request, secrets_by_path[request["path"]]), request["headers"]
        assert not verified(request, other.secret)
        body = json.loads(request["body"])
        assert request["headers"][webhook_delivery.EVENT_HEADER] == body["type"]
        bodies.append((request["path"], body))

    # The company heard every state change of its application once, and the permit once.
    company_events = [b for path, b in bodies if path == "/hooks"]
    assert len({b["id"] + b["type"] for b in company_events}) == len(company_events)
    moves = [(e.action, e.from_state, e.to_state) for e in database.session.execute(
        select(WorkflowEvent).where(WorkflowEvent.application_id == application.id, WorkflowEvent.subject == "application")
        .order_by(WorkflowEvent.id)).scalars()]
    told = [(b["data"]["change"]["action"], b["data"]["change"]["from_state"], b["data"]["change"]["to_state"])
            for b in company_events if b["type"] == webhooks.STATE_CHANGED]
    assert sorted(told) == sorted(moves)
    assert told[-1][2] == "approved" or ("settle", "awaiting_payment", "approved") in told
    [issued] = [b for b in company_events if b["type"] == webhooks.PERMIT_ISSUED]
    assert issued["data"]["permit"]["number"].startswith("AZP-")
    assert issued["data"]["permit"]["status"] == "valid"
    assert issued["data"]["application"]["reference"] == application.reference
    decided = [b for b in company_events if b["type"] == webhooks.REVIEW_DECIDED]
    assert {b["data"]["review"]["kind"] for b in decided} >= {"ministry_screening", "site_owner", "ministry_final"}

    # The owner of site A subscribed to decisions only: it hears those made once it holds a review.
    owner_events = [b for path, b in bodies if path == "/hooks/owner-a"]
    assert owner_events and {b["type"] for b in owner_events} == {webhooks.REVIEW_DECIDED}
    assert "site_owner" in {b["data"]["review"]["kind"] for b in owner_events}

    # Thin payloads: no personal data of the test world.
    everything = b" ".join(r["body"] for r in receiver.requests).decode()
    for person in (world.producer, world.owner_a_reviewer, world.ministry_reviewer):
        assert person.email not in everything and person.name not in everything
    company_row = world.producer.company
    for value in (company_row.contact_email, company_row.legal_name, application.contact_email, application.contact_name,
                  application.contact_phone):
        assert not value or value not in everything

    # A second relay finds nothing to send.
    assert relay() == 0
    assert len(receiver.requests) == len(sent)


def test_a_delivery_is_written_in_the_transaction_of_its_change(db, receiver, loopback):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company)
    application = submitted(world, sites=[world.site_a])
    [delivery] = deliveries(endpoint.id)
    assert delivery.event == webhooks.STATE_CHANGED
    assert delivery.payload["data"]["change"] == {"subject": "application", "action": "submit", "from_state": "draft",
                                                  "to_state": "submitted", "by": "producer"}
    assert delivery.payload["data"]["application"]["reference"] == application.reference

    # A change rolled back (its savepoint, or the whole transaction) announces nothing.
    [screening] = open_reviews(application)
    values = {"actor": None, "actor_role": "system", "subject": "application", "action": "withdraw", "from_state": "submitted",
                  "to_state": "withdrawn"}
    with database.session.begin_nested() as savepoint:
        audit.record_event(application, **values)
        savepoint.rollback()
    database.session.commit()
    audit.record_event(application, **values)
    database.session.rollback()
    assert len(deliveries(endpoint.id)) == 1

    # The same event announced twice is one delivery (its idempotency key).
    announced = audit.event_values(application, **values)
    webhooks.announce(announced)
    database.session.commit()
    webhooks.announce(announced)
    database.session.commit()
    assert len(deliveries(endpoint.id)) == 2
    assert screening.id  # the review stayed as it was


def test_a_receiver_answering_500_gets_the_same_delivery_again_later_then_200(db, receiver, loopback):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company, events=[webhooks.STATE_CHANGED])
    submitted(world, sites=[world.site_a])
    receiver.answer(500, b"busy, try later")

    relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.status == WebhookStatus.FAILED
    assert (delivery.response_status, delivery.response_body, delivery.attempts) == (500, "busy, try later", 1)
    now = clock.now()
    # Back-off with jitter: 30 s × 2^0 × [0.5, 1.5).
    assert now + dt.timedelta(seconds=14) <= delivery.next_attempt_at <= now + dt.timedelta(seconds=46)
    assert relay() == 0  # not due yet
    assert len(receiver.requests) == 1

    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        relay()
        [delivery] = deliveries(endpoint.id)
        assert delivery.status == WebhookStatus.DELIVERED
        assert (delivery.response_status, delivery.attempts) == (200, 2)
        first, second = receiver.requests
        assert first["body"] == second["body"]
        assert first["headers"][webhook_delivery.DELIVERY_HEADER] == second["headers"][webhook_delivery.DELIVERY_HEADER]
        assert second["headers"]["X-Permits-Attempt"] == "2"
        assert verified(second, endpoint.secret)


def test_a_delivery_gives_up_after_the_last_attempt_and_a_resend_is_the_same_delivery_again(db, receiver, loopback):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company, events=[webhooks.STATE_CHANGED])
    submitted(world, sites=[world.site_a])
    [delivery] = deliveries(endpoint.id)
    delivery.attempts = webhook_delivery.MAX_ATTEMPTS - 1
    database.session.commit()
    receiver.answer(503, b"down")
    relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.status == WebhookStatus.DEAD
    assert relay() == 0

    key = delivery.idempotency_key
    webhooks.resend(world.producer, delivery)
    database.session.commit()
    relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.status == WebhookStatus.DELIVERED
    assert delivery.idempotency_key == key
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert second["headers"][webhook_delivery.DELIVERY_HEADER] == str(delivery.id)

    # A delivered one may be sent again too (a receiver that lost it).
    webhooks.resend(world.producer, delivery)
    database.session.commit()
    relay()
    assert len(receiver.requests) == 3
    assert len(deliveries(endpoint.id)) == 1


def test_two_workers_claiming_at_once_send_once(app, db, receiver, loopback):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company, events=[webhooks.STATE_CHANGED])
    submitted(world, sites=[world.site_a])
    [delivery] = deliveries(endpoint.id)
    database.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker():
        with app.app_context(), intends_to_write():
            barrier.wait(timeout=30)
            outcomes.append(webhook_delivery.deliver(delivery.id))
            database.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["delivered", "skipped"]
    assert len(receiver.requests) == 1


def test_redirects_are_not_followed_and_the_answer_is_read_only_up_to_its_cap(db, receiver, loopback):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company, events=[webhooks.STATE_CHANGED])
    submitted(world, sites=[world.site_a])
    receiver.answer(302, b"", {"Location": receiver.url + "/elsewhere"})
    relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.status == WebhookStatus.FAILED
    assert delivery.last_error == "HTTP 302: redirects are not followed"
    assert [r["path"] for r in receiver.requests] == ["/hooks"]
    assert receiver.requests[0]["headers"]["Host"] == f"127.0.0.1:{receiver.server.server_address[1]}"

    receiver.answer(400, b"\x00<script>" + b"y" * 20_000)
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.response_status == 400
    assert len(delivery.response_body) == webhook_delivery.RESPONSE_EXCERPT_CHARS
    assert delivery.response_body.startswith("<script>yyy")  # control characters removed; the page escapes it


def test_an_endpoint_switched_off_gets_nothing(db, receiver, loopback):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company)
    submitted(world, sites=[world.site_a])
    endpoint.active = False
    database.session.commit()
    submitted(world, sites=[world.site_a])
    [pending] = deliveries(endpoint.id)  # the second application's change wrote none
    assert relay() == 0
    assert webhook_delivery.deliver(pending.id) == "skipped"
    assert receiver.requests == []


# ----------------------------------------------------------------------------- addresses


@pytest.mark.parametrize("url", [
    "https://10.0.0.7/hooks",
    "https://192.168.1.1/hooks",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/x",
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://127.0.0.1/hooks",
    "https://localhost/hooks",
    "https://0.0.0.0/hooks",
    "http://example.com/hooks",
    "ftp://example.com/hooks",
    "https://user:secret@example.com/hooks",
    "https://example.com/hooks#frag",
    "https:///nohost",
    "https://example.com:99999/",
    "https://" + "a" * 500 + ".com/",
])
def test_addresses_that_are_not_public_https_are_refused_before_any_lookup(url):
    assert webhook_delivery.check_url(url, loopback_ok=False) is not None


def test_public_https_addresses_pass_and_loopback_only_with_the_flag():
    assert webhook_delivery.check_url("https://hooks.example.com/permits?x=1", loopback_ok=False) is None
    assert webhook_delivery.check_url("https://93.184.216.34:8443/hooks", loopback_ok=False) is None
    assert webhook_delivery.check_url("http://127.0.0.1:8080/hooks", loopback_ok=True) is None
    assert webhook_delivery.check_url("http://localhost:8080/hooks", loopback_ok=True) is None
    assert webhook_delivery.check_url("http://127.0.0.1:8080/hooks", loopback_ok=False) is not None
    assert webhook_delivery.check_url("http://10.0.0.1/hooks", loopback_ok=True) is not None


@pytest.mark.parametrize("resolved", [["10.1.2.3"], ["93.184.216.34", "127.0.0.1"], ["169.254.169.254"], ["::1"]])
def test_a_name_that_resolves_to_a_private_address_is_refused_and_never_connected(db, monkeypatch, resolved):
    world = build_world()
    endpoint = endpoint_for(url="https://hooks.example.com/permits", company=world.producer.company)
    submitted(world, sites=[world.site_a])

    def getaddrinfo(host, port, *args, **kwargs):
        assert host == "hooks.example.com"
        return [(0, 1, 6, "", (address, port)) for address in resolved]

    def never(*args, **kwargs):
        raise AssertionError("connected to a refused address")

    monkeypatch.setattr(webhook_delivery.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(webhook_delivery.socket, "create_connection", never)
    relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.status == WebhookStatus.DEAD  # refused for good: a person must change the address
    assert "not public" in delivery.last_error


def test_loopback_without_the_flag_is_refused_at_delivery(db, receiver):
    world = build_world()
    endpoint = endpoint_for(url=receiver.url, company=world.producer.company)  # written past the form's check
    submitted(world, sites=[world.site_a])
    relay()
    [delivery] = deliveries(endpoint.id)
    assert delivery.status == WebhookStatus.DEAD
    assert receiver.requests == []


# ----------------------------------------------------------------------------- the table


def test_every_move_of_the_application_life_cycle_is_a_webhook_event():
    for version in registered_versions():
        for transition in get_definition(version).application_transitions:
            key = ("application", transition.action)
            if transition.source != transition.target:
                assert webhooks.STATE_CHANGED in webhooks.WEBHOOK_EVENTS.get(key, ()), (version, transition)
    for name in (name for names in webhooks.WEBHOOK_EVENTS.values() for name in names):
        assert name in webhooks.EVENT_NAMES


def test_writing_the_deliveries_takes_the_same_statements_for_one_event_and_for_many(app, db, loopback):
    from sqlalchemy import event

    world = build_world()
    endpoint_for(url="https://hooks.example.com/a", company=world.producer.company)
    endpoint_for(url="https://hooks.example.com/b", organisation=world.ministry)
    first = submitted(world, sites=[world.site_a])
    more = [submitted(world, sites=[world.site_a]) for _ in range(5)]

    def statements(applications) -> int:
        seen = []
        for application in applications:
            audit.record_event(application, actor=None, actor_role="system", subject="application", action="lapse",
                               from_state="submitted", to_state="lapsed")
        database.session.flush()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            database.session.commit()
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements([first]) == statements(more)
    assert database.session.scalar(select(database.func.count(WebhookDelivery.id))) == 2 * 6 + 2 * 6
