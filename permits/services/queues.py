"""Read-only queries of the reviewers' dashboard: queues, counts, filters
and the ministry's list of every application.

Every list is paginated by key (keyset on the sort column and the id, never
OFFSET) and loads what its rows show with a fixed number of queries,
whatever the page size.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Date, Integer, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from permits.extensions import db
from permits.models import Application, Booking, Company, Location, Organisation, Permit, ReviewTask, User
from permits.services.context import calendar, now_utc
from workflows import current_definition

OPEN_STATES = ("pending", "in_review", "info_requested")
RUNNING_STATES = ("pending", "in_review")
DECIDED_STATES = ("approved", "approved_with_conditions", "rejected")
SUBMITTED_STATES = ("submitted", "in_review", "final_review", "approved", "rejected", "withdrawn", "lapsed", "revoked", "expired")

# The queues, in the order of the tabs.
QUEUES = ("mine", "unassigned", "open", "due_soon", "overdue", "waiting", "decided")
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass
class Filters:
    site: int | None = None
    production_type: str = ""
    tier: str = ""
    country: str = ""
    shoot_from: dt.date | None = None
    shoot_to: dt.date | None = None
    text: str = ""
    kind: str = ""  # review kind (the ministry's screening / final queues)
    state: str = ""  # application state (ministry list)

    def active(self) -> bool:
        return any(
            (self.site, self.production_type, self.tier, self.country, self.shoot_from, self.shoot_to, self.text,
             self.kind, self.state)
        )


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    has_previous: bool
    counts: dict[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------- cursors


def encode_cursor(sort_value: dt.datetime | None, row_id: int) -> str:
    raw = f"{sort_value.isoformat() if sort_value else '-'}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime | None, int] | None:
    """(sort value, id) or None for a missing or malformed cursor."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, _, row_id = raw.partition("|")
        moment = None if value == "-" else dt.datetime.fromisoformat(value)
        if moment is not None and moment.tzinfo is None:
            return None
        return moment, int(row_id)
    except (ValueError, UnicodeDecodeError):
        return None


def _after(column, id_column, cursor, *, descending: bool):
    """The keyset condition "after (value, id)" for ORDER BY column, id with
    NULLs last (ascending) or NULLs last (descending) as well."""
    value, row_id = cursor
    if value is None:
        # Already inside the NULL tail: only the ids move on.
        return and_(column.is_(None), (id_column < row_id) if descending else (id_column > row_id))
    beyond = column < value if descending else column > value
    same = and_(column == value, (id_column < row_id) if descending else (id_column > row_id))
    return or_(beyond, same, column.is_(None))


def _order(column, id_column, *, descending: bool):
    if descending:
        return (column.desc().nulls_last(), id_column.desc())
    return (column.asc().nulls_last(), id_column.asc())


# ----------------------------------------------------------------------------- filters


def _application_filters(query, filters: Filters):
    if filters.production_type:
        query = query.where(Application.production_type == filters.production_type)
    if filters.tier:
        query = query.where(Application.impact_tier == filters.tier)
    if filters.country:
        query = query.where(Application.country_of_origin == filters.country.upper()[:2])
    if filters.state:
        query = query.where(Application.state == filters.state)
    booking_conditions = []
    if filters.site:
        booking_conditions.append(Booking.location_id == filters.site)
    if filters.shoot_from:
        booking_conditions.append(Booking.end_date >= filters.shoot_from)
    if filters.shoot_to:
        booking_conditions.append(Booking.start_date <= filters.shoot_to)
    if booking_conditions:
        query = query.where(
            exists().where(Booking.application_id == Application.id, Booking.active.is_(True), *booking_conditions)
        )
    text = (filters.text or "").strip().lower()[:100]
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                func.lower(Application.reference).like(pattern, escape="\\"),
                func.lower(Application.title).like(pattern, escape="\\"),
                func.lower(Company.legal_name).like(pattern, escape="\\"),
            )
        )
    return query


def due_soon_limit(now: dt.datetime) -> dt.datetime:
    """Reviews due before this moment are "due soon": within one business day."""
    return calendar().add_business_days(now, 1)


