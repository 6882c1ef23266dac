"""The sweep fires deadlines in batches: what a batch writes is what firing
them one at a time writes, a batch costs the same statements whatever its
size, one failing deadline or a failing batch does not stop the others, and
two sweeps at once on PostgreSQL (SKIP LOCKED) fire each deadline once."""

import datetime as dt
import threading

import pytest
import time_machine
from sqlalchemy import event, func, select

from permits.database import intends_to_write
from permits.extensions import db as _db
from permits.models import Application, Deadline, Notification, OutboxMessage, OutboxStatus, WorkflowEvent
from permits.services import deadlines, notify
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted

WEDNESDAY = MONDAY + dt.timedelta(days=2)
OVERDUE = WEDNESDAY + dt.timedelta(hours=1)  # every screening's reminder and escalation are due


def _outbox_rows(prefix: str) -> list[tuple]:
    rows = _db.session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"{prefix}:%")).order_by(OutboxMessage.id)
    ).scalars()
    return [(m.idempotency_key.removeprefix(prefix), m.template, m.recipient_email, m.recipient_user_id, m.language,
             m.context, m.status) for m in rows]


def _notice_rows(prefix: str) -> list[tuple]:
    rows = _db.session.execute(
        select(Notification).where(Notification.idempotency_key.like(f"{prefix}:%")).order_by(Notification.id)
    ).scalars()
    return [(n.idempotency_key.removeprefix(prefix), n.user_id, n.kind, n.application_id, n.context, n.url) for n in rows]


def test_a_bulk_tell_writes_what_tell_writes(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    world.owner_a_reviewer.email_notifications = False  # a notice, no e-mail
    world.ministry_supervisor.daily_digest = True  # held for the morning summary
    users = [world.ministry_supervisor, world.owner_a_reviewer, world.producer, world.ministry_supervisor, None]
    _db.session.flush()
    context = notify.review_context(screening)

    notify.tell(users, "review_escalated", "one", context, path="/review/tasks/1", application=application)
    told = notify.BulkTell()
    told.tell(users, "review_escalated", "bulk", context, path="/review/tasks/1", application=application)
    told.write()
    again = notify.BulkTell()  # telling the same thing twice writes nothing the second time
    again.tell(users, "review_escalated", "bulk", context, path="/review/tasks/1", application=application)
    assert again.write() == 0
    _db.session.flush()

    assert _outbox_rows("bulk") == _outbox_rows("one")
    assert _notice_rows("bulk") == _notice_rows("one")
    assert len(_notice_rows("bulk")) == 3 and len(_outbox_rows("bulk")) == 2
    assert {row[-1] for row in _outbox_rows("bulk")} == {OutboxStatus.DIGEST, OutboxStatus.PENDING}


def _statements(app, moment):
    count = [0]

    def counter(*_args, **_kwargs):
        count[0] += 1

    event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        with time_machine.travel(moment, tick=False), intends_to_write():
            fired = deadlines.sweep(moment)
    finally:
        event.remove(_db.engine, "before_cursor_execute", counter)
    return fired, count[0]


def test_a_batch_costs_the_same_statements_for_3_and_for_12_overdue_reviews(app, db):
    world = build_world()
    for _ in range(3):
        submitted(world, sites=(world.site_b,))
    _db.session.commit()
    few = _statements(app, OVERDUE)
    for _ in range(9):
        submitted(world, sites=(world.site_b,))
    _db.session.commit()
    many = _statements(app, OVERDUE + dt.timedelta(days=1))
    assert few[0] == 6 and many[0] == 18  # a reminder and an escalation each
    assert many[1] == few[1]
    assert _db.session.scalar(select(func.count()).select_from(WorkflowEvent).where(WorkflowEvent.action == "escalate")) == 12


def test_one_failing_deadline_stays_claimed_and_the_others_fire(app, db, monkeypatch):
    world = build_world()
    for _ in range(3):
        submitted(world, sites=(world.site_b,))
    _db.session.commit()
    bad = _db.session.scalars(select(Deadline.id).where(Deadline.kind == "escalation").order_by(Deadline.id)).first()
    escalate = deadlines.BATCHED["escalation"]

    def failing(deadline, now, told, loaded):
        if deadline.id == bad:
            raise RuntimeError("boom")
        escalate(deadline, now, told, loaded)

    monkeypatch.setitem(deadlines.BATCHED, "escalation", failing)
    with time_machine.travel(OVERDUE, tick=False), intends_to_write():
        assert deadlines.sweep(OVERDUE) == 5
    _db.session.rollback()
    statuses = dict(_db.session.execute(select(Deadline.id, Deadline.status).where(Deadline.kind.in_(["reminder", "escalation"]))).all())
    assert statuses.pop(bad) == "claimed"
    assert set(statuses.values()) == {"fired"}
    assert _db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "review_escalated")) == 2
    # Retried once the claim is stale, with the handler mended.
    monkeypatch.setitem(deadlines.BATCHED, "escalation", escalate)
    later = OVERDUE + deadlines.STUCK_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False), intends_to_write():
        assert deadlines.sweep(later) == 1
    assert _db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "review_escalated")) == 3


