"""The verbs of the review process.

Every verb: checks the actor's organisation and role against the process
definition the application started on; checks the row version the form was
built from (a stale form is refused with ``StaleVersion``, HTTP 409); takes a
row lock on the application when it may complete the join; writes one
WorkflowEvent per transition, the deadlines and the notifications in the same
transaction; and flushes. The caller commits once.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from permits.database import lock_row
from permits.extensions import db
from permits.models import Application, Message, ReviewTask, User
from permits.services import PermissionDenied, ServiceError, StaleVersion, clock, notify
from permits.services.audit import record_event
from permits.services.context import (
    calendar,
    definition_of,
    facts_for,
    now_utc,
    organisation_for,
    producer_role,
    review_role,
    staff_role,
)
from workflows import (
    CURRENT_VERSION,
    ApplicationState,
    ReviewSnapshot,
    ReviewState,
    Role,
    Step,
    TransitionNotAllowed,
    final_approval_blockers,
    impact_tier_for,
    next_step,
    reviews_for_step,
)

REVIEW_DECISIONS = ("approve", "approve_with_conditions", "reject", "request_information")
MAX_TEXT = 5000


class WorkflowRefused(ServiceError):
    """The definition does not allow this action now."""

    status_code = 409


# ----------------------------------------------------------------------------- helpers


def _check_version(row, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != row.version:
        raise StaleVersion(_("Someone else acted on this first. Reload the page to see the latest version."))


def _lock_application(application_id: int) -> Application:
    application = lock_row(db.session, Application, application_id)
    if application is None:
        raise ServiceError(_("This application no longer exists."))
    return application


def _lock_review(review_id: int) -> ReviewTask:
    review = lock_row(db.session, ReviewTask, review_id)
    if review is None:
        raise ServiceError(_("This review no longer exists."))
    return review


def _apply_application(application: Application, action: str, role: Role, org_kind: str | None = None) -> str:
    defn = definition_of(application)
    try:
        return defn.apply_application_action(application.state, action, role, org_kind).value
    except TransitionNotAllowed as refusal:
        raise WorkflowRefused(_("This is not possible at this stage of the application.") + f" ({refusal.message})") from None


def _apply_review(review: ReviewTask, action: str, role: Role) -> str:
    defn = definition_of(review.application)
    try:
        return defn.apply_review_action(review.kind, review.state, action, role).value
    except TransitionNotAllowed as refusal:
        raise WorkflowRefused(_("This is not possible at this stage of the review.") + f" ({refusal.message})") from None


def _move_application(application, action, role, actor, *, org_kind=None, payload=None, organisation_id=None):
    before = application.state
    application.state = _apply_application(application, action, role, org_kind)
    record_event(
        application,
        actor=actor,
        actor_role=role,
        subject="application",
        action=action,
        from_state=before,
        to_state=application.state,
        organisation_id=organisation_id,
        payload=payload,
    )


def _move_review(review, action, role, actor, *, payload=None):
    before = review.state
    review.state = _apply_review(review, action, role)
    record_event(
        review.application,
        actor=actor,
        actor_role=role,
        subject="review",
        action=action,
        from_state=before,
        to_state=review.state,
        review=review,
        payload=payload,
    )


def _current_reviews(application: Application) -> list[ReviewTask]:
    return list(
        db.session.execute(
            select(ReviewTask)
            .where(ReviewTask.application_id == application.id, ReviewTask.amendment_id.is_(None))
            .order_by(ReviewTask.id)
        ).scalars()
    )


def _snapshots(reviews: list[ReviewTask]) -> list[ReviewSnapshot]:
    if not reviews:
        return []
    defn = definition_of(reviews[0].application)
    return [ReviewSnapshot(r.kind, r.state, defn.scope_of(r.kind, r.organisation_id)) for r in reviews]


def open_review(application: Application, required, now: dt.datetime, *, flagged: bool = False, amendment=None) -> ReviewTask:
    """Open one required review (of the application, or of an amendment):
    its SLA clock and deadlines, its audit event, and its organisation told."""
    organisation = organisation_for(required)
    review = ReviewTask(
        application_id=application.id,
        amendment_id=amendment.id if amendment is not None else None,
        kind=required.kind_code,
        organisation_id=organisation.id,
        state=ReviewState.PENDING.value,
        flagged=flagged,
        opened_at=now,
    )
    db.session.add(review)
    db.session.flush()
    review.application = application
    clock.start_clock(review, definition_of(application), now)
    payload = {"flagged": flagged} if flagged else {}
    if amendment is not None:
        payload["amendment"] = amendment.id
    record_event(
        application,
        actor=None,
        actor_role=Role.SYSTEM,
        subject="review",
        action="open",
        from_state=None,
        to_state=review.state,
        review=review,
        amendment_id=amendment.id if amendment is not None else None,
        payload=payload,
    )
    notify.tell(
        notify.staff_of(organisation.id),
        "review_opened",
        f"review-opened:{review.id}",
        notify.review_context(review),
        path=notify.review_path(review),
        application=application,
    )
    return review


def _cancel_review(review: ReviewTask, actor=None, reason: str = "") -> None:
    _move_review(review, "cancel", Role.SYSTEM, actor, payload={"reason": reason} if reason else None)
    clock.stop_clock(review)


def _producer_decision_notice(review: ReviewTask, action: str, details: str) -> None:
    application = review.application
    context = notify.review_context(review)
    context.update({"decision_code": action, "details": details})
    notify.tell(
        notify.producers_of(application),
        "review_decided",
        f"review-decided:{review.id}:{review.version}:{action}",
        context,
        path=notify.producer_path(application),
        application=application,
    )


# ----------------------------------------------------------------------------- the join


def advance(application: Application, now: dt.datetime | None = None, actor: User | None = None) -> list[Step]:
    """Perform what the definition says happens next, until nothing does.

    Must run under the application's row lock: the join (all parallel reviews
    decided -> final review) then happens exactly once.
    """
    now = now or now_utc()
    defn = definition_of(application)
    performed: list[Step] = []
    for _attempt in range(10):  # each step changes the state or the reviews; 10 is far above any real chain
        reviews = _current_reviews(application)
        step = next_step(defn, application.state, _snapshots(reviews))
        if step is Step.NONE:
            return performed
        performed.append(step)
        _perform(application, step, reviews, now, actor)
        db.session.flush()
    raise RuntimeError(f"the process did not settle for application {application.id}")


def _perform(application: Application, step: Step, reviews: list[ReviewTask], now: dt.datetime, actor) -> None:
    defn = definition_of(application)
    if step is Step.OPEN_SCREENING:
        for required in reviews_for_step(defn, step, facts_for(application)):
            open_review(application, required, now)
    elif step is Step.OPEN_PARALLEL:
        _move_application(application, "start_review", Role.SYSTEM, None)
        required = reviews_for_step(defn, step, facts_for(application))
        for item in required:
            open_review(application, item, now)
    elif step in (Step.OPEN_FINAL, Step.MINISTRY_DECIDES_REJECTION):
        flagged = step is Step.MINISTRY_DECIDES_REJECTION
        application.needs_ministry_decision = flagged
        _move_application(application, "open_final", Role.SYSTEM, None, payload={"flagged": flagged} if flagged else None)
        for required in reviews_for_step(defn, step, facts_for(application)):
            open_review(application, required, now, flagged=flagged)
        if flagged:
            notify.tell(
                notify.producers_of(application),
                "site_decision_needed",
                f"site-decision:{application.id}:{len(reviews)}",
                notify.base_context(application),
                path=notify.producer_path(application),
                application=application,
            )
    elif step is Step.RETURN_TO_PARALLEL:
        for review in reviews:
            if defn.stage_of(review.kind) == "final" and review.is_open:
                _cancel_review(review, reason="returned to the parallel reviews")
        application.needs_ministry_decision = False
        _move_application(application, "return_to_parallel", Role.SYSTEM, None)
    elif step is Step.REJECT:
        for review in reviews:
            if review.is_open:
                _cancel_review(review, reason="application rejected")
        rejecting = next((r for r in reversed(reviews) if r.state == ReviewState.REJECTED.value), None)
        _move_application(application, "reject", Role.SYSTEM, None)
        application.decided_at = now
        context = notify.base_context(application)
        context["reason"] = rejecting.reason if rejecting is not None else ""
        notify.tell(
            notify.producers_of(application),
            "application_rejected",
            f"rejected:{application.id}",
            context,
            path=notify.producer_path(application),
            application=application,
        )
    elif step is Step.APPROVE:
        _move_application(application, "approve", Role.SYSTEM, None)
        application.decided_at = now
        application.needs_ministry_decision = False
        from permits.services import permits as permit_service

        permit_service.issue(application, now)
        notify.tell(
            notify.producers_of(application),
            "application_approved",
            f"approved:{application.id}",
            notify.base_context(application),
            path=notify.producer_path(application),
            application=application,
        )


# ----------------------------------------------------------------------------- producer verbs


def submit(application: Application, actor: User, expected_version: int | None = None, now: dt.datetime | None = None) -> Application:
    """File a complete draft: it gets a reference and the screening opens."""
    now = now or now_utc()
    application = _lock_application(application.id)
    role = producer_role(actor, application)
    _check_version(application, expected_version)
    if not [b for b in application.bookings if b.active]:
        raise ServiceError(_("Add at least one filming site and dates before submitting."))
    application.definition_version = CURRENT_VERSION
    _move_application(application, "submit", role, actor)
    application.submitted_at = now
    application.reference = f"AZF-{calendar().local_date(now).year}-{application.id:06d}"
    facts = facts_for(application)
    application.impact_tier = impact_tier_for(facts).value
    from permits.services.quotes import quote_for

    application.fee_total = quote_for(application).total
    context = notify.base_context(application)
    context["days"] = definition_of(application).stage_sla_business_days("screening")
    notify.tell(
        notify.producers_of(application),
        "application_received",
        f"received:{application.id}",
        context,
        path=notify.producer_path(application),
        application=application,
    )
    advance(application, now, actor)
    return application


def withdraw(application: Application, actor: User, expected_version: int | None = None, reason: str = "", now=None) -> Application:
    now = now or now_utc()
    application = _lock_application(application.id)
    role = producer_role(actor, application)
    _check_version(application, expected_version)
    open_reviews = [r for r in _current_reviews(application) if r.is_open]
    _move_application(application, "withdraw", role, actor, payload={"reason": reason[:MAX_TEXT]} if reason else None)
    application.decided_at = now
    for review in open_reviews:
        _cancel_review(review, reason="application withdrawn")
    recipients = notify.producers_of(application)
    for review in open_reviews:
        recipients += notify.staff_of(review.organisation_id)
    notify.tell(
        recipients,
        "application_withdrawn",
        f"withdrawn:{application.id}",
        notify.base_context(application),
        path=notify.producer_path(application),
        application=application,
    )
    return application


def provide_information(review: ReviewTask, actor: User, body: str, expected_version: int | None = None, now=None) -> Message:
    """The producer answers a request for information; the review resumes."""
    now = now or now_utc()
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Write your answer before sending it."), field="body")
    application = _lock_application(review.application_id)
    review = _lock_review(review.id)
    role = producer_role(actor, application)
    _check_version(review, expected_version)
    _move_review(review, "provide_information", role, actor)
    clock.resume_clock(review, definition_of(application), now)
    db.session.execute(
        Message.__table__.update()
        .where(Message.review_task_id == review.id, Message.kind == "info_request", Message.answered_at.is_(None))
        .values(answered_at=now)
    )
    message = Message(
        application_id=application.id,
        review_task_id=review.id,
        author_id=actor.id,
        kind="info_response",
        body=body[:MAX_TEXT],
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    recipients = [review.assignee] if review.assignee is not None else notify.staff_of(review.organisation_id)
    notify.tell(
        recipients,
        "information_provided",
        f"info-provided:{message.id}",
        notify.review_context(review),
        path=notify.review_path(review),
        application=application,
    )
    return message


# ----------------------------------------------------------------------------- reviewer verbs


def claim(review: ReviewTask, actor: User, expected_version: int | None = None) -> ReviewTask:
    """Take a pending review: it is assigned to the actor and in review."""
    review = _lock_review(review.id)
    role = review_role(actor, review)
    _check_version(review, expected_version)
    _move_review(review, "claim", role, actor)
    review.assignee_id = actor.id
    return review


def release(review: ReviewTask, actor: User, expected_version: int | None = None) -> ReviewTask:
    review = _lock_review(review.id)
    role = review_role(actor, review)
    _check_version(review, expected_version)
    _move_review(review, "release", role, actor)
    review.assignee_id = None
    return review


def assign(review: ReviewTask, actor: User, assignee: User | None, expected_version: int | None = None) -> ReviewTask:
    """A supervisor assigns (or reassigns) a review within the organisation."""
    review = _lock_review(review.id)
    role = review_role(actor, review)
    if role not in (Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDenied(_("Only a supervisor can assign reviews."))
    _check_version(review, expected_version)
    if not review.is_open:
        raise WorkflowRefused(_("This review is closed; it cannot be assigned."))
    if assignee is not None and staff_role(assignee, review.organisation_id) not in (Role.REVIEWER, Role.SUPERVISOR):
        raise ServiceError(_("Choose a reviewer of this organisation."), field="assignee")
    previous = review.assignee_id
    review.assignee_id = assignee.id if assignee is not None else None
    record_event(
        review.application,
        actor=actor,
        actor_role=role,
        subject="review",
        action="assign",
        from_state=review.state,
        to_state=review.state,
        review=review,
        payload={"from": previous, "to": review.assignee_id},
    )
    return review


def decide(
    review: ReviewTask,
    actor: User,
    action: str,
    *,
    expected_version: int | None = None,
    conditions: list[str] | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> ReviewTask:
    """Approve, approve with conditions, reject (reason required) or request
    information (what is needed) on one review."""
    now = now or now_utc()
    if action not in REVIEW_DECISIONS:
        raise ServiceError(_("Choose one of the offered decisions."), field="action")
    conditions = [c.strip()[:1000] for c in (conditions or []) if c and c.strip()]
    reason = (reason or "").strip()[:MAX_TEXT]
    if action == "approve_with_conditions" and not conditions:
        raise ServiceError(_("Add at least one condition, or approve without conditions."), field="conditions")
    if action == "reject" and not reason:
        raise ServiceError(_("Give the reason for the refusal; the producer will read it."), field="reason")
    if action == "request_information" and not reason:
        raise ServiceError(_("Say what information you need."), field="reason")

    application = _lock_application(review.application_id)
    review = _lock_review(review.id)
    role = review_role(actor, review)
    _check_version(review, expected_version)
    defn = definition_of(application)

    if defn.stage_of(review.kind) == "final" and action in ("approve", "approve_with_conditions"):
        blockers = final_approval_blockers(defn, _snapshots(_current_reviews(application)))
        if blockers:
            raise WorkflowRefused(
                _("A site was refused. Reject the application, or ask the producer to drop or replace the site.")
            )
    if review.amendment_id is not None:  # an amendment's review: its own join (services/amendments.py)
        from permits.services import amendments

        amendments.check_final_approval(review, action)
    if defn.stage_of(review.kind) == "final" and action == "request_information" and application.needs_ministry_decision:
        raise WorkflowRefused(_("To change a refused site, use “drop the refused site” instead."))

    _move_review(review, action, role, actor, payload={"conditions": conditions, "reason": reason} if (conditions or reason) else None)
    if review.assignee_id is None:
        review.assignee_id = actor.id

    if action == "request_information":
        producer_due = clock.pause_clock(review, defn, now)
        message = Message(
            application_id=application.id,
            review_task_id=review.id,
            author_id=actor.id,
            organisation_id=review.organisation_id,
            kind="info_request",
            body=reason,
            due_at=producer_due,
            created_at=now,
        )
        db.session.add(message)
        db.session.flush()
        context = notify.review_context(review)
        context.update({"body": reason, "due_iso": producer_due.isoformat()})
        notify.tell(
            notify.producers_of(application),
            "information_requested",
            f"info-requested:{message.id}",
            context,
            path=notify.producer_path(application),
            application=application,
        )
        return review

    review.decided_at = now
    review.decided_by_id = actor.id
    review.conditions = conditions if action == "approve_with_conditions" else []
    review.reason = reason
    clock.stop_clock(review)
    details = "; ".join(conditions) if conditions else reason
    _producer_decision_notice(review, action, details)
    if review.amendment_id is not None:
        from permits.services import amendments

        amendments.advance(review.amendment_id, now, actor)
    else:
        advance(application, now, actor)
    return review


def refused_site_reviews(application: Application) -> list[ReviewTask]:
    """The refusals of the application's sites that a site change can cure
    (the definition says which kinds): dropping or replacing those sites."""
    defn = definition_of(application)
    return [
        r for r in _current_reviews(application)
        if r.state == ReviewState.REJECTED.value and defn.cured_by_site_change(r.kind)
    ]


def _drop_refused_sites(application: Application, actor: User | None, *, payload: dict | None) -> list[str]:
    """Take the sites of every refusing site owner out of the application and
    drop their reviews; returns the dropped sites' names."""
    refused = refused_site_reviews(application)
    dropped = []
    for review in refused:
        for booking in application.bookings:
            if booking.active and booking.location.owner_organisation_id == review.organisation_id:
                booking.active = False
                dropped.append(booking.location.name_en)
        _move_review(review, "drop", Role.SYSTEM, actor, payload=payload)
    return dropped


