"""A producer's home: the company's applications in three groups (what needs
the producer, what the authorities are deciding, what is decided), each a
page of a fixed size, paginated by key (last update, id), with what every row
shows loaded in a fixed number of queries whatever the company's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, not_, or_, select
from sqlalchemy.orm import selectinload

from permits.extensions import db
from permits.models import Application, Booking, ReviewTask
from permits.services.queues import decode_cursor, encode_cursor
from workflows import (
    AWAITING_PAYMENT_APPLICATION_STATES,
    PENDING_DECISION_APPLICATION_STATES,
    ApplicationState,
    ReviewState,
    state_values,
)

GROUPS = ("needs-action", "in-progress", "decided")
PAGE_SIZE = 20

DRAFT = ApplicationState.DRAFT.value
IN_PROGRESS_STATES = state_values(PENDING_DECISION_APPLICATION_STATES)
AWAITING_PAYMENT_STATES = state_values(AWAITING_PAYMENT_APPLICATION_STATES)


@dataclass
class HomeRow:
    application: Application
    asked: bool  # a review waits for the producer's answer


@dataclass
class HomeGroup:
    key: str
    rows: list[HomeRow]
    older: str | None  # the cursor of the next page (older updates), if any
    newer: str | None  # the cursor of the previous page (newer updates), if any


def _asked():
    """A review of the application asks the producer for information."""
    return exists().where(ReviewTask.application_id == Application.id,
                          ReviewTask.state == ReviewState.INFO_REQUESTED.value)


def _condition(key: str):
    asked = _asked()
    if key == "needs-action":
        return or_(Application.state.in_((DRAFT, *AWAITING_PAYMENT_STATES)), asked)
    if key == "in-progress":
        return and_(Application.state.in_(IN_PROGRESS_STATES), not_(asked))
    if key == "decided":
        return Application.state.not_in((DRAFT, *AWAITING_PAYMENT_STATES, *IN_PROGRESS_STATES))
    raise ValueError(key)


def group(company_ids: set[int], key: str, *, after: str | None = None, before: str | None = None,
          page_size: int = PAGE_SIZE) -> HomeGroup:
    """One page of a group, last updated first: the first page, the page
    ``after`` a cursor (older) or the page ``before`` one (newer)."""
    query = (
        select(Application, _asked().label("asked"))
        .where(Application.company_id.in_(sorted(company_ids) or [-1]), _condition(key))
        .options(selectinload(Application.bookings).joinedload(Booking.location))
    )
    older_than, newer_than = decode_cursor(after), decode_cursor(before)
    if newer_than is not None and newer_than[0] is not None:
        moment, row_id = newer_than
        query = query.where(or_(Application.updated_at > moment,
                                and_(Application.updated_at == moment, Application.id > row_id)))
        query = query.order_by(Application.updated_at.asc(), Application.id.asc()).limit(page_size + 1)
        found = list(db.session.execute(query).all())
        more_newer = len(found) > page_size
        found = list(reversed(found[:page_size]))
        rows = [HomeRow(application, bool(asked)) for application, asked in found]
        return HomeGroup(key, rows, older=_cursor(rows[-1]) if rows else None,
                         newer=_cursor(rows[0]) if more_newer and rows else None)
    if older_than is not None and older_than[0] is not None:
        moment, row_id = older_than
        query = query.where(or_(Application.updated_at < moment,
                                and_(Application.updated_at == moment, Application.id < row_id)))
    query = query.order_by(Application.updated_at.desc(), Application.id.desc()).limit(page_size + 1)
    found = list(db.session.execute(query).all())
    more_older = len(found) > page_size
    rows = [HomeRow(application, bool(asked)) for application, asked in found[:page_size]]
    paged = older_than is not None and older_than[0] is not None
    return HomeGroup(key, rows, older=_cursor(rows[-1]) if more_older else None,
                     newer=_cursor(rows[0]) if paged and rows else None)


def _cursor(row: HomeRow) -> str:
    return encode_cursor(row.application.updated_at, row.application.id)



def company_page(company_ids: set[int], *, after: str | None = None, page_size: int = PAGE_SIZE,
                 state: str | None = None) -> tuple[list[Application], str | None]:
    """Every application of the companies (drafts too), last updated first,
    a page after a cursor (the same keys as the groups: last update, id);
    each with its bookings and their sites, loaded in two more queries.
    Returns the rows and the next page's cursor (None on the last page)."""
    query = (
        select(Application)
        .where(Application.company_id.in_(sorted(company_ids) or [-1]))
        .options(selectinload(Application.bookings).joinedload(Booking.location))
    )
    if state:
        query = query.where(Application.state == state)
    position = decode_cursor(after)
    if position is not None and position[0] is not None:
        moment, row_id = position
        query = query.where(or_(Application.updated_at < moment,
                                and_(Application.updated_at == moment, Application.id < row_id)))
    query = query.order_by(Application.updated_at.desc(), Application.id.desc()).limit(page_size + 1)
    rows = list(db.session.execute(query).scalars())
    more = len(rows) > page_size
    rows = rows[:page_size]
    return rows, (encode_cursor(rows[-1].updated_at, rows[-1].id) if more and rows else None)
