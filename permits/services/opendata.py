"""The open-data feed of issued permits: one row per permitted booking (a
site and its dates), with the fields of the BLDS permit data standard where
they apply and a few of our own.

No personal data, by construction: the rows are read by one query that
selects named columns of permits, applications (the title, the type, the
filing time), bookings (dates and hours), sites and the issuing
organisation - never a contact, a company, a user, a crew member or a
document. Revoked and expired permits stay, with their status.

Every read is one statement whatever the number of permits: a page of the
feed (keyset, by permit and booking), the whole feed (streamed from one
cursor) and a day's file.

The day's file (the permits issued or changed on a local day of Baku) is
made on request from the audit trail rather than kept as a file written by
a periodic task: the database stays the one truth (nothing to repair after
a missed run, every past day is there from the first deployment on), a
permit revoked after the day it was issued shows as revoked in that day's
file too, and the query is bounded by the day's events (an index on
``workflow_events.created_at``). The answers carry an ETag, so a client
that has a day already downloads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from permits.extensions import db
from permits.labels import REGION_NAMES
from permits.models import Application, Booking, Location, Organisation, Permit, ReviewTask, WorkflowEvent
from permits.services.context import calendar
from workflows import APPROVING_REVIEW_STATES, current_definition, get_definition, registered_versions, state_values

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
STREAM_CHUNK = 1000

STATUS_MAPPED = {"valid": "Permit Issued", "revoked": "Permit Cancelled", "expired": "Permit Finaled"}
# The audit entries that issue or change a permit (a rider is an amendment's approval).
PERMIT_CHANGES = (
    ("application", ("approve", "settle", "revoke", "expire")),
    ("amendment", ("approve",)),
)

# (field, from the BLDS core or recommended set)
FIELDS: tuple[tuple[str, bool], ...] = (
    ("PermitNum", True),
    ("RecordId", False),
    ("Description", True),
    ("AppliedDate", True),
    ("IssuedDate", True),
    ("ExpiresDate", True),
    ("CompletedDate", True),
    ("StatusCurrent", True),
    ("StatusCurrentMapped", True),
    ("StatusDate", True),
    ("PermitType", True),
    ("PermitTypeDesc", True),
    ("WorkClass", True),
    ("OriginalAddress1", True),
    ("OriginalCity", True),
    ("Latitude", True),
    ("Longitude", True),
    ("ProductionTitle", False),
    ("ShootStartDate", False),
    ("ShootEndDate", False),
    ("DailyStartTime", False),
    ("DailyEndTime", False),
    ("SiteSlug", False),
    ("SiteNameAz", False),
    ("SiteNameRu", False),
    ("Region", False),
    ("IssuingBody", False),
    ("IssuingBodyAz", False),
)
FIELD_NAMES = tuple(name for name, _blds in FIELDS)
PERMIT_TYPE = "Filming"
PERMIT_TYPE_DESC = "Permit to film at a filming site of Azerbaijan"


def _final_kinds() -> list[str]:
    kinds: set[str] = set()
    for version in registered_versions():
        kinds.update(kind.code for kind in get_definition(version).kinds_in_stage("final"))
    return sorted(kinds)


def _query():
    """The feed's one statement (without order and bounds)."""
    issuer = aliased(Organisation)
    final_organisation = (
        select(func.min(ReviewTask.organisation_id))
        .where(ReviewTask.application_id == Application.id, ReviewTask.amendment_id.is_(None),
               ReviewTask.kind.in_(_final_kinds()), ReviewTask.state.in_(state_values(APPROVING_REVIEW_STATES)))
        .scalar_subquery()
    )
    commission = (
        select(func.min(Organisation.id)).where(Organisation.kind == current_definition().commission_org_kind)
        .scalar_subquery()
    )
    return (
        select(
            Permit.id.label("permit_id"), Permit.number, Permit.status, Permit.issued_at, Permit.revoked_at,
            Permit.valid_until,
            Application.submitted_at, Application.title, Application.production_type,
            Booking.id.label("booking_id"), Booking.start_date, Booking.end_date, Booking.daily_start, Booking.daily_end,
            Location.slug, Location.name_az, Location.name_en, Location.name_ru, Location.region, Location.latitude,
            Location.longitude,
            issuer.name_en.label("issuer_en"), issuer.name_az.label("issuer_az"),
        )
        .select_from(Permit)
        .join(Application, Application.id == Permit.application_id)
        .join(Booking, and_(Booking.application_id == Permit.application_id, Booking.active.is_(True)))
        .join(Location, Location.id == Booking.location_id)
        .outerjoin(issuer, issuer.id == func.coalesce(final_organisation, commission))
    )