def drop_refused_sites(final_review: ReviewTask, actor: User, expected_version: int | None = None, note: str = "", now=None) -> Application:
    """The ministry keeps the application without the refused site(s): their
    bookings are removed and the refused reviews are dropped; the final
    review then decides on what remains."""
    now = now or now_utc()
    application = _lock_application(final_review.application_id)
    final_review = _lock_review(final_review.id)
    role = review_role(actor, final_review)
    _check_version(final_review, expected_version)
    defn = definition_of(application)
    if defn.stage_of(final_review.kind) != "final" or not final_review.is_open or not application.needs_ministry_decision:
        raise WorkflowRefused(_("There is no refused site to drop."))
    if role not in (Role.REVIEWER, Role.SUPERVISOR):
        raise PermissionDenied(_("Only the film commission's reviewers can do this."))
    dropped_sites = _drop_refused_sites(application, actor, payload={"note": note[:MAX_TEXT]} if note else None)
    if not [b for b in application.bookings if b.active]:
        raise WorkflowRefused(_("Every site of this application was refused; reject the application instead."))
    application.needs_ministry_decision = False
    final_review.flagged = False
    record_event(
        application,
        actor=actor,
        actor_role=role,
        subject="application",
        action="drop_sites",
        from_state=application.state,
        to_state=application.state,
        organisation_id=final_review.organisation_id,
        payload={"sites": dropped_sites},
    )
    advance(application, now, actor)
    return application


