"""The statistics as the page computed them from history before the
counters (``services.summaries``): grouped queries over the applications,
their bookings, the ledger and the turnaround rows. The tests hold the
page's figures to these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Integer, case, cast, func, select

from permits.extensions import db
from permits.models import Application, Booking, Location, MoneyEntry, ReviewTurnaround
from permits.services.context import calendar
from permits.services.statistics import MONEY_KINDS, OUTCOMES, Turnaround, percentile
from tests import clock
from workflows import (
    ABANDONED_APPLICATION_STATES,
    ISSUED_APPLICATION_STATES,
    PERMITTED_APPLICATION_STATES,
    state_values,
)

PERMITTED_STATES = state_values(PERMITTED_APPLICATION_STATES)
ISSUED_STATES = state_values(ISSUED_APPLICATION_STATES)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local_month(column):
    if _dialect() == "postgresql":
        return func.to_char(func.timezone(calendar().tz, column), "YYYY-MM")
    offset = int(clock.now().astimezone(calendar().zone).utcoffset().total_seconds() // 60)
    return func.strftime("%Y-%m", column, f"{offset:+d} minutes")


def _date_month(column):
    if _dialect() == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _days_between(start, end):
    if _dialect() == "postgresql":
        return end - start + 1
    return cast(func.julianday(end) - func.julianday(start), Integer) + 1


def applications_by_month() -> list[dict]:
    month = _local_month(Application.submitted_at).label("month")
    outcome = case(
        (Application.state.in_(ISSUED_STATES), "approved"),
        (Application.state == "rejected", "rejected"),
        (Application.state.in_(state_values(ABANDONED_APPLICATION_STATES)), "withdrawn"),
        else_="open",
    ).label("outcome")
    query = select(month, outcome, func.count()).where(Application.submitted_at.is_not(None)).group_by(month, outcome)
    months: dict[str, dict] = {}
    for key, result, count in db.session.execute(query):
        row = months.setdefault(key, {"month": key, **dict.fromkeys(OUTCOMES, 0), "total": 0})
        row[result] += int(count)
        row["total"] += int(count)
    return [months[key] for key in sorted(months)]


def money_by_month() -> list[dict]:
    month = _date_month(MoneyEntry.occurred_on).label("month")
    query = (select(month, MoneyEntry.kind, func.sum(MoneyEntry.amount))
             .where(MoneyEntry.kind.in_(MONEY_KINDS)).group_by(month, MoneyEntry.kind))
    months: dict[str, dict] = {}
    for key, kind, amount in db.session.execute(query):
        row = months.setdefault(key, {"month": key, **{k: Decimal("0.00") for k in MONEY_KINDS}})
        row[kind] += Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    return [months[key] for key in sorted(months)]


def shoot_days_by(dimension: str) -> list[dict]:
    days = func.sum(_days_between(Booking.start_date, Booking.end_date))
    key = {"month": _date_month(Booking.start_date), "region": Location.region}.get(dimension, Location.category)
    query = (
        select(key.label("key"), days.label("days"), func.count(func.distinct(Booking.application_id)))
        .join(Application, Application.id == Booking.application_id)
        .join(Location, Location.id == Booking.location_id)
        .where(Booking.active.is_(True), Application.state.in_(PERMITTED_STATES))
        .group_by(key).order_by(key)
    )
    return [{"key": k, "days": int(d or 0), "productions": int(p)} for k, d, p in db.session.execute(query)]


def productions_by_country() -> list[dict]:
    query = (
        select(Application.country_of_origin, func.count(), func.sum(case((Application.state.in_(ISSUED_STATES), 1), else_=0)))
        .where(Application.submitted_at.is_not(None))
        .group_by(Application.country_of_origin)
        .order_by(func.count().desc(), Application.country_of_origin)
    )
    return [{"country": c, "applications": int(n), "permitted": int(p or 0)} for c, n, p in db.session.execute(query)]


def most_requested_sites(limit: int = 15) -> list[dict]:
    requests = func.count(func.distinct(Booking.application_id))
    query = (
        select(Location, requests, func.sum(_days_between(Booking.start_date, Booking.end_date)))
        .join(Booking, Booking.location_id == Location.id)
        .join(Application, Application.id == Booking.application_id)
        .where(Application.submitted_at.is_not(None))
        .group_by(Location.id).order_by(requests.desc(), Location.id).limit(limit)
    )
    return [{"location": loc, "applications": int(n), "days": int(d or 0)} for loc, n, d in db.session.execute(query)]


def turnaround_by(dimension: str, since_day: dt.date | None = None) -> list[Turnaround]:
    """From the turnaround rows, one by one (decided on ``since_day`` or later, in local days)."""
    histograms: dict[object, dict[int, int]] = {}
    on_time: dict[object, int] = {}
    for row in db.session.execute(select(ReviewTurnaround)).scalars():
        if since_day is not None and calendar().local_date(row.decided_at) < since_day:
            continue
        key = row.organisation_id if dimension == "organisation" else row.kind
        histogram = histograms.setdefault(key, {})
        histogram[row.business_days] = histogram.get(row.business_days, 0) + 1
        on_time[key] = on_time.get(key, 0) + (1 if row.on_time else 0)
    return [Turnaround(key=key, reviews=sum(h.values()), median=percentile(h, 0.5), p90=percentile(h, 0.9), within_sla=on_time[key])
            for key, h in histograms.items()]


def scorecard_shoot_days(now: dt.datetime, window_days: int = 90) -> int:
    today = calendar().local_date(now)
    first = today - dt.timedelta(days=window_days)
    if _dialect() == "postgresql":
        start, end = func.greatest(Booking.start_date, first), func.least(Booking.end_date, today)
    else:
        start, end = func.max(Booking.start_date, first.isoformat()), func.min(Booking.end_date, today.isoformat())
    return int(db.session.execute(
        select(func.coalesce(func.sum(_days_between(start, end)), 0))
        .join(Application, Application.id == Booking.application_id)
        .where(Booking.active.is_(True), Application.state.in_(ISSUED_STATES), Booking.start_date <= today, Booking.end_date >= first)
    ).scalar_one() or 0)
