"""The statistics of the single window, aggregated in SQL: turnaround per
organisation and per kind of review (business days of the commission's
calendar, read from the rows ``services.turnaround`` writes as each review
is decided), applications per month, shoot days, countries, sites, and the
public scorecard. Read-only; the ministry's statistics page and the public
scorecard (``permits.statistics``) draw them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Integer, case, cast, func, select

from permits.extensions import db
from permits.models import Application, Booking, Location, MoneyEntry, Organisation, Permit, ReviewTurnaround
from permits.services.context import calendar, now_utc
from workflows import (
    ABANDONED_APPLICATION_STATES,
    ISSUED_APPLICATION_STATES,
    PERMITTED_APPLICATION_STATES,
    ApplicationState,
    current_definition,
    state_values,
)

PERMITTED_STATES = state_values(PERMITTED_APPLICATION_STATES)
ISSUED_STATES = state_values(ISSUED_APPLICATION_STATES)
OUTCOMES = ("approved", "rejected", "withdrawn", "open")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _offset_minutes() -> int:
    """The commission's UTC offset (Asia/Baku has no summer time since 2016)."""
    cal = calendar()
    return int(dt.datetime.now(cal.zone).utcoffset().total_seconds() // 60)


def _local_month(column):
    if _dialect() == "postgresql":
        return func.to_char(func.timezone(calendar().tz, column), "YYYY-MM")
    return func.strftime("%Y-%m", column, f"{_offset_minutes():+d} minutes")


def _date_month(column):
    if _dialect() == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _days_between(start, end):
    """Inclusive number of days of a date range."""
    if _dialect() == "postgresql":
        return end - start + 1
    return cast(func.julianday(end) - func.julianday(start), Integer) + 1


def percentile(histogram: dict[int, int], fraction: float) -> float | None:
    """Nearest-rank percentile of a {value: count} histogram."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, int(-(-fraction * total // 1)))  # ceil
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


@dataclass
class Turnaround:
    key: object
    reviews: int
    median: float | None
    p90: float | None
    within_sla: int = 0

    @property
    def share_within_sla(self) -> float | None:
        return (self.within_sla / self.reviews) if self.reviews else None


def turnaround_groups(since: dt.datetime | None = None) -> list[tuple[int, str, int, int, int]]:
    """(organisation id, review kind, business days, reviews, reviews on time)
    of the decided reviews (since ``since``): one grouped read of the
    turnaround rows written when each review was decided."""
    query = select(
        ReviewTurnaround.organisation_id,
        ReviewTurnaround.kind,
        ReviewTurnaround.business_days,
        func.count(),
        func.sum(case((ReviewTurnaround.on_time.is_(True), 1), else_=0)),
    ).group_by(ReviewTurnaround.organisation_id, ReviewTurnaround.kind, ReviewTurnaround.business_days)
    if since is not None:
        query = query.where(ReviewTurnaround.decided_at >= since)
    return [(org, kind, int(days), int(n), int(ok or 0)) for org, kind, days, n, ok in db.session.execute(query)]


def turnaround_by(dimension: str, since: dt.datetime | None = None, groups=None) -> list[Turnaround]:
    """Median and 90th percentile turnaround per organisation or per review kind
    (pass ``groups`` to reuse one ``turnaround_groups`` read for both)."""
    groups = turnaround_groups(since) if groups is None else groups
    histograms: dict[object, dict[int, int]] = {}
    on_time: dict[object, int] = {}
    for organisation_id, kind, days, count, within in groups:
        key = organisation_id if dimension == "organisation" else kind
        histogram = histograms.setdefault(key, {})
        histogram[days] = histogram.get(days, 0) + count
        on_time[key] = on_time.get(key, 0) + within
    return [
        Turnaround(
            key=key,
            reviews=sum(histogram.values()),
            median=percentile(histogram, 0.5),
            p90=percentile(histogram, 0.9),
            within_sla=on_time[key],
        )
        for key, histogram in histograms.items()
    ]


def applications_by_month(limit_months: int = 24) -> list[dict]:
    """Submitted applications per month (Baku time) and their outcome so far."""
    month = _local_month(Application.submitted_at).label("month")
    outcome = case(
        (Application.state.in_(ISSUED_STATES), "approved"),
        (Application.state == ApplicationState.REJECTED.value, "rejected"),
        (Application.state.in_(state_values(ABANDONED_APPLICATION_STATES)), "withdrawn"),
        else_="open",
    ).label("outcome")
    query = (
        select(month, outcome, func.count())
        .where(Application.submitted_at.is_not(None))
        .group_by(month, outcome)
    )
    months: dict[str, dict] = {}
    for key, result, count in db.session.execute(query):
        row = months.setdefault(key, {"month": key, **dict.fromkeys(OUTCOMES, 0), "total": 0})
        row[result] += int(count)
        row["total"] += int(count)
    return [months[key] for key in sorted(months)][-limit_months:]


MONEY_KINDS = ("invoiced", "paid", "waived", "refunded")


def money_by_month(limit_months: int = 24) -> list[dict]:
    """Fees invoiced, collected (paid), waived and refunded per month of the
    ledger's date (the bank's date of a payment or refund): one grouped query."""
    month = _date_month(MoneyEntry.occurred_on).label("month")
    query = (
        select(month, MoneyEntry.kind, func.sum(MoneyEntry.amount))
        .where(MoneyEntry.kind.in_(MONEY_KINDS))
        .group_by(month, MoneyEntry.kind)
    )
    months: dict[str, dict] = {}
    for key, kind, amount in db.session.execute(query):
        row = months.setdefault(key, {"month": key, **{k: Decimal("0.00") for k in MONEY_KINDS}})
        row[kind] += Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    return [months[key] for key in sorted(months)][-limit_months:]


def shoot_days_by(dimension: str) -> list[dict]:
    """Permitted shoot days by the site's region or category, or by month."""
    days = func.sum(_days_between(Booking.start_date, Booking.end_date))
    if dimension == "month":
        key = _date_month(Booking.start_date)
    elif dimension == "region":
        key = Location.region
    else:
        key = Location.category
    query = (
        select(key.label("key"), days.label("days"), func.count(func.distinct(Booking.application_id)))
        .join(Application, Application.id == Booking.application_id)
        .join(Location, Location.id == Booking.location_id)
        .where(Booking.active.is_(True), Application.state.in_(PERMITTED_STATES))
        .group_by(key)
        .order_by(key)
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
        .group_by(Location.id)
        .order_by(requests.desc(), Location.id)
        .limit(limit)
    )
    return [{"location": loc, "applications": int(n), "days": int(d or 0)} for loc, n, d in db.session.execute(query)]