def replace_refused_site(
    application: Application,
    actor: User,
    location,
    *,
    start: dt.date,
    end: dt.date,
    crew_on_site: int,
    vehicles: int = 0,
    daily_start: dt.time = dt.time(8),
    daily_end: dt.time = dt.time(20),
    notes: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """The producer proposes another site (or the same owner's site on other
    dates) for the one a site owner refused. The refused review is dropped,
    only the reviews the new booking touches open, and the final review waits
    for them (the engine returns the application to the parallel stage)."""
    from permits.services.applications import new_booking
    from workflows import reviews_touched_by_amendment

    now = now or now_utc()
    application = _lock_application(application.id)
    role = producer_role(actor, application)
    _check_version(application, expected_version)
    if application.state != ApplicationState.FINAL_REVIEW.value or not application.needs_ministry_decision:
        raise WorkflowRefused(_("There is no refused site to replace."))
    defn = definition_of(application)
    before = facts_for(application)
    dropped = _drop_refused_sites(application, actor, payload={"replaced": True})
    new_booking(application, location, start=start, end=end, crew_on_site=crew_on_site, vehicles=vehicles,
                daily_start=daily_start, daily_end=daily_end, notes=(notes or "")[:2000])
    db.session.refresh(application)
    application.needs_ministry_decision = False
    for review in _current_reviews(application):
        if defn.stage_of(review.kind) == "final" and review.is_open:
            review.flagged = False
    record_event(
        application,
        actor=actor,
        actor_role=role,
        subject="application",
        action="replace_site",
        from_state=application.state,
        to_state=application.state,
        payload={"dropped": dropped, "added": location.name_en, "start": start.isoformat(), "end": end.isoformat()},
    )
    for required in reviews_touched_by_amendment(defn, before, facts_for(application)):
        if defn.stage_of(required.kind_code) == "parallel":
            open_review(application, required, now)
    advance(application, now, actor)
    return application


def revoke(application: Application, actor: User, reason: str, expected_version: int | None = None, now=None) -> Application:
    now = now or now_utc()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for revoking the permit."), field="reason")
    application = _lock_application(application.id)
    _check_version(application, expected_version)
    membership = actor.membership if actor is not None else None
    if actor is not None and actor.is_platform_admin:
        role, org_kind, organisation_id = Role.PLATFORM_ADMIN, None, None
    elif membership is not None:
        role, org_kind, organisation_id = Role(membership.role), membership.organisation.kind, membership.organisation_id
    else:
        raise PermissionDenied(_("Only the film commission can revoke a permit."))
    _move_application(application, "revoke", role, actor, org_kind=org_kind, payload={"reason": reason[:MAX_TEXT]}, organisation_id=organisation_id)
    from permits.services import permits as permit_service

    permit_service.mark_revoked(application, reason, now)
    return application


# ----------------------------------------------------------------------------- system verbs (the sweep)


def lapse(review: ReviewTask, now=None) -> Application:
    """The producer did not answer in time: the application lapses."""
    now = now or now_utc()
    if review.amendment_id is not None:  # only the amendment lapses; the permit stays
        from permits.services import amendments

        amendments.lapse(review, now)
        return review.application
    application = _lock_application(review.application_id)
    review = _lock_review(review.id)
    if review.state != ReviewState.INFO_REQUESTED.value:
        return application
    _move_review(review, "lapse", Role.SYSTEM, None)
    clock.stop_clock(review)
    for other in _current_reviews(application):
        if other.is_open:
            _cancel_review(other, reason="application lapsed")
    _move_application(application, "lapse", Role.SYSTEM, None)
    application.decided_at = now
    recipients = notify.producers_of(application) + notify.staff_of(review.organisation_id)
    context = notify.base_context(application)
    notify.tell(recipients, "application_lapsed", f"lapsed:{application.id}", context, path=notify.producer_path(application), application=application)
    return application


def expire(application: Application, now=None) -> Application:
    now = now or now_utc()
    application = _lock_application(application.id)
    if application.state != ApplicationState.APPROVED.value:
        return application
    _move_application(application, "expire", Role.SYSTEM, None)
    from permits.services import permits as permit_service

    permit_service.mark_expired(application, now)
    return application
