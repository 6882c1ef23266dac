"""The statistics of the single window: turnaround per organisation and
per kind of review (business days of the commission's calendar),
applications per month, shoot days, countries, sites, fees, and the public
scorecard. Read-only; the ministry's statistics page and the public
scorecard (``permits.statistics``) draw them.

Every figure is a sum of the counters ``services.summaries`` keeps as the
facts change (one query a table, over at most a few thousand rows), never a scan of the
applications, bookings, reviews or ledger: the pages cost the same at a
thousand applications and at a hundred thousand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select

from permits.extensions import db
from permits.models import Location, Organisation, StatisticsSummary
from permits.services import summaries
from permits.services.context import calendar, now_utc
from workflows import current_definition

OUTCOMES = summaries.OUTCOMES
S = StatisticsSummary


def _sums(metric: str, *, by_period: bool = False, first: dt.date | None = None):
    """(key, count, total) of a metric summed over its periods (``by_period``:
    (period, key, count, total) for each period), from the period ``first`` on;
    cells that came back to zero are left out."""
    columns = (S.period, S.key) if by_period else (S.key,)
    query = (
        select(*columns, func.sum(S.count), func.sum(S.total))
        .where(S.metric == metric)
        .group_by(*columns)
        .having(or_(func.sum(S.count) != 0, func.sum(S.total) != 0))
        .order_by(*columns)
    )
    if first is not None:
        query = query.where(S.period >= first)
    return db.session.execute(query).all()


def _month_text(period) -> str:
    return summaries.as_date(period).strftime("%Y-%m")


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


def turnaround_groups(since: dt.date | None = None) -> list[tuple[int, str | None, int, int, int]]:
    """(organisation id, review kind, business days, reviews, reviews on time)
    of the decided reviews: since ever by month, or by day from the local day
    ``since`` (the kind is then not told: None)."""
    groups = []
    if since is None:
        for key, count, on_time in _sums(summaries.TURNAROUND):
            organisation_id, kind, days = key.split("|")
            groups.append((int(organisation_id), kind, int(days), int(count), int(on_time or 0)))
    else:
        for key, count, on_time in _sums(summaries.TURNAROUND_DAY, first=since):
            organisation_id, days = key.split("|")
            groups.append((int(organisation_id), None, int(days), int(count), int(on_time or 0)))
    return groups


def turnaround_by(dimension: str, since: dt.date | None = None, groups=None) -> list[Turnaround]:
    """Median and 90th percentile turnaround per organisation or per review kind
    (pass ``groups`` to reuse one ``turnaround_groups`` read for both; ``since``,
    a local day, per organisation only)."""
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
    months: dict[str, dict] = {}
    for period, outcome, count, _total in _sums(summaries.APPLICATIONS, by_period=True):
        key = _month_text(period)
        row = months.setdefault(key, {"month": key, **dict.fromkeys(OUTCOMES, 0), "total": 0})
        row[outcome] += int(count)
        row["total"] += int(count)
    return [months[key] for key in sorted(months)][-limit_months:]


MONEY_KINDS = ("invoiced", "paid", "waived", "refunded")


def money_by_month(limit_months: int = 24) -> list[dict]:
    """Fees invoiced, collected (paid), waived and refunded per month of the
    ledger's date (the bank's date of a payment or refund)."""
    months: dict[str, dict] = {}
    for period, kind, _count, amount in _sums(summaries.MONEY, by_period=True):
        if kind not in MONEY_KINDS:
            continue
        key = _month_text(period)
        row = months.setdefault(key, {"month": key, **{k: Decimal("0.00") for k in MONEY_KINDS}})
        row[kind] += Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    return [months[key] for key in sorted(months)][-limit_months:]


SHOOT_DAYS = {"region": summaries.SHOOT_DAYS_REGION, "category": summaries.SHOOT_DAYS_CATEGORY, "month": summaries.SHOOT_DAYS_MONTH}


def shoot_days_by(dimension: str) -> list[dict]:
    """Permitted shoot days (and productions) by the site's region or category, or by month."""
    rows = _sums(SHOOT_DAYS.get(dimension, summaries.SHOOT_DAYS_CATEGORY))
    return [{"key": key, "days": int(days or 0), "productions": int(count)} for key, count, days in sorted(rows)]


def productions_by_country() -> list[dict]:
    rows = [{"country": key, "applications": int(count), "permitted": int(permitted or 0)}
            for key, count, permitted in _sums(summaries.COUNTRY)]
    return sorted(rows, key=lambda row: (-row["applications"], row["country"]))


def most_requested_sites(limit: int = 15) -> list[dict]:
    requested = sorted(((int(count), int(key), int(days or 0)) for key, count, days in _sums(summaries.SITE_REQUESTS)),
                       key=lambda row: (-row[0], row[1]))[:limit]
    locations = {loc.id: loc for loc in db.session.execute(
        select(Location).where(Location.id.in_([location_id for _n, location_id, _d in requested] or [-1]))).scalars()}
    return [{"location": locations[location_id], "applications": count, "days": days}
            for count, location_id, days in requested if location_id in locations]


def scorecard(now: dt.datetime | None = None, window_days: int = 90) -> dict:
    """The public scorecard: the last ``window_days`` days (local days, today included)."""
    now = now or now_utc()
    today = calendar().local_date(now)
    first = today - dt.timedelta(days=window_days)
    figures = dict(db.session.execute(
        select(S.metric, func.sum(S.count))
        .where(S.metric.in_((summaries.PERMITS_ISSUED, summaries.SHOT_ON)), S.period >= first, S.period <= today)
        .group_by(S.metric)
    ).all())
    rows = turnaround_by("organisation", first)
    organisations = {o.id: o for o in db.session.execute(select(Organisation).where(Organisation.id.in_([r.key for r in rows] or [-1]))).scalars()}
    bodies = sorted(
        ({"organisation": organisations[r.key], "reviews": r.reviews, "median": r.median, "share": r.share_within_sla} for r in rows if r.key in organisations),
        # The film commission first, then every other body by name.
        key=lambda row: (row["organisation"].kind != current_definition().commission_org_kind, row["organisation"].name),
    )
    return {
        "window_days": window_days,
        "since": first,
        "permits_issued": int(figures.get(summaries.PERMITS_ISSUED) or 0),
        "shoot_days": int(figures.get(summaries.SHOT_ON) or 0),
        "bodies": bodies,
    }
