"""The counters of the statistics page and the public scorecard
(``StatisticsSummary`` rows), kept in the same transaction as the write
that changes what they count, and rebuilt from history by
``flask rebuild-statistics``.

Every counter is a cell: a metric, a period (the first day of a month, or
a day), a key of the metric's dimension, and two figures: ``count`` things
and a ``total`` quantity. A write adds its *difference* to the cells with
one upsert (``count = count + delta``), so nothing is ever recounted on a
page view and concurrent writers never overwrite each other.

What an application contributes (its outcome, its country, its shoot days
by region, kind of site and month, the sites it asked for, the days its
permit covers) depends on several facts that change in different verbs: its
state, its submission, its bookings and whether they are active. Those
verbs change the facts inside :func:`counting`, which computes the
application's cells before and after and applies the difference; the cells
are counted in the application's submission month, so that a production is
counted once per region however many of its bookings are there. The other
counters follow one fact each: a permit issued (:func:`count_permit`), a
ledger entry (:func:`count_money`), a decided review's turnaround row
(:func:`count_turnaround`).

========================  ====================  ======================  ==========================  =====================
metric                    period                key                     count                       total
========================  ====================  ======================  ==========================  =====================
applications              month submitted       outcome                 applications                -
country                   month submitted       country of origin       applications                of them permitted
shoot-days-region         month submitted       site's region           productions permitted       shoot days
shoot-days-category       month submitted       site's kind             productions permitted       shoot days
shoot-days-month          month submitted       month of the shoot      productions permitted       shoot days
site-requests             month submitted       site's id               applications (all bookings) days requested
shot-on                   day of the shoot      ""                      shoot days of issued permits -
permits-issued            day issued            ""                      permits                     -
money                     month of the entry    entry kind              entries                     AZN
turnaround                month decided         org|kind|days           reviews decided             decided on time
turnaround-day            day decided           org|days                reviews decided             decided on time
========================  ====================  ======================  ==========================  =====================

Months and days are the commission's (Asia/Baku); a booking's dates are
already local. The sites' region and kind are read as they are now: no
screen changes them (the catalogue's data comes with the seed); one that
does must run the rebuild after the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import Date, Integer, case, cast, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from permits.extensions import db
from permits.models import Application, Booking, Location, MoneyEntry, Permit, ReviewTurnaround, StatisticsSummary
from permits.services.context import calendar
from workflows import (
    ABANDONED_APPLICATION_STATES,
    ISSUED_APPLICATION_STATES,
    PERMITTED_APPLICATION_STATES,
    ApplicationState,
    state_values,
)

APPLICATIONS = "applications"
COUNTRY = "country"
SHOOT_DAYS_REGION = "shoot-days-region"
SHOOT_DAYS_CATEGORY = "shoot-days-category"
SHOOT_DAYS_MONTH = "shoot-days-month"
SITE_REQUESTS = "site-requests"
SHOT_ON = "shot-on"
PERMITS_ISSUED = "permits-issued"
MONEY = "money"
TURNAROUND = "turnaround"
TURNAROUND_DAY = "turnaround-day"
METRICS = (APPLICATIONS, COUNTRY, SHOOT_DAYS_REGION, SHOOT_DAYS_CATEGORY, SHOOT_DAYS_MONTH, SITE_REQUESTS, SHOT_ON,
           PERMITS_ISSUED, MONEY, TURNAROUND, TURNAROUND_DAY)

PERMITTED_STATES = frozenset(state_values(PERMITTED_APPLICATION_STATES))
ISSUED_STATES = frozenset(state_values(ISSUED_APPLICATION_STATES))
ABANDONED_STATES = frozenset(state_values(ABANDONED_APPLICATION_STATES))
OUTCOMES = ("approved", "rejected", "withdrawn", "open")
ZERO = Decimal("0")

Cell = tuple[str, dt.date, str]


class Tally(dict):
    """Cells and their (count, total): what something contributes, or a difference."""

    def add(self, metric: str, period: dt.date, key: str, count: int = 1, total=0) -> None:
        cell = (metric, period, key)
        old_count, old_total = self.get(cell, (0, ZERO))
        self[cell] = (old_count + int(count), old_total + Decimal(total))

    def __sub__(self, other: Tally) -> Tally:
        difference = Tally()
        for cell in self.keys() | other.keys():
            count, total = self.get(cell, (0, ZERO))
            other_count, other_total = other.get(cell, (0, ZERO))
            if count != other_count or total != other_total:
                difference[cell] = (count - other_count, total - other_total)
        return difference

    def __neg__(self) -> Tally:
        return Tally() - self


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def outcome_of(state: str) -> str:
    """Where an application's state puts it in the applications per month."""
    if state in ISSUED_STATES:
        return "approved"
    if state == ApplicationState.REJECTED.value:
        return "rejected"
    if state in ABANDONED_STATES:
        return "withdrawn"
    return "open"