def _queue_condition(queue: str, user: User, now: dt.datetime, soon: dt.datetime):
    if queue == "mine":
        return and_(ReviewTask.assignee_id == user.id, ReviewTask.state.in_(OPEN_STATES))
    if queue == "unassigned":
        return and_(ReviewTask.assignee_id.is_(None), ReviewTask.state.in_(OPEN_STATES))
    if queue == "open":
        return ReviewTask.state.in_(OPEN_STATES)
    if queue == "due_soon":
        return and_(ReviewTask.state.in_(RUNNING_STATES), ReviewTask.due_at >= now, ReviewTask.due_at <= soon)
    if queue == "overdue":
        return and_(ReviewTask.state.in_(RUNNING_STATES), ReviewTask.due_at < now)
    if queue == "waiting":
        return ReviewTask.state == "info_requested"
    if queue == "decided":
        return ReviewTask.state.in_(DECIDED_STATES)
    raise ValueError(queue)


def _review_base(organisation_ids: set[int] | None, filters: Filters):
    query = (
        select(ReviewTask)
        .join(Application, Application.id == ReviewTask.application_id)
        .join(Company, Company.id == Application.company_id)
    )
    if organisation_ids is not None:
        query = query.where(ReviewTask.organisation_id.in_(sorted(organisation_ids) or [-1]))
    if filters.kind:
        query = query.where(ReviewTask.kind == filters.kind)
    return _application_filters(query, filters)


def queue_counts(user: User, organisation_ids: set[int] | None, filters: Filters, now: dt.datetime | None = None) -> dict[str, int]:
    """The number of reviews in every queue, in one query."""
    now = now or now_utc()
    soon = due_soon_limit(now)
    columns = []
    for queue in QUEUES:
        condition = _queue_condition(queue, user, now, soon)
        columns.append(func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(queue))
    # One pass over the organisation's filtered reviews, every queue a sum.
    query = _review_base(organisation_ids, filters).with_only_columns(*columns, maintain_column_froms=False)
    row = db.session.execute(query).one()
    return {queue: int(getattr(row, queue) or 0) for queue in QUEUES}


