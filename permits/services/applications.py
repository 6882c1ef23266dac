"""Drafts: creating an application and booking its filming sites.

The task-list sections of the portal call these; they check that the actor
acts for the application's company and that the draft can still change.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import and_, select

from permits.extensions import db
from permits.models import Application, Booking, Location, User
from permits.services import PermissionDenied, ServiceError
from permits.services.context import calendar, now_utc
from workflows import ACTIVITIES, PRODUCTION_TYPES

EDITABLE_STATES = ("draft",)


def _company_of(actor: User):
    company = actor.company if actor is not None else None
    if company is None:
        raise PermissionDenied(_("Only a producer acting for a company can file applications."))
    return company


def ensure_editable(application: Application, actor: User) -> None:
    if not any(m.company_id == application.company_id for m in actor.company_memberships):
        raise PermissionDenied(_("Only the company that filed this application can change it."))
    if application.state not in EDITABLE_STATES:
        raise ServiceError(_("This application has been submitted and can no longer be changed."))


def create_draft(actor: User, *, title: str = "", production_type: str = "feature", country_of_origin: str | None = None,
                 synopsis: str = "", activities: list[str] | None = None, crew_total: int = 0) -> Application:
    company = _company_of(actor)
    if production_type and production_type not in PRODUCTION_TYPES:
        raise ServiceError(_("Choose one of the offered production types."), field="production_type")
    unknown = set(activities or ()) - set(ACTIVITIES)
    if unknown:
        raise ServiceError(_("Choose activities from the list."), field="activities")
    application = Application(
        company_id=company.id,
        created_by_id=actor.id,
        title=title.strip()[:255],
        production_type=production_type,
        country_of_origin=(country_of_origin or company.country or "AZ").upper(),
        synopsis=synopsis.strip(),
        activities=sorted(set(activities or ())),
        crew_total=crew_total,
        contact_name=company.contact_name or actor.name,
        contact_email=company.contact_email or actor.email,
        contact_phone=company.contact_phone,
        state="draft",
    )
    db.session.add(application)
    db.session.flush()
    return application


def booking_problems(location: Location, start: dt.date, end: dt.date, crew: int, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(field, message) pairs for a booking that cannot be filed."""
    today = today or calendar().local_date(now_utc())
    problems: list[tuple[str, str]] = []
    if end < start:
        problems.append(("end_date", _("The last day must be on or after the first day.")))
    if start <= today:
        problems.append(("start_date", _("Filming must start after today.")))
    if crew < 1:
        problems.append(("crew_on_site", _("Enter the number of people on site.")))
    elif crew > location.max_crew:
        problems.append(
            ("crew_on_site", _("%(site)s allows at most %(n)d people on site.", site=location.name, n=location.max_crew))
        )
    if end >= start:
        for blackout in location.blackouts:
            if blackout.start_date <= end and start <= blackout.end_date:
                problems.append(
                    (
                        "start_date",
                        _("%(site)s is closed to filming from %(start)s to %(end)s.", site=location.name,
                          start=blackout.start_date.isoformat(), end=blackout.end_date.isoformat()),
                    )
                )
                break
    if not location.published:
        problems.append(("location_id", _("This site is not open for filming applications.")))
    return problems


def conflicts_for(location_id: int, start: dt.date, end: dt.date, *, exclude_application_id: int | None = None) -> list[Booking]:
    """Other productions' bookings at the same site on overlapping days
    (approved, or holds of applications under review)."""
    query = (
        select(Booking)
        .join(Application, Application.id == Booking.application_id)
        .where(
            Booking.location_id == location_id,
            Booking.active.is_(True),
            and_(Booking.start_date <= end, Booking.end_date >= start),
            Application.state.in_(("submitted", "in_review", "final_review", "approved")),
        )
    )
    if exclude_application_id is not None:
        query = query.where(Booking.application_id != exclude_application_id)
    return list(db.session.execute(query).scalars())


def add_booking(application: Application, actor: User, location: Location, *, start: dt.date, end: dt.date,
                crew_on_site: int, vehicles: int = 0, daily_start: dt.time = dt.time(8), daily_end: dt.time = dt.time(20),
                notes: str = "") -> Booking:
    ensure_editable(application, actor)
    problems = booking_problems(location, start, end, crew_on_site)
    if problems:
        field, message = problems[0]
        raise ServiceError(message, field=field)
    if daily_end <= daily_start and "night_work" not in (application.activities or []):
        raise ServiceError(_("The day must end after it starts; for shoots past midnight, declare night work."), field="daily_end")
    booking = Booking(
        application_id=application.id,
        location_id=location.id,
        start_date=start,
        end_date=end,
        crew_on_site=crew_on_site,
        vehicles=vehicles,
        daily_start=daily_start,
        daily_end=daily_end,
        notes=notes.strip(),
    )
    db.session.add(booking)
    db.session.flush()
    db.session.refresh(application)
    return booking


def remove_booking(application: Application, actor: User, booking: Booking) -> None:
    ensure_editable(application, actor)
    if booking.application_id != application.id:
        raise PermissionDenied(_("This booking belongs to another application."))
    db.session.delete(booking)
    db.session.flush()