def counted_alike(state: str, other: str) -> bool:
    """Two application states that no counter tells apart (approved and expired)."""
    return (outcome_of(state), state in ISSUED_STATES, state in PERMITTED_STATES) == (
        outcome_of(other), other in ISSUED_STATES, other in PERMITTED_STATES)


# ----------------------------------------------------------------------------- writing the differences


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def apply(difference: Tally) -> None:
    """Add a difference to the counters: one upsert, its rows in key order (so
    that two writers lock shared rows in the same order)."""
    rows = [{"metric": m, "period": p, "key": k, "count": c, "total": t}
            for (m, p, k), (c, t) in sorted(difference.items()) if c or t]
    if not rows:
        return
    table = StatisticsSummary.__table__
    dialect_insert = postgresql.insert if _dialect() == "postgresql" else sqlite.insert
    statement = dialect_insert(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c["metric"], table.c["period"], table.c["key"]],
        set_={"count": table.c["count"] + statement.excluded["count"], "total": table.c["total"] + statement.excluded["total"]},
    )
    with db.session.no_autoflush:  # the counters depend on no pending row; a flush would split the verb's UPDATE
        db.session.execute(statement)


# ----------------------------------------------------------------------------- what each fact contributes


def application_cells(application: Application) -> Tally:
    """What the application contributes to the counters now (nothing while
    it is a draft): read from its row and its bookings as they stand in this
    transaction (one query)."""
    return cells_of_all([application])[application.id]


def cells_of_all(applications: list[Application]) -> dict[int, Tally]:
    """:func:`application_cells` of many applications, their bookings read in one query."""
    submitted = [a for a in applications if a.submitted_at is not None]
    bookings_of: dict[int, list] = {}
    if submitted:
        rows = db.session.execute(
            select(Booking.application_id, Booking.location_id, Booking.start_date, Booking.end_date, Booking.active,
                   Location.region, Location.category)
            .join(Location, Location.id == Booking.location_id)
            .where(Booking.application_id.in_([a.id for a in submitted]))
            .order_by(Booking.application_id, Booking.id)
        ).all()
        for row in rows:
            bookings_of.setdefault(row.application_id, []).append(row)
    return {a.id: _cells(a, bookings_of.get(a.id, [])) for a in applications}


def _cells(application: Application, bookings: list) -> Tally:
    tally = Tally()
    if application.submitted_at is None:
        return tally
    month = month_of(calendar().local_date(application.submitted_at))
    state = application.state
    issued, permitted = state in ISSUED_STATES, state in PERMITTED_STATES
    tally.add(APPLICATIONS, month, outcome_of(state))
    tally.add(COUNTRY, month, application.country_of_origin or "", 1, 1 if issued else 0)
    requested: dict[int, int] = {}
    for booking in bookings:
        requested[booking.location_id] = requested.get(booking.location_id, 0) + _days(booking)
    for location_id, days in requested.items():
        tally.add(SITE_REQUESTS, month, str(location_id), 1, days)
    active = [b for b in bookings if b.active]
    if permitted:
        for metric, key_of in ((SHOOT_DAYS_REGION, lambda b: b.region), (SHOOT_DAYS_CATEGORY, lambda b: b.category),
                               (SHOOT_DAYS_MONTH, lambda b: b.start_date.strftime("%Y-%m"))):
            days_by_key: dict[str, int] = {}
            for booking in active:
                days_by_key[key_of(booking)] = days_by_key.get(key_of(booking), 0) + _days(booking)
            for key, days in days_by_key.items():
                tally.add(metric, month, key, 1, days)  # one production per key, however many bookings
    if issued:
        for booking in active:
            for offset in range(_days(booking)):
                tally.add(SHOT_ON, booking.start_date + dt.timedelta(days=offset), "")
    return tally


def _days(booking) -> int:
    return (booking.end_date - booking.start_date).days + 1