def review_queue(
    user: User,
    queue: str,
    organisation_ids: set[int] | None,
    filters: Filters,
    *,
    cursor: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page:
    """One page of a queue: reviews sorted by due time (decided: newest first)."""
    now = now or now_utc()
    queue = queue if queue in QUEUES else "open"
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    soon = due_soon_limit(now)
    descending = queue == "decided"
    sort_column = ReviewTask.decided_at if descending else ReviewTask.due_at
    query = (
        _review_base(organisation_ids, filters)
        .where(_queue_condition(queue, user, now, soon))
        .options(
            contains_eager(ReviewTask.application).options(
                contains_eager(Application.company),
                selectinload(Application.bookings).selectinload(Booking.location),
            ),
            selectinload(ReviewTask.assignee),
            selectinload(ReviewTask.organisation),
        )
    )
    position = decode_cursor(cursor)
    if position is not None:
        query = query.where(_after(sort_column, ReviewTask.id, position, descending=descending))
    query = query.order_by(*_order(sort_column, ReviewTask.id, descending=descending)).limit(page_size + 1)
    rows = list(db.session.execute(query).unique().scalars())
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = encode_cursor(last.decided_at if descending else last.due_at, last.id)
    return Page(rows=[QueueRow.of(review, now, soon) for review in rows], next_cursor=next_cursor, has_previous=position is not None)


@dataclass
class QueueRow:
    review: ReviewTask
    clock: str  # on-time | due-soon | overdue | paused | closed
    sites: list[str]

    @classmethod
    def of(cls, review: ReviewTask, now: dt.datetime, soon: dt.datetime) -> QueueRow:
        return cls(review=review, clock=clock_state(review, now, soon), sites=sites_of(review.application))


def clock_state(review: ReviewTask, now: dt.datetime, soon: dt.datetime | None = None) -> str:
    if review.state not in OPEN_STATES:
        return "closed"
    if review.state == "info_requested" or review.due_at is None:
        return "paused"
    if review.due_at < now:
        return "overdue"
    if review.due_at <= (soon or due_soon_limit(now)):
        return "due-soon"
    return "on-time"


def sites_of(application: Application) -> list[str]:
    names: list[str] = []
    for booking in application.bookings:
        if booking.active and booking.location.name not in names:
            names.append(booking.location.name)
    return names


# ----------------------------------------------------------------------------- the ministry's views


def escalations(*, limit: int = 10, now: dt.datetime | None = None) -> tuple[int, list[QueueRow]]:
    """Overdue reviews anywhere: how many, and the most overdue first."""
    now = now or now_utc()
    condition = and_(ReviewTask.state.in_(RUNNING_STATES), ReviewTask.due_at < now)
    total = db.session.execute(select(func.count()).select_from(ReviewTask).where(condition)).scalar_one()
    page = review_queue(None, "overdue", None, Filters(), page_size=limit, now=now)  # type: ignore[arg-type]
    return int(total), page.rows


def applications_page(filters: Filters, *, cursor: str | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """Every submitted application in the country, newest first."""
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    query = (
        select(Application)
        .join(Company, Company.id == Application.company_id)
        .where(Application.state != "draft", Application.submitted_at.is_not(None))
        .options(
            contains_eager(Application.company),
            selectinload(Application.bookings).selectinload(Booking.location),
            selectinload(Application.reviews).selectinload(ReviewTask.organisation),
        )
    )
    query = _application_filters(query, filters)
    position = decode_cursor(cursor)
    if position is not None:
        query = query.where(_after(Application.submitted_at, Application.id, position, descending=True))
    query = query.order_by(*_order(Application.submitted_at, Application.id, descending=True)).limit(page_size + 1)
    rows = list(db.session.execute(query).unique().scalars())
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].submitted_at, rows[-1].id)
    return Page(rows=rows, next_cursor=next_cursor, has_previous=position is not None)


