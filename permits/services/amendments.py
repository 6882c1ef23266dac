"""Amendments (riders) to an approved permit: add a date range or a site.

An amendment is its own record that runs the application life cycle from
``in_review`` (DESIGN.md section 4, workflows/definition.py): the reviews
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

from permits.database import lock_row
from permits.extensions import db
from permits.models import Amendment, Application, Booking, Location, ReviewTask, User
from permits.services import ServiceError, clock, notify, workflow
from permits.services.applications import new_booking
from permits.services.audit import record_event
from permits.services.context import definition_of, facts_for, now_utc, producer_role
from workflows import (
    ApplicationState,
    BookingFacts,
    ReviewState,
    Role,
    Step,
    TransitionNotAllowed,
    final_approval_blockers,
    next_step,
    reviews_touched_by_amendment,
)

OPEN_STATES = (ApplicationState.IN_REVIEW.value, ApplicationState.FINAL_REVIEW.value)
MAX_NOTE = 2000


def amendments_of(application: Application) -> list[Amendment]:
    return list(
        db.session.execute(
            select(Amendment).where(Amendment.application_id == application.id).order_by(Amendment.id)
        ).scalars()
    )


def open_amendment(application: Application) -> Amendment | None:
    return next((a for a in amendments_of(application) if a.state in OPEN_STATES), None)


def reviews_of(amendment: Amendment) -> list[ReviewTask]:
    return list(
        db.session.execute(
            select(ReviewTask).where(ReviewTask.amendment_id == amendment.id).order_by(ReviewTask.id)
        ).scalars()
    )


def bookings_of(amendment: Amendment) -> list[Booking]:
    return list(
        db.session.execute(select(Booking).where(Booking.amendment_id == amendment.id).order_by(Booking.id)).scalars()
    )


def _snapshots(reviews):
    from workflows import ReviewSnapshot

    if not reviews:
        return []
    defn = definition_of(reviews[0].application)
    return [ReviewSnapshot(r.kind, r.state, defn.scope_of(r.kind, r.organisation_id)) for r in reviews]


def _summary(location: Location, start: dt.date, end: dt.date, daily_start: dt.time, daily_end: dt.time) -> str:
    """Language-neutral: the site's names and the dates as numbers."""
    names = [location.name_az, location.name_en]
    name = " / ".join(dict.fromkeys(n for n in names if n)) or location.slug
    return (
        f"+ {name}: {start.strftime('%d.%m.%Y')} – {end.strftime('%d.%m.%Y')}, "
        f"{daily_start.strftime('%H:%M')}–{daily_end.strftime('%H:%M')}"
    )


def _move(amendment: Amendment, application: Application, action: str, role: Role, actor=None, payload=None) -> None:
    defn = definition_of(application)
    before = amendment.state
    try:
        amendment.state = defn.apply_application_action(amendment.state, action, role).value
    except TransitionNotAllowed as refusal:
        from permits.services.workflow import WorkflowRefused

        raise WorkflowRefused(_("This is not possible at this stage of the amendment.") + f" ({refusal.message})") from None
    record_event(
        application,
        actor=actor,
        actor_role=role,
        subject="amendment",
        action=action,
        from_state=before,
        to_state=amendment.state,
        amendment_id=amendment.id,
        payload=payload,
    )


# ----------------------------------------------------------------------------- the producer asks


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
    from permits.services import permits as permit_service
    from permits.services.workflow import WorkflowRefused, _check_version, _lock_application, _move_application

    now = now or now_utc()
    application = _lock_application(application.id)
    role = producer_role(actor, application)
    _check_version(application, expected_version)
    permit = permit_service.permit_of(application)
    if application.state != ApplicationState.APPROVED.value or permit is None or permit.status != "valid":
        raise WorkflowRefused(_("Only a valid permit can be amended."))
    if open_amendment(application) is not None:
        raise WorkflowRefused(_("An amendment of this permit is already being reviewed. Wait for its decision first."))
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
    _move_application(application, "amend", role, actor, payload={"amendment": amendment.id, "note": note} if note else {"amendment": amendment.id})
    # Inactive until the amendment is approved; checked like any booking.
    new_booking(application, location, start=start, end=end, crew_on_site=crew_on_site, vehicles=vehicles,
                daily_start=daily_start, daily_end=daily_end, notes=note, amendment_id=amendment.id, active=False)

    added = BookingFacts(
        location_id=location.id,
        owner_org_id=location.owner_organisation_id,
        heritage=location.heritage,
        tourist=location.tourist_site,
        restricted=location.restricted,
        start_date=start,
        end_date=end,
        crew=crew_on_site,
        vehicles=vehicles,
        activities=frozenset(application.activities or ()),
    )
    new_facts = old_facts.with_bookings((*old_facts.bookings, added))
    defn = definition_of(application)
    for required in reviews_touched_by_amendment(defn, old_facts, new_facts):
        if defn.stage_of(required.kind_code) == "parallel":
            workflow.open_review(application, required, now, amendment=amendment)
    advance(amendment, now, actor)
    return amendment


# ----------------------------------------------------------------------------- the engine