def test_a_batch_that_fails_as_a_whole_is_fired_one_deadline_at_a_time(app, db, monkeypatch):
    world = build_world()
    for _ in range(3):
        submitted(world, sites=(world.site_b,))
    _db.session.commit()

    def broken(self):
        raise RuntimeError("the insert failed")

    monkeypatch.setattr(notify.BulkTell, "write", broken)
    with time_machine.travel(OVERDUE, tick=False), intends_to_write():
        assert deadlines.sweep(OVERDUE) == 6
    _db.session.rollback()
    assert set(_db.session.scalars(select(Deadline.status).where(Deadline.kind.in_(["reminder", "escalation"])))) == {"fired"}
    assert _db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "review_escalated")) == 3
    assert _db.session.scalar(select(func.count()).select_from(WorkflowEvent).where(WorkflowEvent.action == "escalate")) == 3


def test_a_warning_and_the_expiry_due_in_one_batch_fire_in_due_order(db):
    """The permit's warning is due a day before its expiry; swept late, both
    are in one batch: the producer is warned (the permit was still valid),
    then the application expires, as one at a time would."""
    world = build_world()
    application = submitted(world)
    for kind in ("ministry_screening", "site_owner", "tourism", "ministry_final"):
        approve_all(world, application, kind)
    _db.session.refresh(application)
    assert application.state == "approved"
    last_day = max(b.end_date for b in application.bookings)
    later = dt.datetime.combine(last_day + dt.timedelta(days=3), dt.time(0, 0), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False), intends_to_write():
        deadlines.sweep(later)
    _db.session.rollback()
    assert _db.session.get(Application, application.id, populate_existing=True).state == "expired"
    assert _db.session.scalars(select(OutboxMessage.recipient_email).where(OutboxMessage.template == "permit_expiring")).all() == [
        "producer@example.test"]


def test_two_sweeps_at_once_on_postgresql_each_take_other_rows(app, db, monkeypatch):
    """The first sweep holds its first batch (locked, claimed, not committed)
    until the second has fired a batch: the second skips the locked rows and
    takes the next ones. Every deadline fires exactly once."""
    if _db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises the sweeps (test_deadlines)")
    world = build_world()
    for _ in range(10):
        submitted(world, sites=(world.site_b,))
    _db.session.commit()
    expected = _db.session.scalar(select(func.count()).select_from(Deadline).where(Deadline.status == "pending", Deadline.due_at <= OVERDUE))
    assert expected == 20
    _db.session.remove()
    monkeypatch.setattr(deadlines, "BATCH", 4)

    first_holds, second_fired = threading.Event(), threading.Event()
    fired_by: dict[str, list[int]] = {"first": [], "second": []}
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    fire_batch = deadlines.fire_batch

    def holding_fire_batch(ids, now):
        name = threading.current_thread().name
        done = fire_batch(ids, now)
        fired_by[name].extend(ids)
        if name == "first" and not first_holds.is_set():
            first_holds.set()
            assert second_fired.wait(120), "the second sweep never fired a batch while the first held its rows"
        elif name == "second":
            second_fired.set()
        return done

    monkeypatch.setattr(deadlines, "fire_batch", holding_fire_batch)

    def sweep(name: str, wait_for: threading.Event | None):
        try:
            with app.app_context(), intends_to_write():
                if wait_for is not None:
                    assert wait_for.wait(120), "the first sweep never took a batch"
                results[name] = deadlines.sweep(OVERDUE)
                _db.session.remove()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            if name == "second":
                second_fired.set()  # the first goes on even if the second found nothing (asserted below)

    threads = [threading.Thread(target=sweep, name="first", args=("first", None)),
               threading.Thread(target=sweep, name="second", args=("second", first_holds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert fired_by["first"] and fired_by["second"]
    assert not set(fired_by["first"]) & set(fired_by["second"])
    assert results["first"] + results["second"] == expected == len(fired_by["first"]) + len(fired_by["second"])

    assert set(_db.session.scalars(select(Deadline.status).where(Deadline.kind.in_(["reminder", "escalation"])))) == {"fired"}
    assert _db.session.scalar(select(func.count()).select_from(WorkflowEvent).where(WorkflowEvent.action == "escalate")) == 10
    # One e-mail per recipient of each deadline: the ministry's supervisor for
    # each escalation; the screening's reviewers for each reminder.
    per_key = _db.session.execute(
        select(OutboxMessage.idempotency_key, func.count()).group_by(OutboxMessage.idempotency_key).having(func.count() > 1)
    ).all()
    assert per_key == []
    escalated = _db.session.scalars(select(OutboxMessage.recipient_email).where(OutboxMessage.template == "review_escalated")).all()
    assert sorted(escalated) == ["coord@example.test"] * 10
    reminded = _db.session.scalars(select(OutboxMessage.recipient_email).where(OutboxMessage.template == "review_reminder")).all()
    assert sorted(reminded) == sorted(["coord@example.test", "ministry@example.test"] * 10)