def _cells_now(applications: list[Application]) -> dict[int, Tally]:
    """:func:`cells_of_all`, flushing only bookings not yet written: a flush
    of an application itself here would split its verb's UPDATE in two, and
    its row version would go up twice for one change."""
    session = db.session
    if any(isinstance(row, Booking) for row in (*session.new, *session.dirty, *session.deleted)):
        session.flush()
    with session.no_autoflush:
        return cells_of_all(applications)


@contextmanager
def counting(application: Application) -> Iterator[None]:
    """Change the application's counted facts inside this block: its
    counters move by the difference between its cells before and after.
    Nested blocks for the same application count once (the outermost)."""
    busy: set = db.session.info.setdefault("statistics_counting", set())
    if application.id in busy:
        yield
        return
    busy.add(application.id)
    try:
        before = _cells_now([application])[application.id]
        yield
        apply(_cells_now([application])[application.id] - before)
    finally:
        busy.discard(application.id)


@contextmanager
def counting_all(applications: list[Application]) -> Iterator[None]:
    """:func:`counting` for many applications (the sweep's batches): their
    bookings read in one query before and one after, one upsert."""
    busy: set = db.session.info.setdefault("statistics_counting", set())
    mine = [a for a in dict.fromkeys(applications) if a.id not in busy]
    if not mine:
        yield
        return
    ids = [a.id for a in mine]  # read now: the block may expire the rows
    busy.update(ids)
    try:
        before = _cells_now(mine)
        yield
        with db.session.no_autoflush:  # the rows as the block left them, in one query (not one refresh each)
            db.session.execute(select(Application).where(Application.id.in_(ids))
                               .execution_options(populate_existing=True)).scalars().all()
        after = _cells_now(mine)
        difference = Tally()
        for application_id in ids:
            for cell, (count, total) in (after[application_id] - before[application_id]).items():
                difference.add(*cell, count, total)
        apply(difference)
    finally:
        busy.difference_update(ids)


def count_permit(permit: Permit) -> None:
    """A permit was issued (it stays counted when it is revoked or expires)."""
    tally = Tally()
    tally.add(PERMITS_ISSUED, calendar().local_date(permit.issued_at), "")
    apply(tally)


def count_money(entry: MoneyEntry) -> None:
    """A ledger entry was written (entries are never changed or deleted)."""
    count_money_rows([{"occurred_on": entry.occurred_on, "kind": entry.kind, "amount": entry.amount}])


def count_money_rows(rows: list[dict]) -> None:
    """Ledger entries written by a bulk insert (their column values), in one upsert."""
    tally = Tally()
    for row in rows:
        tally.add(MONEY, month_of(row["occurred_on"]), row["kind"], 1, row["amount"])
    apply(tally)


def turnaround_cells(row: ReviewTurnaround | None) -> Tally:
    tally = Tally()
    if row is None:
        return tally
    day = calendar().local_date(row.decided_at)
    on_time = 1 if row.on_time else 0
    tally.add(TURNAROUND, month_of(day), f"{row.organisation_id}|{row.kind}|{row.business_days}", 1, on_time)
    tally.add(TURNAROUND_DAY, day, f"{row.organisation_id}|{row.business_days}", 1, on_time)
    return tally


def count_turnaround(before: Tally, row: ReviewTurnaround | None) -> None:
    """A review's turnaround row was written, rewritten or removed: ``before`` is
    what it counted (``turnaround_cells`` of the old row)."""
    apply(turnaround_cells(row) - before)


# ----------------------------------------------------------------------------- the rebuild


