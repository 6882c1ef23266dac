"""The turnaround of every decided review, kept as one row per review
(``ReviewTurnaround``): written in the same transaction as the decision,
removed when a decision is undone (a refused site's review dropped, a
review reopened), and rebuilt from the reviews themselves by
``flask rebuild-statistics``. Each row also moves the turnaround counters
(``services.summaries``) the statistics and the public scorecard read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, and_, case, cast, column, delete, func, insert, select, text, values

from permits.extensions import db
from permits.models import ReviewTask, ReviewTurnaround
from permits.services import summaries
from permits.services.context import calendar
from workflows import DECIDED_REVIEW_STATES, state_values

DECIDED_STATES = state_values(DECIDED_REVIEW_STATES)
EPOCH = dt.date(1970, 1, 1)


def counts(review: ReviewTask) -> bool:
    """A review the statistics count: decided (approved, with or without conditions, or refused) at a known time."""
    return review.state in DECIDED_STATES and review.decided_at is not None


def record(review: ReviewTask) -> ReviewTurnaround | None:
    """The review has just been decided (``decided_at`` set): write its row
    (or rewrite it, when a reopened review is decided again)."""
    if not counts(review):
        forget(review)
        return None
    cal = calendar()
    opened_day, decided_day = cal.local_date(review.opened_at), cal.local_date(review.decided_at)
    fields = {
        "organisation_id": review.organisation_id,
        "kind": review.kind,
        "opened_at": review.opened_at,
        "decided_at": review.decided_at,
        "decided_month": decided_day.strftime("%Y-%m"),
        "business_days": cal.business_days_between(opened_day, decided_day),
        "on_time": review.due_at is not None and review.decided_at <= review.due_at,
    }
    row = db.session.get(ReviewTurnaround, review.id)
    counted = summaries.turnaround_cells(row)
    if row is None:
        row = ReviewTurnaround(review_task_id=review.id, **fields)
        db.session.add(row)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    db.session.flush()
    summaries.count_turnaround(counted, row)
    return row


def forget(review: ReviewTask) -> None:
    """The review no longer counts as decided (dropped, reopened)."""
    row = db.session.get(ReviewTurnaround, review.id)
    if row is None:
        return
    summaries.count_turnaround(summaries.turnaround_cells(row), None)
    db.session.delete(row)
    db.session.flush()


# ----------------------------------------------------------------------------- the rebuild


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _offset_minutes() -> int:
    """The commission's UTC offset (Asia/Baku has no summer time since 2016)."""
    return int(dt.datetime.now(calendar().zone).utcoffset().total_seconds() // 60)


def _local_day_number(moment):
    """Days since 1970-01-01 of a UTC timestamp, in the commission's time zone."""
    if _dialect() == "postgresql":
        return cast(func.timezone(calendar().tz, moment), Date) - EPOCH
    return cast(func.julianday(moment, f"{_offset_minutes():+d} minutes") - 2440587.5, Integer)


def _local_month(moment):
    if _dialect() == "postgresql":
        return func.to_char(func.timezone(calendar().tz, moment), "YYYY-MM")
    return func.strftime("%Y-%m", moment, f"{_offset_minutes():+d} minutes")


def _business_ordinals(first_day: int, last_day: int):
    """A VALUES table: day number -> business days counted up to that day."""
    cal = calendar()
    rows = []
    count = 0
    for number in range(first_day, last_day + 1):
        if cal.is_business_day(EPOCH + dt.timedelta(days=number)):
            count += 1
        rows.append((number, count))
    return values(column("day", Integer), column("ordinal", Integer), name="business_days").data(rows).cte("business_days")


def rebuild() -> int:
    """Recompute every row from the reviews (one INSERT ... SELECT; the
    business days by the calendar in SQL, as the incremental rows compute
    them in Python). Flushes, never commits; returns the number of rows."""
    db.session.flush()
    if _dialect() == "postgresql":
        # Decisions committing meanwhile wait for the rebuild (their rows then follow it), rather than
        # colliding with the rows it inserts.
        db.session.execute(text("LOCK TABLE review_turnarounds IN SHARE ROW EXCLUSIVE MODE"))
    db.session.execute(delete(ReviewTurnaround))
    decided = and_(ReviewTask.state.in_(DECIDED_STATES), ReviewTask.decided_at.is_not(None))
    opened_day = _local_day_number(ReviewTask.opened_at)
    decided_day = _local_day_number(ReviewTask.decided_at)
    first, last = db.session.execute(select(func.min(opened_day), func.max(decided_day)).where(decided)).one()
    if first is None or last is None:
        return 0
    first, last = int(first), max(int(last), int(first))
    ordinals = _business_ordinals(first, last)
    opened, closed = ordinals.alias("opened"), ordinals.alias("closed")
    days = closed.c.ordinal - opened.c.ordinal
    source = (
        select(
            ReviewTask.id,
            ReviewTask.organisation_id,
            ReviewTask.kind,
            ReviewTask.opened_at,
            ReviewTask.decided_at,
            _local_month(ReviewTask.decided_at),
            case((days < 0, 0), else_=days),
            case((and_(ReviewTask.due_at.is_not(None), ReviewTask.decided_at <= ReviewTask.due_at), True), else_=False),
        )
        .join(opened, opened.c.day == opened_day)
        .join(closed, closed.c.day == decided_day)
        .where(decided)
    )
    columns = ["review_task_id", "organisation_id", "kind", "opened_at", "decided_at", "decided_month", "business_days", "on_time"]
    db.session.execute(insert(ReviewTurnaround).from_select(columns, source))
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(ReviewTurnaround)).scalar_one()
