"""The deadline sweep, with time travel: a reminder one business day before
the due time, the escalation after it, the lapse after the producer's ten
business days, permit expiry; and two sweeps at once fire each deadline once."""

import datetime as dt
import threading

import time_machine
from sqlalchemy import select

from permits.database import intends_to_write
from permits.extensions import db as _db
from permits.models import Application, Deadline, Notification, OutboxMessage, WorkflowEvent
from permits.services import deadlines, workflow
from permits.tasks import sweep_deadlines
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted

TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


def _sweep_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return sweep_deadlines()


def _mail(template: str) -> list[str]:
    _db.session.rollback()
    return sorted(
        _db.session.scalars(select(OutboxMessage.recipient_email).where(OutboxMessage.template == template)).all()
    )


def test_reminder_one_business_day_before_then_escalation_after_the_due_time(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    assert screening.due_at == WEDNESDAY  # 2 business days
    assert _sweep_at(TUESDAY - dt.timedelta(minutes=1)) == 0
    assert _mail("review_reminder") == []

    assert _sweep_at(TUESDAY) == 1
    assert _mail("review_reminder") == ["coord@example.test", "ministry@example.test"]
    assert _mail("review_escalated") == []
    assert _sweep_at(TUESDAY + dt.timedelta(hours=3)) == 0  # fired once

    assert _sweep_at(WEDNESDAY + dt.timedelta(minutes=1)) == 1
    assert _mail("review_escalated") == ["coord@example.test"]  # the ministry's supervisor
    assert db.session.scalar(select(WorkflowEvent.id).where(WorkflowEvent.action == "escalate")) is not None
    notice = db.session.scalars(select(Notification).where(Notification.kind == "review_escalated")).one()
    assert notice.url == f"/review/tasks/{screening.id}"


def test_a_decided_review_is_neither_reminded_nor_escalated(db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    _sweep_at(TUESDAY)
    assert _mail("review_reminder") == []


def test_an_unanswered_request_for_information_lapses_after_ten_business_days(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    workflow.decide(screening, world.ministry_reviewer, "request_information", reason="Insurance?", now=MONDAY)
    db.session.commit()
    lapse_at = db.session.scalar(
        select(Deadline.due_at).where(Deadline.kind == "info_lapse", Deadline.status == "pending")
    )
    # Ten business days: Monday 19 April -> Monday 3 May (no holiday in between).
    assert lapse_at == MONDAY + dt.timedelta(days=14)
    _sweep_at(WEDNESDAY + dt.timedelta(days=1))  # the review's clock is paused: no escalation
    assert _mail("review_escalated") == []
    _sweep_at(lapse_at - dt.timedelta(days=3))
    assert _mail("information_due_soon") == ["producer@example.test"]
    _sweep_at(lapse_at - dt.timedelta(minutes=1))
    db.session.rollback()
    assert db.session.get(Application, application.id, populate_existing=True).state != "lapsed"
    _sweep_at(lapse_at)
    db.session.rollback()
    assert db.session.get(Application, application.id, populate_existing=True).state == "lapsed"
    assert "producer@example.test" in _mail("application_lapsed")


def test_an_answer_in_time_prevents_the_lapse(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    workflow.decide(screening, world.ministry_reviewer, "request_information", reason="Insurance?", now=MONDAY)
    db.session.commit()
    workflow.provide_information(screening, world.producer, "Attached.", now=TUESDAY)
    db.session.commit()
    _sweep_at(MONDAY + dt.timedelta(days=30))
    db.session.rollback()
    assert db.session.get(Application, application.id, populate_existing=True).state != "lapsed"


def test_the_permit_expires_after_the_last_shoot_day(db):
    world = build_world()
    application = submitted(world)
    for kind in ("ministry_screening", "site_owner", "tourism", "ministry_final"):
        approve_all(world, application, kind)
    db.session.refresh(application)
    assert application.state == "approved"
    last_day = max(b.end_date for b in application.bookings)
    baku_midnight = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=dt.timezone(dt.timedelta(hours=4)))
    _sweep_at(baku_midnight - dt.timedelta(days=1))
    assert _mail("permit_expiring") == ["producer@example.test"]
    db.session.rollback()
    assert db.session.get(Application, application.id, populate_existing=True).state == "approved"
    _sweep_at(baku_midnight + dt.timedelta(minutes=1))
    db.session.rollback()
    assert db.session.get(Application, application.id, populate_existing=True).state == "expired"


def test_two_sweeps_at_once_escalate_each_overdue_review_once(app, db):
    world = build_world()
    for _ in range(12):
        submitted(world, sites=(world.site_b,))
    db.session.commit()
    db.session.remove()
    results: list[int] = []
    barrier = threading.Barrier(2)

    def sweep():
        with app.app_context(), intends_to_write():
            barrier.wait()
            results.append(deadlines.sweep(WEDNESDAY + dt.timedelta(hours=1)))
            _db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # 12 reminders and 12 escalations, each fired by exactly one of the sweeps.
    assert sum(results) == 24
    escalations = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "review_escalated")).all()
    assert len(escalations) == 12
    events = _db.session.scalars(select(WorkflowEvent).where(WorkflowEvent.action == "escalate")).all()
    assert len(events) == 12
    assert not _db.session.scalars(select(Deadline).where(Deadline.status.in_(["pending", "claimed"]), Deadline.kind == "escalation")).all()