def check_final_approval(review: ReviewTask, action: str) -> None:
    """The ministry cannot approve an amendment over a refused site."""
    from permits.services.workflow import WorkflowRefused

    defn = definition_of(review.application)
    if defn.stage_of(review.kind) != "final" or action not in ("approve", "approve_with_conditions"):
        return
    amendment = db.session.get(Amendment, review.amendment_id)
    if final_approval_blockers(defn, _snapshots(reviews_of(amendment))):
        raise WorkflowRefused(_("A site of this amendment was refused. Refuse the amendment."))


def advance(amendment: Amendment | int, now: dt.datetime | None = None, actor: User | None = None) -> list[Step]:
    """What the definition says happens next to the amendment, until nothing
    does; runs under the application's row lock (taken by the caller)."""
    now = now or now_utc()
    amendment_id = amendment if isinstance(amendment, int) else amendment.id
    amendment = lock_row(db.session, Amendment, amendment_id)
    application = db.session.get(Application, amendment.application_id)
    defn = definition_of(application)
    performed: list[Step] = []
    for _attempt in range(10):
        reviews = reviews_of(amendment)
        step = next_step(defn, amendment.state, _snapshots(reviews))
        if step is Step.NONE:
            return performed
        performed.append(step)
        _perform(application, amendment, step, reviews, now)
        db.session.flush()
    raise RuntimeError(f"amendment {amendment.id} did not settle")


def _perform(application: Application, amendment: Amendment, step: Step, reviews, now: dt.datetime) -> None:
    from permits.services import permits as permit_service
    from permits.services.workflow import _cancel_review

    defn = definition_of(application)
    if step in (Step.OPEN_FINAL, Step.MINISTRY_DECIDES_REJECTION):
        flagged = step is Step.MINISTRY_DECIDES_REJECTION
        _move(amendment, application, "open_final", Role.SYSTEM, payload={"flagged": True} if flagged else None)
        for kind in defn.kinds_in_stage("final"):
            from workflows import RequiredReview

            workflow.open_review(application, RequiredReview(kind.code, kind.org_kind, None), now, flagged=flagged,
                                 amendment=amendment)
    elif step is Step.RETURN_TO_PARALLEL:
        for review in reviews:
            if defn.stage_of(review.kind) == "final" and review.is_open:
                _cancel_review(review, reason="returned to the parallel reviews")
        _move(amendment, application, "return_to_parallel", Role.SYSTEM)
    elif step is Step.REJECT:
        for review in reviews:
            if review.is_open:
                _cancel_review(review, reason="amendment refused")
        _move(amendment, application, "reject", Role.SYSTEM)
        amendment.decided_at = now
        rejecting = next((r for r in reversed(reviews) if r.state == ReviewState.REJECTED.value), None)
        context = notify.base_context(application)
        context.update({"summary": amendment.summary, "reason": rejecting.reason if rejecting is not None else ""})
        notify.tell(
            notify.producers_of(application),
            "amendment_refused",
            f"amendment-refused:{amendment.id}",
            context,
            path=notify.producer_path(application),
            application=application,
        )
    elif step is Step.APPROVE:
        _move(amendment, application, "approve", Role.SYSTEM)
        amendment.decided_at = now
        for booking in bookings_of(amendment):
            booking.active = True
        db.session.flush()
        db.session.refresh(application)
        version = permit_service.add_rider(application, amendment, now)
        context = notify.base_context(application)
        context.update({"summary": amendment.summary, "version": version.version})
        notify.tell(
            notify.producers_of(application),
            "amendment_approved",
            f"amendment-approved:{amendment.id}",
            context,
            path=notify.producer_path(application),
            application=application,
        )
    else:  # screening steps never apply to an amendment
        raise RuntimeError(f"unexpected step {step} for amendment {amendment.id}")


def lapse(review: ReviewTask, now: dt.datetime | None = None) -> Amendment | None:
    """The producer did not answer an amendment review's question in time:
    the amendment is refused; the permit stays as it was."""
    from permits.services.workflow import _lock_application, _lock_review, _move_review

    now = now or now_utc()
    application = _lock_application(review.application_id)
    review = _lock_review(review.id)
    amendment = lock_row(db.session, Amendment, review.amendment_id)
    if review.state != ReviewState.INFO_REQUESTED.value or amendment is None:
        return amendment
    _move_review(review, "lapse", Role.SYSTEM, None)
    clock.stop_clock(review)
    close(application, amendment, now, reason="information not provided in time")
    return amendment


def close(application: Application, amendment: Amendment, now: dt.datetime, reason: str) -> None:
    """Refuse an amendment that cannot go on (lapsed, permit revoked or expired)."""
    from permits.services.workflow import _cancel_review

    if amendment.state not in OPEN_STATES:
        return
    for review in reviews_of(amendment):
        if review.is_open:
            _cancel_review(review, reason=reason)
    _move(amendment, application, "lapse", Role.SYSTEM, payload={"reason": reason})
    amendment.decided_at = now


def close_open(application: Application, now: dt.datetime, reason: str) -> None:
    amendment = open_amendment(application)
    if amendment is not None:
        close(application, amendment, now, reason)
