"""Each review's SLA clock and the Deadline rows that enforce it.

Invariant: an open review has exactly one live (pending or fired) deadline
of its own expiry kind - an escalation while its clock runs, an information
lapse while it waits on the producer - and a closed review has none pending.
Reminders ride along and are cancelled with their clock.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from permits.extensions import db
from permits.models import Deadline, DeadlineKind, ReviewTask
from permits.services.context import calendar
from workflows import ClockState, ProcessDefinition


def _clock(review: ReviewTask) -> ClockState:
    return ClockState(review.due_at, review.remaining_business_seconds, review.paused_at, review.calendar_fingerprint)


def _store(review: ReviewTask, clock: ClockState) -> None:
    review.due_at = clock.due_utc
    review.remaining_business_seconds = clock.remaining_business_seconds
    review.paused_at = clock.paused_at_utc
    review.calendar_fingerprint = clock.calendar_fingerprint


def _add(kind: str, review: ReviewTask, due_at: dt.datetime) -> None:
    db.session.add(Deadline(kind=kind, application_id=review.application_id, review_task_id=review.id, due_at=due_at))


def cancel_deadlines(review: ReviewTask, kinds: tuple[str, ...] | None = None) -> None:
    query = (
        update(Deadline)
        .where(Deadline.review_task_id == review.id, Deadline.status == "pending")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    if kinds:
        query = query.where(Deadline.kind.in_(kinds))
    db.session.flush()
    db.session.execute(query)


def _review_deadlines(review: ReviewTask, defn: ProcessDefinition, now: dt.datetime) -> None:
    cal = calendar()
    _add(DeadlineKind.ESCALATION, review, review.due_at)
    reminder_at = cal.add_business_time(now, 0)
    business_left = cal.business_seconds_between(now, review.due_at)
    before = defn.reminder_before_business_days * cal.business_day_seconds
    if business_left > before:
        # One business day before the due time, in business time.
        reminder_at = cal.add_business_time(now, business_left - before)
        _add(DeadlineKind.REMINDER, review, reminder_at)


def start_clock(review: ReviewTask, defn: ProcessDefinition, now: dt.datetime) -> None:
    cal = calendar()
    review.sla_business_days = defn.sla_business_days(review.kind)
    _store(review, ClockState.start(cal, now, review.sla_business_days))
    db.session.flush()
    _review_deadlines(review, defn, now)


def pause_clock(review: ReviewTask, defn: ProcessDefinition, now: dt.datetime) -> dt.datetime:
    """Pause for a request for information; returns the producer's due time."""
    cal = calendar()
    _store(review, _clock(review).pause(cal, now))
    cancel_deadlines(review)
    producer_due = cal.add_business_days(now, defn.info_response_business_days)
    _add(DeadlineKind.INFO_LAPSE, review, producer_due)
    remind_at = cal.add_business_time(now, (defn.info_response_business_days - 2) * cal.business_day_seconds)
    if defn.info_response_business_days > 2:
        _add(DeadlineKind.INFO_REMINDER, review, remind_at)
    return producer_due


def resume_clock(review: ReviewTask, defn: ProcessDefinition, now: dt.datetime) -> None:
    """Resume with the business time that was left when it paused."""
    cal = calendar()
    _store(review, _clock(review).resume(cal, now))
    cancel_deadlines(review)
    db.session.flush()
    _review_deadlines(review, defn, now)


def due_soon_limit(now: dt.datetime) -> dt.datetime:
    """Reviews due before this moment are "due soon": within one business day."""
    return calendar().add_business_days(now, 1)


def clock_state(review: ReviewTask, now: dt.datetime, soon: dt.datetime | None = None) -> str:
    """How a review's SLA clock stands: on-time | due-soon | overdue | paused
    | closed - the same boundaries as the dashboard's queues (due soon: by
    ``due_soon_limit``; overdue: past its due time)."""
    if not review.is_open:
        return "closed"
    if review.is_paused or review.due_at is None:
        return "paused"
    if review.due_at < now:
        return "overdue"
    if review.due_at <= (soon or due_soon_limit(now)):
        return "due-soon"
    return "on-time"


def stop_clock(review: ReviewTask) -> None:
    """The review is closed: nothing more to remind, escalate or lapse."""
    cancel_deadlines(review)