def _offset_minutes() -> int:
    """The commission's UTC offset (Asia/Baku has no summer time since 2016)."""
    return int(dt.datetime.now(calendar().zone).utcoffset().total_seconds() // 60)


def _local_day(moment):
    if _dialect() == "postgresql":
        return cast(func.timezone(calendar().tz, moment), Date)
    return func.date(moment, f"{_offset_minutes():+d} minutes")


def _local_month(moment):
    if _dialect() == "postgresql":
        return cast(func.date_trunc("month", func.timezone(calendar().tz, moment)), Date)
    return func.date(moment, f"{_offset_minutes():+d} minutes", "start of month")


def _month(day):
    if _dialect() == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month")


def _date_text(day):
    if _dialect() == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def _booking_days():
    if _dialect() == "postgresql":
        return Booking.end_date - Booking.start_date + 1
    return cast(func.julianday(Booking.end_date) - func.julianday(Booking.start_date), Integer) + 1


def as_date(value) -> dt.date:
    """A date read back from SQL (SQLite's date functions answer text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def history() -> Tally:
    """Every counter recounted from history: the applications, their
    bookings, the permits, the ledger and the turnaround rows (a few grouped
    queries; the per-day shoot days spread in Python over the distinct date
    ranges)."""
    tally = Tally()
    submitted = Application.submitted_at.is_not(None)
    month = _local_month(Application.submitted_at).label("month")
    for period, state, country, n in db.session.execute(
        select(month, Application.state, Application.country_of_origin, func.count())
        .where(submitted).group_by(month, Application.state, Application.country_of_origin)
    ):
        tally.add(APPLICATIONS, as_date(period), outcome_of(state), n)
        tally.add(COUNTRY, as_date(period), country or "", n, n if state in ISSUED_STATES else 0)

    days = func.sum(_booking_days())
    productions = func.count(func.distinct(Application.id))
    permitted = (Booking.active.is_(True), Application.state.in_(PERMITTED_STATES), submitted)
    for metric, key in ((SHOOT_DAYS_REGION, Location.region), (SHOOT_DAYS_CATEGORY, Location.category),
                        (SHOOT_DAYS_MONTH, _date_text(Booking.start_date)), (SITE_REQUESTS, Booking.location_id)):
        where = (submitted,) if metric == SITE_REQUESTS else permitted
        for period, value, n, d in db.session.execute(
            select(month, key.label("key"), productions, days)
            .select_from(Booking).join(Application, Application.id == Booking.application_id)
            .join(Location, Location.id == Booking.location_id)
            .where(*where).group_by(month, "key")
        ):
            tally.add(metric, as_date(period), str(value), n, d)

    for start, end, n in db.session.execute(
        select(Booking.start_date, Booking.end_date, func.count())
        .join(Application, Application.id == Booking.application_id)
        .where(Booking.active.is_(True), Application.state.in_(ISSUED_STATES), submitted)
        .group_by(Booking.start_date, Booking.end_date)
    ):
        start, end = as_date(start), as_date(end)
        for offset in range((end - start).days + 1):
            tally.add(SHOT_ON, start + dt.timedelta(days=offset), "", n)

    issued_on = _local_day(Permit.issued_at).label("day")
    for day, n in db.session.execute(select(issued_on, func.count()).group_by(issued_on)):
        tally.add(PERMITS_ISSUED, as_date(day), "", n)

    entry_month = _month(MoneyEntry.occurred_on).label("month")
    for period, kind, n, amount in db.session.execute(
        select(entry_month, MoneyEntry.kind, func.count(), func.sum(MoneyEntry.amount)).group_by(entry_month, MoneyEntry.kind)
    ):
        tally.add(MONEY, as_date(period), kind, n, Decimal(str(amount or 0)))

    on_time = func.sum(case((ReviewTurnaround.on_time.is_(True), 1), else_=0))
    decided_on = _local_day(ReviewTurnaround.decided_at).label("day")
    R = ReviewTurnaround
    for decided_month, org, kind, business_days, n, ok in db.session.execute(
        select(R.decided_month, R.organisation_id, R.kind, R.business_days, func.count(), on_time)
        .group_by(R.decided_month, R.organisation_id, R.kind, R.business_days)
    ):
        tally.add(TURNAROUND, dt.date.fromisoformat(f"{decided_month}-01"), f"{org}|{kind}|{business_days}", n, ok or 0)
    for day, org, business_days, n, ok in db.session.execute(
        select(decided_on, R.organisation_id, R.business_days, func.count(), on_time)
        .group_by(decided_on, R.organisation_id, R.business_days)
    ):
        tally.add(TURNAROUND_DAY, as_date(day), f"{org}|{business_days}", n, ok or 0)
    return tally


def rebuild() -> int:
    """Replace every counter by its recount from history (run after the
    turnaround rows are rebuilt: the turnaround counters read them).
    Flushes, never commits; returns the number of rows."""
    db.session.flush()
    if _dialect() == "postgresql":
        # Writers committing meanwhile wait for the rebuild, then add their difference to the rebuilt rows.
        db.session.execute(text("LOCK TABLE statistics_summaries IN SHARE ROW EXCLUSIVE MODE"))
    db.session.execute(delete(StatisticsSummary))
    rows = [{"metric": m, "period": p, "key": k, "count": c, "total": t}
            for (m, p, k), (c, t) in sorted(history().items()) if c or t]
    if rows:
        db.session.execute(insert(StatisticsSummary), rows)
    db.session.expire_all()
    return len(rows)