def _ordered(query):
    return query.order_by(Permit.id, Booking.id)


def _local_date(moment: dt.datetime | None, cal=None) -> str:
    return (cal or calendar()).local_date(moment).isoformat() if moment is not None else ""


def _number(value) -> float | None:
    return float(value) if isinstance(value, Decimal | float | int) else None


def record(row, cal=None) -> dict:
    """One row of the feed, as published (``cal``: the commission's calendar)."""
    cal = cal or calendar()
    status = row.status
    if status == "revoked":
        status_date = _local_date(row.revoked_at, cal)
    elif status == "expired":
        status_date = row.valid_until.isoformat()
    else:
        status_date = _local_date(row.issued_at, cal)
    region = REGION_NAMES.get(row.region, {})
    return {
        "PermitNum": row.number,
        "RecordId": f"{row.number}-{row.booking_id}",
        "Description": (f"Filming \u201c{row.title}\u201d ({row.production_type or 'production'}) at {row.name_en}, "
                        f"{row.start_date.isoformat()} to {row.end_date.isoformat()}"),
        "AppliedDate": _local_date(row.submitted_at, cal),
        "IssuedDate": _local_date(row.issued_at, cal),
        "ExpiresDate": row.valid_until.isoformat(),
        "CompletedDate": row.valid_until.isoformat() if status == "expired" else "",
        "StatusCurrent": status,
        "StatusCurrentMapped": STATUS_MAPPED.get(status, status),
        "StatusDate": status_date,
        "PermitType": PERMIT_TYPE,
        "PermitTypeDesc": PERMIT_TYPE_DESC,
        "WorkClass": row.production_type,
        "OriginalAddress1": row.name_en,
        "OriginalCity": region.get("en", row.region),
        "Latitude": _number(row.latitude),
        "Longitude": _number(row.longitude),
        "ProductionTitle": row.title,
        "ShootStartDate": row.start_date.isoformat(),
        "ShootEndDate": row.end_date.isoformat(),
        "DailyStartTime": row.daily_start.strftime("%H:%M") if row.daily_start else "",
        "DailyEndTime": row.daily_end.strftime("%H:%M") if row.daily_end else "",
        "SiteSlug": row.slug,
        "SiteNameAz": row.name_az,
        "SiteNameRu": row.name_ru,
        "Region": row.region,
        "IssuingBody": row.issuer_en or "",
        "IssuingBodyAz": row.issuer_az or "",
    }


def page(after: tuple[int, int] | None = None, limit: int = DEFAULT_LIMIT) -> tuple[list[dict], tuple[int, int] | None]:
    """A page of the feed after the cursor (permit id, booking id); returns
    the records and the next page's cursor (None on the last page)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    query = _query()
    if after is not None:
        permit_id, booking_id = after
        query = query.where(or_(Permit.id > permit_id, and_(Permit.id == permit_id, Booking.id > booking_id)))
    rows = db.session.execute(_ordered(query).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (rows[-1].permit_id, rows[-1].booking_id) if more and rows else None
    cal = calendar()
    return [record(row, cal) for row in rows], cursor


def everything(engine) -> Iterator[dict]:
    """The whole feed, from one cursor read in chunks (constant memory).

    The statement and the calendar are made now; the rows are read when the
    iterator is, through a session of its own on ``engine``, so that a
    response streaming them needs no Flask context while it is sent (and
    reads nothing if the client goes away first)."""
    statement = _ordered(_query()).execution_options(yield_per=STREAM_CHUNK)
    cal = calendar()

    def rows() -> Iterator[dict]:
        with Session(engine) as session:
            for row in session.execute(statement):
                yield record(row, cal)

    return rows()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A local day of the commission's calendar, in UTC."""
    zone = calendar().zone
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def of_day(day: dt.date) -> list[dict]:
    """The permits issued or changed (revoked, expired, amended) on a local
    day, every booking of each, as they are now."""
    start, end = day_bounds(day)
    changed = (
        select(WorkflowEvent.application_id)
        .where(WorkflowEvent.created_at >= start, WorkflowEvent.created_at < end,
               or_(*(and_(WorkflowEvent.subject == subject, WorkflowEvent.action.in_(actions))
                     for subject, actions in PERMIT_CHANGES)))
    )
    rows = db.session.execute(_ordered(_query().where(Permit.application_id.in_(changed)))).all()
    cal = calendar()
    return [record(row, cal) for row in rows]


def today() -> dt.date:
    from permits.services.context import now_utc

    return calendar().local_date(now_utc())


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (text only: numbers and
    dates are written as they are)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return str(value)
