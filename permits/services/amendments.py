"""Amendments (riders) to an approved permit: add a date range or a site.

An amendment is its own record that runs the application life cycle from
``in_review`` (DESIGN.md section 4, workflows/definition.py) on the same
engine as applications (``workflow.AmendmentCase``): the reviews
``workflows.reviews_touched_by_amendment`` names are opened with
``amendment_id`` set - the owner of an added site, tourism when it now
applies - in parallel, then the ministry's final review. The permit stays
valid meanwhile. Approved: the new bookings become active and the permit gets
its next version (a new PDF) with a longer validity. Refused: nothing changes.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from permits.extensions import db
from permits.formats import OFFICIAL_LANGUAGE, date_range_text, hours_text, side_by_side
from permits.models import Amendment, Application, Location, ReviewTask, User
from permits.services import ServiceError, workflow
from permits.services import permits as permit_service
from permits.services.applications import new_booking
from permits.services.context import booking_facts, definition_of, facts_for, now_utc, producer_role
from workflows import ApplicationState, reviews_touched_by_amendment

MAX_NOTE = 2000


def amendments_of(application: Application) -> list[Amendment]:
    return list(
        db.session.execute(
            select(Amendment).where(Amendment.application_id == application.id).order_by(Amendment.id)
        ).scalars()
    )


def open_amendment(application: Application) -> Amendment | None:
    """The amendment now being reviewed, if any (one at a time)."""
    case = workflow.AmendmentCase.open_of(application)
    return case.amendment if case is not None else None


def reviews_of(amendment: Amendment) -> list[ReviewTask]:
    return workflow.AmendmentCase(db.session.get(Application, amendment.application_id), amendment).reviews()


def _summary(location: Location, start: dt.date, end: dt.date, daily_start: dt.time, daily_end: dt.time) -> str:
    """The stored record of what was asked, as the permit writes it (Azerbaijani,
    the site's English name alongside). E-mails and the permit write it again
    from the amendment's bookings in their reader's language
    (permits.notifications.render.amendment_summary)."""
    name = side_by_side(location.name_az or "", location.name_en or "") or location.slug
    return (f"+ {name}: {date_range_text(start, end, OFFICIAL_LANGUAGE)}, "
            f"{hours_text(daily_start, daily_end)}")


def request_amendment(
    application: Application,
    actor: User,
    *,
    location: Location,
    start: dt.date,
    end: dt.date,
    crew_on_site: int,
    vehicles: int = 0,
    daily_start: dt.time = dt.time(8),
    daily_end: dt.time = dt.time(20),
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Amendment:
    """Add a date range at a site (a new or an already permitted one)."""
    now = now or now_utc()
    application = workflow.lock_application(application.id)
    role = producer_role(actor, application)
    workflow.check_version(application, expected_version)
    permit = permit_service.permit_of(application)
    if application.state != ApplicationState.APPROVED.value or permit is None or permit.status != "valid":
        raise workflow.WorkflowRefused(_("Only a valid permit can be amended."))
    if open_amendment(application) is not None:
        raise workflow.WorkflowRefused(_("An amendment of this permit is already being reviewed. Wait for its decision first."))
    for booking in permit_service.permitted_bookings(application):
        if booking.location_id == location.id and booking.start_date <= start and end <= booking.end_date:
            raise ServiceError(_("The permit already covers these dates at this site."), field="start_date")

    old_facts = facts_for(application)
    note = (note or "").strip()[:MAX_NOTE]
    amendment = Amendment(
        application_id=application.id,
        state=ApplicationState.IN_REVIEW.value,
        summary=_summary(location, start, end, daily_start, daily_end),
        requested_by_id=actor.id,
        created_at=now,
    )
    db.session.add(amendment)
    db.session.flush()
    # "amend" is recorded on the application, which stays approved meanwhile.
    workflow.move(workflow.ApplicationCase(application), "amend", role, actor,
                  payload={"amendment": amendment.id, "note": note} if note else {"amendment": amendment.id})
    # Inactive until the amendment is approved; checked like any booking.
    new_booking(application, location, start=start, end=end, crew_on_site=crew_on_site, vehicles=vehicles,
                daily_start=daily_start, daily_end=daily_end, notes=note, amendment_id=amendment.id, active=False)

    added = booking_facts(location, start, end, crew=crew_on_site, vehicles=vehicles,
                          activities=application.activities or (), daily_start=daily_start, daily_end=daily_end,
                          application_id=application.id)
    new_facts = old_facts.with_bookings((*old_facts.bookings, added))
    defn = definition_of(application)
    case = workflow.AmendmentCase(application, amendment)
    for required in reviews_touched_by_amendment(defn, old_facts, new_facts):
        if defn.stage_of(required.kind_code) == "parallel":
            workflow.open_review(case, required, now)
    workflow.advance(case, now, actor)
    return amendment
