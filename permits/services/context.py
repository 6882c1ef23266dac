"""What the services need to ask workflows/: the actor's role, the calendar,
the application's facts and the organisation that holds each review."""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from permits.extensions import db
from permits.models import Application, Location, Organisation, ReviewTask, User, utcnow
from permits.services import PermissionDenied, ServiceError
from workflows import (
    ApplicationFacts,
    BookingFacts,
    BusinessCalendar,
    ProcessDefinition,
    RequiredReview,
    Role,
    get_definition,
)

_frozen_now: ContextVar[dt.datetime | None] = ContextVar("frozen_now", default=None)


def now_utc() -> dt.datetime:
    """The current time; ``at(moment)`` makes the services act at a chosen moment."""
    return _frozen_now.get() or utcnow()


@contextlib.contextmanager
def at(moment: dt.datetime):
    """Run services as if at ``moment`` (demo data recorded in the past,
    replays); every row they stamp - events, messages, notices - agrees."""
    token = _frozen_now.set(moment)
    try:
        yield
    finally:
        _frozen_now.reset(token)


def calendar() -> BusinessCalendar:
    """The commission's business calendar: its time zone and Azerbaijan's public holidays."""
    return BusinessCalendar(tz=current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Baku"))


def definition_of(application: Application) -> ProcessDefinition:
    return get_definition(application.definition_version)


def booking_facts(location: Location, start: dt.date, end: dt.date, *, crew: int, vehicles: int = 0,
                  activities=()) -> BookingFacts:
    """What routing and the tiers know of one booking: the site's owner and
    flags, the dates, the crew and vehicles, the declared activities."""
    return BookingFacts(
        location_id=location.id,
        owner_org_id=location.owner_organisation_id,
        heritage=location.heritage,
        tourist=location.tourist_site,
        restricted=location.restricted,
        start_date=start,
        end_date=end,
        crew=crew,
        vehicles=vehicles,
        activities=frozenset(activities),
    )


def facts_for(application: Application) -> ApplicationFacts:
    activities = frozenset(application.activities or ())
    bookings = tuple(
        booking_facts(booking.location, booking.start_date, booking.end_date, crew=booking.crew_on_site,
                      vehicles=booking.vehicles, activities=activities)
        for booking in application.bookings
        if booking.active
    )
    return ApplicationFacts(
        production_type=application.production_type or "feature",
        country_of_origin=(application.country_of_origin or application.company.country or "AZ").upper(),
        bookings=bookings,
    )


def organisation_for(required: RequiredReview) -> Organisation:
    """The organisation that holds a required review."""
    if required.owner_org_id is not None:
        organisation = db.session.get(Organisation, int(required.owner_org_id))
    else:
        organisation = db.session.execute(
            select(Organisation).where(Organisation.kind == required.org_kind).order_by(Organisation.id).limit(1)
        ).scalar_one_or_none()
    if organisation is None:
        raise ServiceError(
            _("No organisation of kind %(kind)s is set up to review applications. Ask an administrator.",
              kind=required.org_kind)
        )
    return organisation


def staff_role(user: User | None, organisation_id: int) -> Role | None:
    """The user's role inside one organisation, or None if not a member."""
    if user is None:
        return Role.SYSTEM
    for membership in user.organisation_memberships:
        if membership.organisation_id == organisation_id:
            return Role(membership.role)
    return None


def review_role(user: User | None, review: ReviewTask) -> Role:
    """The role with which ``user`` acts on ``review``; refuses outsiders."""
    role = staff_role(user, review.organisation_id)
    if role is None:
        raise PermissionDenied(_("Only the organisation that holds this review can act on it."))
    return role


def producer_role(user: User | None, application: Application) -> Role:
    if user is None:
        return Role.SYSTEM
    if any(m.company_id == application.company_id for m in user.company_memberships):
        return Role.PRODUCER
    raise PermissionDenied(_("Only the company that filed this application can do this."))
