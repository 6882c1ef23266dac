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
from permits.models import Application, Booking, Location, Organisation, ReviewTask, User, utcnow
from permits.services import PermissionDenied, ServiceError
from workflows import (
    BOOKED_APPLICATION_STATES,
    CURRENT_VERSION,
    ApplicationFacts,
    BookingFacts,
    BusinessCalendar,
    ProcessDefinition,
    RequiredReview,
    Role,
    SiteConsent,
    get_definition,
    state_values,
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


def process_for(application: Application) -> ProcessDefinition:
    """The definition an application is filed under: the one it started on
    once filed, the current one while it is a draft."""
    if application.state == "draft" or not application.definition_version:
        return get_definition(CURRENT_VERSION)
    return get_definition(application.definition_version)


def site_consent(location: Location) -> SiteConsent | None:
    """The owner's standing consent on a site, as the workflow sees it."""
    if not location.standing_consent:
        return None
    hours = None
    if location.filming_hours_start is not None and location.filming_hours_end is not None:
        hours = (location.filming_hours_start, location.filming_hours_end)
    return SiteConsent(rules_version=location.rules_version or 1, max_crew=location.max_crew or 0, hours=hours)


def shoot_days_booked(location_id: int, year: int, *, states=BOOKED_APPLICATION_STATES,
                      exclude_application_id: int | None = None) -> int:
    """Shoot days at a site in a calendar year of applications in ``states``
    (by default those that hold or have the site: what the yearly cap counts)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    query = (
        select(Booking.start_date, Booking.end_date)
        .join(Application, Application.id == Booking.application_id)
        .where(Booking.location_id == location_id, Booking.active.is_(True),
               Booking.start_date <= last, Booking.end_date >= first,
               Application.state.in_(state_values(states)))
    )
    if exclude_application_id is not None:
        query = query.where(Booking.application_id != exclude_application_id)
    return sum((min(end, last) - max(start, first)).days + 1 for start, end in db.session.execute(query))


def booking_facts(location: Location, start: dt.date, end: dt.date, *, crew: int, vehicles: int = 0,
                  activities=(), daily_start: dt.time | None = None, daily_end: dt.time | None = None,
                  application_id: int | None = None) -> BookingFacts:
    """What routing and the tiers know of one booking: the site's owner and
    flags, the dates, the crew and vehicles, the declared activities; and
    what the owner's standing consent looks at (hours, closed days, the
    yearly cap left)."""
    consent = site_consent(location)
    closed = end >= start and any(b.start_date <= end and start <= b.end_date for b in location.blackouts)
    cap_left = None
    if consent is not None and location.yearly_cap_days is not None:
        used = shoot_days_booked(location.id, start.year, exclude_application_id=application_id)
        cap_left = max(0, location.yearly_cap_days - used)
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
        daily_start=daily_start,
        daily_end=daily_end,
        closed=closed,
        cap_days_left=cap_left,
        consent=consent,
    )


def facts_for(application: Application, bookings=None) -> ApplicationFacts:
    """The application's facts: its active bookings, or the ``bookings`` given
    (an amendment's own)."""
    activities = frozenset(application.activities or ())
    chosen = [b for b in application.bookings if b.active] if bookings is None else bookings
    bookings = tuple(
        booking_facts(booking.location, booking.start_date, booking.end_date, crew=booking.crew_on_site,
                      vehicles=booking.vehicles, activities=activities, daily_start=booking.daily_start,
                      daily_end=booking.daily_end, application_id=application.id)
        for booking in chosen
    )
    return ApplicationFacts(
        production_type=application.production_type or "feature",
        country_of_origin=(application.country_of_origin or application.company.country or "AZ").upper(),
        bookings=bookings,
    )


def organisations_for(reviews) -> list[Organisation | None]:
    """The organisation that holds each required review (None where none of
    its kind is set up), in two queries whatever the number of reviews: the
    named owners by id, the other kinds' first organisation each."""
    owner_ids = {int(required.owner_org_id) for required in reviews if required.owner_org_id is not None}
    kinds = {required.org_kind for required in reviews if required.owner_org_id is None}
    owners = {}
    if owner_ids:
        owners = {o.id: o for o in db.session.execute(select(Organisation).where(Organisation.id.in_(owner_ids))).scalars()}
    first_of_kind: dict[str, Organisation] = {}
    if kinds:
        for organisation in db.session.execute(
            select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.id)
        ).scalars():
            first_of_kind.setdefault(organisation.kind, organisation)
    return [owners.get(int(required.owner_org_id)) if required.owner_org_id is not None
            else first_of_kind.get(required.org_kind) for required in reviews]


def organisation_for(required: RequiredReview) -> Organisation:
    """The organisation that holds a required review (the rule of :func:`organisations_for`)."""
    [organisation] = organisations_for([required])
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