def site_choices(organisation_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the sites a filter offers: an owner's own, or all."""
    query = select(Location).order_by(Location.name_en)
    if organisation_id is not None:
        query = query.where(Location.owner_organisation_id == organisation_id)
    return [(location.id, location.name) for location in db.session.execute(query).scalars()]


# ----------------------------------------------------------------------------- statistics (aggregated in SQL)

EPOCH = dt.date(1970, 1, 1)
PERMITTED_STATES = ("approved", "expired")
OUTCOMES = ("approved", "rejected", "withdrawn", "open")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _offset_minutes() -> int:
    """The commission's UTC offset (Asia/Baku has no summer time since 2016)."""
    cal = calendar()
    return int(dt.datetime.now(cal.zone).utcoffset().total_seconds() // 60)


def _local_day_number(column):
    """Days since 1970-01-01 of a UTC timestamp, in the commission's time zone."""
    if _dialect() == "postgresql":
        return cast(func.timezone(calendar().tz, column), Date) - EPOCH
    return cast(func.julianday(column, f"{_offset_minutes():+d} minutes") - 2440587.5, Integer)


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


def _business_ordinals(first_day: int, last_day: int):
    """A VALUES table: day number -> business days counted up to that day."""
    cal = calendar()
    rows = []
    count = 0
    for number in range(first_day, last_day + 1):
        day = EPOCH + dt.timedelta(days=number)
        if cal.is_business_day(day):
            count += 1
        rows.append((number, count))
    from sqlalchemy import column, values

    return values(column("day", Integer), column("ordinal", Integer), name="business_days").data(rows).cte("business_days")


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


_CACHE: dict[tuple[int, str], tuple[float, object]] = {}


def cached(name: str, compute):
    """Plain data (no ORM rows) kept for STATISTICS_CACHE_SECONDS per process:
    the statistics aggregate every decided review, and a few minutes' lag is
    fine for trends (the page says so)."""
    import time

    from flask import current_app

    seconds = current_app.config.get("STATISTICS_CACHE_SECONDS", 0)
    if seconds <= 0:
        return compute()
    key = (id(current_app._get_current_object()), name)
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    value = compute()
    _CACHE[key] = (now, value)
    return value


def turnaround_histograms(since: dt.datetime | None = None) -> dict[tuple[int, str], dict[int, int]]:
    """{(organisation id, review kind): {business days: number of reviews}} for decided reviews."""
    decided = and_(ReviewTask.state.in_(DECIDED_STATES), ReviewTask.decided_at.is_not(None))
    if since is not None:
        decided = and_(decided, ReviewTask.decided_at >= since)
    opened_day = _local_day_number(ReviewTask.opened_at)
    decided_day = _local_day_number(ReviewTask.decided_at)
    first, last = db.session.execute(select(func.min(opened_day), func.max(decided_day)).where(decided)).one()
    if first is None or last is None:
        return {}
    first, last = int(first), int(last)
    last = max(last, first)
    ordinals = _business_ordinals(first, last)
    opened = ordinals.alias("opened")
    closed = ordinals.alias("closed")
    days = (closed.c.ordinal - opened.c.ordinal).label("days")
    query = (
        select(ReviewTask.organisation_id, ReviewTask.kind, days, func.count().label("n"))
        .join(opened, opened.c.day == opened_day)
        .join(closed, closed.c.day == decided_day)
        .where(decided)
        .group_by(ReviewTask.organisation_id, ReviewTask.kind, days)
    )
    result: dict[tuple[int, str], dict[int, int]] = {}
    for organisation_id, kind, business_days, count in db.session.execute(query):
        result.setdefault((organisation_id, kind), {})[max(0, int(business_days))] = int(count)
    return result


def _within_sla(group_column, since: dt.datetime | None = None) -> dict:
    decided = and_(ReviewTask.state.in_(DECIDED_STATES), ReviewTask.decided_at.is_not(None))
    if since is not None:
        decided = and_(decided, ReviewTask.decided_at >= since)
    query = (
        select(
            group_column,
            func.count(),
            func.sum(case((and_(ReviewTask.due_at.is_not(None), ReviewTask.decided_at <= ReviewTask.due_at), 1), else_=0)),
        )
        .where(decided)
        .group_by(group_column)
    )
    return {key: (int(total), int(ok or 0)) for key, total, ok in db.session.execute(query)}


def turnaround_by(dimension: str, since: dt.datetime | None = None, histograms=None) -> list[Turnaround]:
    """Median and 90th percentile turnaround per organisation or per review kind
    (pass ``histograms`` to reuse one ``turnaround_histograms`` query for both)."""
    histograms = turnaround_histograms(since) if histograms is None else histograms
    merged: dict[object, dict[int, int]] = {}
    for (organisation_id, kind), histogram in histograms.items():
        key = organisation_id if dimension == "organisation" else kind
        target = merged.setdefault(key, {})
        for days, count in histogram.items():
            target[days] = target.get(days, 0) + count
    sla = _within_sla(ReviewTask.organisation_id if dimension == "organisation" else ReviewTask.kind, since)
    rows = []
    for key, histogram in merged.items():
        rows.append(
            Turnaround(
                key=key,
                reviews=sum(histogram.values()),
                median=percentile(histogram, 0.5),
                p90=percentile(histogram, 0.9),
                within_sla=sla.get(key, (0, 0))[1],
            )
        )
    return rows


def applications_by_month(limit_months: int = 24) -> list[dict]:
    """Submitted applications per month (Baku time) and their outcome so far."""
    month = _local_month(Application.submitted_at).label("month")
    outcome = case(
        (Application.state.in_(("approved", "expired", "revoked")), "approved"),
        (Application.state == "rejected", "rejected"),
        (Application.state.in_(("withdrawn", "lapsed")), "withdrawn"),
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
        select(Application.country_of_origin, func.count(), func.sum(case((Application.state.in_((*PERMITTED_STATES, "revoked")), 1), else_=0)))
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
            Application.state.in_((*PERMITTED_STATES, "revoked")),
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