def scorecard(now: dt.datetime | None = None, window_days: int = 90) -> dict:
    """The public scorecard: the last ``window_days`` days."""
    now = now or now_utc()
    since = now - dt.timedelta(days=window_days)
    today = calendar().local_date(now)
    first = today - dt.timedelta(days=window_days)
    permits_issued = db.session.execute(select(func.count()).select_from(Permit).where(Permit.issued_at >= since)).scalar_one()
    if _dialect() == "postgresql":
        start, end = func.greatest(Booking.start_date, first), func.least(Booking.end_date, today)
    else:
        start, end = func.max(Booking.start_date, first.isoformat()), func.min(Booking.end_date, today.isoformat())
    shoot_days = db.session.execute(
        select(func.coalesce(func.sum(_days_between(start, end)), 0))
        .join(Application, Application.id == Booking.application_id)
        .where(
            Booking.active.is_(True),
            Application.state.in_(ISSUED_STATES),
            Booking.start_date <= today,
            Booking.end_date >= first,
        )
    ).scalar_one()
    rows = turnaround_by("organisation", since)
    organisations = {o.id: o for o in db.session.execute(select(Organisation).where(Organisation.id.in_([r.key for r in rows] or [-1]))).scalars()}
    bodies = sorted(
        ({"organisation": organisations[r.key], "reviews": r.reviews, "median": r.median, "share": r.share_within_sla} for r in rows if r.key in organisations),
        # The film commission first, then every other body by name.
        key=lambda row: (row["organisation"].kind != current_definition().commission_org_kind, row["organisation"].name),
    )
    return {
        "window_days": window_days,
        "since": first,
        "permits_issued": int(permits_issued),
        "shoot_days": int(shoot_days or 0),
        "bodies": bodies,
    }
