"""Read-only queries of the reviewers' dashboard: queues, counts, filters
and the ministry's list of every application (the statistics are
``services.statistics``).

Every list is paginated by key (keyset on the sort column and the id, never
OFFSET) and loads what its rows show with a fixed number of queries,
whatever the page size.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from permits.extensions import db
from permits.models import Application, Booking, Company, Location, ReviewTask, User
from permits.models.base import MAX_ID
from permits.services.clock import clock_state, due_soon_limit
from permits.services.context import now_utc
from workflows import (
    CLOCK_RUNNING_REVIEW_STATES,
    DECIDED_REVIEW_STATES,
    OPEN_REVIEW_STATES,
    ApplicationState,
    ReviewState,
    state_values,
)

OPEN_STATES = state_values(OPEN_REVIEW_STATES)
RUNNING_STATES = state_values(CLOCK_RUNNING_REVIEW_STATES)
DECIDED_STATES = state_values(DECIDED_REVIEW_STATES)

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
        row_id = int(row_id)
        if not 0 < row_id <= MAX_ID:
            return None
        return moment, row_id
    except (ValueError, UnicodeDecodeError, OverflowError):
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
        return ReviewTask.state == ReviewState.INFO_REQUESTED.value
    if queue == "decided":
        return ReviewTask.state.in_(DECIDED_STATES)
    raise ValueError(queue)


def _review_base(organisation_ids: set[int] | None, filters: Filters, *, join: bool = True):
    query = select(ReviewTask)
    if join:
        query = query.join(Application, Application.id == ReviewTask.application_id).join(
            Company, Company.id == Application.company_id)
    if organisation_ids is not None:
        query = query.where(ReviewTask.organisation_id.in_(sorted(organisation_ids) or [-1]))
    if filters.kind:
        query = query.where(ReviewTask.kind == filters.kind)
    return _application_filters(query, filters) if join else query


# The queues whose reviews are open: the ones the tabs count. The decided
# queue is the organisation's whole history: it is paginated, never counted.
COUNTED_QUEUES = tuple(queue for queue in QUEUES if queue != "decided")


def queue_counts(user: User, organisation_ids: set[int] | None, filters: Filters, now: dt.datetime | None = None) -> dict[str, int]:
    """The number of reviews in every queue of open work, in one query over
    the open reviews only (the partial index ix_review_tasks_open_org_due):
    its cost follows the work in hand, not the organisation's history. The
    decided queue has no count."""
    now = now or now_utc()
    soon = due_soon_limit(now)
    columns = []
    for queue in COUNTED_QUEUES:
        condition = _queue_condition(queue, user, now, soon)
        columns.append(func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(queue))
    # Applications and companies are joined only when a filter reads them.
    base = _review_base(organisation_ids, filters, join=_needs_application(filters))
    query = base.where(ReviewTask.state.in_(OPEN_STATES)).with_only_columns(*columns, maintain_column_froms=False)
    row = db.session.execute(query).one()
    return {queue: int(getattr(row, queue) or 0) for queue in COUNTED_QUEUES}


def _needs_application(filters: Filters) -> bool:
    return any((filters.site, filters.production_type, filters.tier, filters.country, filters.shoot_from,
                filters.shoot_to, filters.text, filters.state))


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
        .where(Application.state != ApplicationState.DRAFT.value, Application.submitted_at.is_not(None))
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
