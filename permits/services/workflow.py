"""The review engine and the verbs of the review process.

The engine drives a *case*: an application, or an amendment of an approved
one - its own record that runs the same life cycle from ``in_review`` with
its own reviews (see workflows/definition.py). :func:`advance` asks the
definition what happens next (:func:`workflows.next_step`) and performs it
until nothing does; what an outcome means (a permit issued, a rider added,
who is told) is the case's business (:class:`ApplicationCase`,
:class:`AmendmentCase`). The other services use the public names of this
module; none of them runs the loop again.

Every verb: checks the actor's organisation and role against the process
definition the application started on; checks the row version the form was
built from (a stale form is refused with ``StaleVersion``, HTTP 409); takes a
row lock on the application when it may complete the join; writes one
WorkflowEvent per transition, the deadlines and the notifications in the same
transaction; and flushes. The caller commits once.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, insert, or_, select, update

from permits.database import lock_row, locked
from permits.extensions import db
from permits.models import (
    Amendment,
    Application,
    Booking,
    Deadline,
    Message,
    MoneyEntry,
    Permit,
    ReviewTask,
    User,
)
from permits.services import (
    PermissionDenied,
    ServiceError,
    StaleVersion,
    clock,
    ledger,
    notify,
    summaries,
    turnaround,
    version_is_stale,
)
from permits.services import permits as permit_service
from permits.services.audit import event_values, record_event, record_events
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
from permits.services.quotes import quote_for
from workflows import (
    CURRENT_VERSION,
    FAST_TRACK,
    OPEN_REVIEW_STATES,
    RUNNING_AMENDMENT_STATES,
    STANDARD,
    ApplicationState,
    ProcessDefinition,
    RequiredReview,
    ReviewSnapshot,
    ReviewState,
    Role,
    Step,
    TransitionNotAllowed,
    consent_covers,
    final_approval_blockers,
    get_definition,
    impact_tier_for,
    next_step,
    reviews_for_step,
    route_for,
    state_values,
)
from workflows.money import ZERO, RefundStage

REVIEW_DECISIONS = ("approve", "approve_with_conditions", "reject", "request_information")
MAX_TEXT = 5000


class WorkflowRefused(ServiceError):
    """The definition does not allow this action now."""

    status_code = 409


# ----------------------------------------------------------------------------- rows and versions


def check_version(row, expected_version: int | None) -> None:
    """Refuse a form built from an older version of the row (409)."""
    if version_is_stale(expected_version, row.version):
        raise StaleVersion(_("Someone else acted on this first. Reload the page to see the latest version."))


def lock_application(application_id: int) -> Application:
    application = lock_row(db.session, Application, application_id)
    if application is None:
        raise ServiceError(_("This application no longer exists."))
    return application


def lock_review(review_id: int) -> ReviewTask:
    review = lock_row(db.session, ReviewTask, review_id)
    if review is None:
        raise ServiceError(_("This review no longer exists."))
    return review


def snapshots(defn: ProcessDefinition, reviews: list[ReviewTask]) -> list[ReviewSnapshot]:
    """What the pure engine sees of review rows."""
    return [ReviewSnapshot(r.kind, r.state, defn.scope_of(r.kind, r.organisation_id)) for r in reviews]


# ----------------------------------------------------------------------------- cases


class Case:
    """What the engine drives; the subclasses say what its outcomes mean."""

    subject = "application"
    not_possible = _l("This is not possible at this stage of the application.")
    refused_site = _l("A site was refused. Reject the application, or ask the producer to drop or replace the site.")
    rejected_reason = "application rejected"

    def __init__(self, application: Application) -> None:
        self.application = application

    @property
    def record(self):
        """The row whose ``state`` runs the application life cycle."""
        return self.application

    @property
    def amendment_id(self) -> int | None:
        return None

    @property
    def route(self) -> str:
        """The route through the stages (an amendment always takes the standard one)."""
        return STANDARD

    def facts(self):
        """What routing knows of the case: the application's active bookings."""
        return facts_for(self.application)

    def reviews(self) -> list[ReviewTask]:
        """The case's own reviews (an amendment's are not the application's)."""
        own = ReviewTask.amendment_id.is_(None) if self.amendment_id is None else ReviewTask.amendment_id == self.amendment_id
        query = select(ReviewTask).where(ReviewTask.application_id == self.application.id, own).order_by(ReviewTask.id)
        return list(db.session.execute(query).scalars())

    def approve(self, now: dt.datetime) -> None:
        """The final decision approved: the record is approved."""
        move(self, "approve", Role.SYSTEM)
        self.record.decided_at = now
        self.approved(now)

    # What an outcome means: nothing more by default.
    def parallel_opened(self, now: dt.datetime) -> None:
        pass

    def final_opened(self, flagged: bool, reviews: list[ReviewTask]) -> None:
        pass

    def returned_to_parallel(self) -> None:
        pass

    def rejected(self, rejecting: ReviewTask | None) -> None:
        pass

    def approved(self, now: dt.datetime) -> None:
        pass

    def lapsed(self, review: ReviewTask, now: dt.datetime) -> None:
        pass


class ApplicationCase(Case):
    """The application itself: approval issues the permit."""

    @property
    def route(self) -> str:
        return self.application.route or STANDARD

    def parallel_opened(self, now: dt.datetime) -> None:
        """The screening accepted (on the fast track: it was filed)."""
        ledger.invoice_when(self.application, "screening_accepted", now)

    def approve(self, now: dt.datetime) -> None:
        """With a balance due the permit waits for the payment (the process's
        money policy); otherwise it is issued now."""
        application = self.application
        balance = ledger.balance_of(application) if ledger.policy_of(application) is not None else ZERO
        if balance <= 0:
            super().approve(now)
            return
        move(self, "await_payment", Role.SYSTEM)
        application.decided_at = now
        application.needs_ministry_decision = False
        day = ledger.schedule_lapse(application, now)
        invoice = ledger.fee_invoice(application.id)
        context = notify.base_context(application)
        context.update({"balance": str(balance), "due_iso": day.isoformat(),
                        "payment_reference": invoice.reference if invoice is not None else ""})
        notify.tell_producers(application, "application_approved_awaiting_payment", f"awaiting-payment:{application.id}", context)

    def final_opened(self, flagged: bool, reviews: list[ReviewTask]) -> None:
        application = self.application
        application.needs_ministry_decision = flagged
        if flagged:
            notify.tell_producers(application, "site_decision_needed", f"site-decision:{application.id}:{len(reviews)}")

    def returned_to_parallel(self) -> None:
        self.application.needs_ministry_decision = False

    def rejected(self, rejecting: ReviewTask | None) -> None:
        application = self.application
        at_screening = rejecting is not None and definition_of(application).stage_of(rejecting.kind) == "screening"
        ledger.close_account(application, RefundStage.BEFORE_SCREENING if at_screening else RefundStage.DECIDED)
        context = notify.base_context(application)
        context["reason"] = rejecting.reason if rejecting is not None else ""
        notify.tell_producers(application, "application_rejected", f"rejected:{application.id}", context)

    def approved(self, now: dt.datetime) -> None:
        application = self.application
        application.needs_ministry_decision = False
        permit_service.issue(application, now)
        notify.tell_producers(application, "application_approved", f"approved:{application.id}")

    def lapsed(self, review: ReviewTask, now: dt.datetime) -> None:
        """The producer did not answer in time: the whole application lapses."""
        application = self.application
        stage = ledger.stage_of(application)
        close(self, now, "application lapsed")
        ledger.close_account(application, stage, now)
        notify.tell_producers(application, "application_lapsed", f"lapsed:{application.id}",
                              also=notify.staff_of(review.organisation_id))


class AmendmentCase(Case):
    """An amendment of an approved permit: approval adds a rider to the
    permit; a refusal or a lapse leaves the permit as it was."""

    subject = "amendment"
    not_possible = _l("This is not possible at this stage of the amendment.")
    refused_site = _l("A site of this amendment was refused. Refuse the amendment.")
    rejected_reason = "amendment refused"

    def __init__(self, application: Application, amendment: Amendment) -> None:
        super().__init__(application)
        self.amendment = amendment

    @classmethod
    def open_of(cls, application: Application) -> AmendmentCase | None:
        """The amendment of the application now being reviewed, if any."""
        amendment = db.session.execute(
            select(Amendment)
            .where(Amendment.application_id == application.id, Amendment.state.in_(state_values(RUNNING_AMENDMENT_STATES)))
            .order_by(Amendment.id)
            .limit(1)
        ).scalar_one_or_none()
        return cls(application, amendment) if amendment is not None else None

    @property
    def record(self):
        return self.amendment

    @property
    def amendment_id(self) -> int | None:
        return self.amendment.id

    def facts(self):
        """The amendment's own bookings (inactive until it is approved)."""
        bookings = db.session.execute(select(Booking).where(Booking.amendment_id == self.amendment.id)).scalars()
        return facts_for(self.application, list(bookings))

    def rejected(self, rejecting: ReviewTask | None) -> None:
        application = self.application
        context = notify.base_context(application)
        context.update({"summary": self.amendment.summary, "amendment_id": self.amendment.id, "reason": rejecting.reason if rejecting is not None else ""})
        notify.tell_producers(application, "amendment_refused", f"amendment-refused:{self.amendment.id}", context)

    def approved(self, now: dt.datetime) -> None:
        application = self.application
        before = [b for b in application.bookings if b.active]
        added = list(db.session.execute(select(Booking).where(Booking.amendment_id == self.amendment.id)).scalars())
        with summaries.counting(application):
            for booking in added:
                booking.active = True
            db.session.flush()
        db.session.refresh(application)
        # Added days or sites are invoiced: the difference only.
        ledger.supplementary_invoice(application, self.amendment, before, before + added, now)
        version = permit_service.add_rider(application, self.amendment, now)
        context = notify.base_context(application)
        context.update({"summary": self.amendment.summary, "amendment_id": self.amendment.id, "version": version.version})
        notify.tell_producers(application, "amendment_approved", f"amendment-approved:{self.amendment.id}", context)

    def lapsed(self, review: ReviewTask, now: dt.datetime) -> None:
        """Only the amendment is refused; the permit stays."""
        close(self, now, "information not provided in time")


def case_of(review: ReviewTask) -> Case:
    """The case a review belongs to (its application, or one of its amendments)."""
    application = review.application
    if review.amendment_id is None:
        return ApplicationCase(application)
    return AmendmentCase(application, lock_row(db.session, Amendment, review.amendment_id))


# ----------------------------------------------------------------------------- moving a case and its reviews


def move(case: Case, action: str, role: Role, actor: User | None = None, *, org_kind: str | None = None,
         payload: dict | None = None, organisation_id: int | None = None) -> None:
    """Apply an action of the application life cycle to the case, audited."""
    record = case.record
    defn = definition_of(case.application)
    before = record.state
    # The application's state is counted (an amendment's is not: its bookings are, when it is approved).
    with summaries.counting(case.application) if record is case.application else nullcontext():
        try:
            record.state = defn.apply_application_action(record.state, action, role, org_kind).value
        except TransitionNotAllowed as refusal:
            raise WorkflowRefused(f"{case.not_possible} ({refusal.message})") from None
    record_event(
        case.application,
        actor=actor,
        actor_role=role,
        subject=case.subject,
        action=action,
        from_state=before,
        to_state=record.state,
        organisation_id=organisation_id,
        amendment_id=case.amendment_id,
        payload=payload,
    )


def record_step(case: Case, action: str, role: Role, actor: User | None, *, payload: dict | None = None,
                organisation_id: int | None = None) -> None:
    """Audit a step that changes the case without moving it (sites dropped or replaced)."""
    state = case.record.state
    record_event(case.application, actor=actor, actor_role=role, subject=case.subject, action=action, from_state=state,
                 to_state=state, organisation_id=organisation_id, amendment_id=case.amendment_id, payload=payload)


def move_review(review: ReviewTask, action: str, role: Role, actor: User | None = None, *, payload=None) -> None:
    """Apply an action of the review life cycle, audited."""
    defn = definition_of(review.application)
    before = review.state
    try:
        review.state = defn.apply_review_action(review.kind, review.state, action, role).value
    except TransitionNotAllowed as refusal:
        raise WorkflowRefused(_("This is not possible at this stage of the review.") + f" ({refusal.message})") from None
    if before in turnaround.DECIDED_STATES and review.state not in turnaround.DECIDED_STATES:
        turnaround.forget(review)  # a decision undone (a refused site's review dropped, a review reopened)
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


def open_review(case: Case, required: RequiredReview, now: dt.datetime, *, flagged: bool = False,
                facts=None) -> ReviewTask:
    """Open one required review of a case: its SLA clock and deadlines, its
    audit event, and its organisation told (``facts``: the case's, when the
    caller already has them)."""
    application = case.application
    organisation = organisation_for(required)
    review = ReviewTask(
        application_id=application.id,
        amendment_id=case.amendment_id,
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
    if case.amendment_id is not None:
        payload["amendment"] = case.amendment_id
    record_event(
        application,
        actor=None,
        actor_role=Role.SYSTEM,
        subject="review",
        action="open",
        from_state=None,
        to_state=review.state,
        review=review,
        amendment_id=case.amendment_id,
        payload=payload,
    )
    if not _approve_under_standing_consent(case, review, now, facts):
        notify.tell_reviewers(notify.staff_of(organisation.id), review, "review_opened", f"review-opened:{review.id}")
    return review


def _approve_under_standing_consent(case: Case, review: ReviewTask, now: dt.datetime, facts=None) -> bool:
    """An owner's review that the owner's standing consent covers is approved
    by the system as it opens, recorded with the consent's rules version."""
    defn = definition_of(case.application)
    if not defn.review_kind(review.kind).approved_by_standing_consent:
        return False
    facts = (facts or case.facts()).of_owner(str(review.organisation_id))
    if not consent_covers(facts):
        return False
    sites = [
        {"site": booking.location_id, "rules_version": booking.consent.rules_version}
        for booking in facts.bookings
    ]
    move_review(review, "approve_by_consent", Role.SYSTEM, payload={"standing_consent": sites})
    review.decided_at = now
    review.conditions = []
    clock.stop_clock(review)
    turnaround.record(review)
    _producer_decision_notice(review, "approve_by_consent", "")
    return True


def cancel_review(review: ReviewTask, actor: User | None = None, reason: str = "") -> None:
    move_review(review, "cancel", Role.SYSTEM, actor, payload={"reason": reason} if reason else None)
    clock.stop_clock(review)


def close(case: Case, now: dt.datetime, reason: str, *, payload: dict | None = None) -> None:
    """End a case that cannot go on (it lapses): its open reviews are cancelled."""
    for review in case.reviews():
        if review.is_open:
            cancel_review(review, reason=reason)
    move(case, "lapse", Role.SYSTEM, payload=payload)
    case.record.decided_at = now


def _producer_decision_notice(review: ReviewTask, action: str, details: str) -> None:
    application = review.application
    context = notify.review_context(review)
    context.update({"decision_code": action, "details": details})
    notify.tell_producers(application, "review_decided", f"review-decided:{review.id}:{review.version}:{action}", context)


# ----------------------------------------------------------------------------- the join


def advance(case: Case, now: dt.datetime | None = None, actor: User | None = None) -> list[Step]:
    """Perform what the definition says happens next to the case, until nothing does.

    Must run under the application's row lock: the join (all parallel reviews
    decided -> final review) then happens exactly once.
    """
    now = now or now_utc()
    defn = definition_of(case.application)
    performed: list[Step] = []
    for _attempt in range(10):  # each step changes the state or the reviews; 10 is far above any real chain
        reviews = case.reviews()
        step = next_step(defn, case.record.state, snapshots(defn, reviews), case.route)
        if step is Step.NONE:
            return performed
        performed.append(step)
        _perform(case, step, reviews, now)
        db.session.flush()
    raise RuntimeError(f"the process did not settle for {case.subject} {case.record.id}")


def _perform(case: Case, step: Step, reviews: list[ReviewTask], now: dt.datetime) -> None:
    defn = definition_of(case.application)
    if step is Step.OPEN_SCREENING:
        for required in reviews_for_step(defn, step, case.facts(), case.route):
            open_review(case, required, now)
    elif step is Step.OPEN_PARALLEL:
        move(case, "start_review", Role.SYSTEM)
        facts = case.facts()  # once for the step: routing and the owners' standing consent read the same facts
        for required in reviews_for_step(defn, step, facts, case.route):
            open_review(case, required, now, facts=facts)
        case.parallel_opened(now)
    elif step in (Step.OPEN_FINAL, Step.MINISTRY_DECIDES_REJECTION):
        flagged = step.flags_final_review
        move(case, "open_final", Role.SYSTEM, payload={"flagged": flagged} if flagged else None)
        for required in reviews_for_step(defn, step, case.facts(), case.route):
            open_review(case, required, now, flagged=flagged)
        case.final_opened(flagged, reviews)
    elif step is Step.RETURN_TO_PARALLEL:
        for review in reviews:
            if defn.stage_of(review.kind) == "final" and review.is_open:
                cancel_review(review, reason="returned to the parallel reviews")
        case.returned_to_parallel()
        move(case, "return_to_parallel", Role.SYSTEM)
    elif step is Step.REJECT:
        for review in reviews:
            if review.is_open:
                cancel_review(review, reason=case.rejected_reason)
        rejecting = next((r for r in reversed(reviews) if r.state == ReviewState.REJECTED.value), None)
        move(case, "reject", Role.SYSTEM)
        case.record.decided_at = now
        case.rejected(rejecting)
    elif step is Step.APPROVE:
        case.approve(now)


# ----------------------------------------------------------------------------- producer verbs


def submit(application: Application, actor: User, expected_version: int | None = None, now: dt.datetime | None = None) -> Application:
    """File a complete draft: it gets a reference and the screening opens."""
    now = now or now_utc()
    application = lock_application(application.id)
    role = producer_role(actor, application)
    check_version(application, expected_version)
    if not [b for b in application.bookings if b.active]:
        raise ServiceError(_("Add at least one filming site and dates before submitting."))
    try:  # refused before anything changes (the version it would start on is not written yet)
        get_definition(CURRENT_VERSION).apply_application_action(application.state, "submit", role)
    except TransitionNotAllowed as refusal:
        raise WorkflowRefused(f"{ApplicationCase.not_possible} ({refusal.message})") from None
    application.definition_version = CURRENT_VERSION
    defn = definition_of(application)
    facts = facts_for(application)
    # Fixed when filed: a simple shoot at sites under standing consent takes the fast track.
    application.route = route_for(defn, facts)
    case = ApplicationCase(application)
    move(case, "submit", role, actor, payload={"route": application.route} if application.route != STANDARD else None)
    with summaries.counting(application):  # counted from now on, in the month it is filed
        application.submitted_at = now
    application.reference = f"AZF-{calendar().local_date(now).year}-{application.id:06d}"
    application.impact_tier = impact_tier_for(facts).value
    application.fee_total = quote_for(application).total
    context = notify.base_context(application)
    # The first stage's time: screening, or on the fast track the one decision.
    context["days"] = defn.stage_sla_business_days("screening", application.route) or defn.stage_sla_business_days(
        "final", application.route)
    event = "application_received_fast_track" if application.route == FAST_TRACK else "application_received"
    notify.tell_producers(application, event, f"received:{application.id}", context)
    ledger.invoice_when(application, "submitted", now)
    advance(case, now, actor)
    return application


def withdraw(application: Application, actor: User, expected_version: int | None = None, reason: str = "", now=None) -> Application:
    now = now or now_utc()
    application = lock_application(application.id)
    role = producer_role(actor, application)
    check_version(application, expected_version)
    case = ApplicationCase(application)
    open_reviews = [r for r in case.reviews() if r.is_open]
    stage = ledger.stage_of(application)
    move(case, "withdraw", role, actor, payload={"reason": reason[:MAX_TEXT]} if reason else None)
    application.decided_at = now
    for review in open_reviews:
        cancel_review(review, reason="application withdrawn")
    ledger.close_account(application, stage, now)
    staff = [user for review in open_reviews for user in notify.staff_of(review.organisation_id)]
    notify.tell_producers(application, "application_withdrawn", f"withdrawn:{application.id}", also=staff)
    return application


def provide_information(review: ReviewTask, actor: User, body: str, expected_version: int | None = None, now=None) -> Message:
    """The producer answers a request for information; the review resumes."""
    now = now or now_utc()
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Write your answer before sending it."), field="body")
    application = lock_application(review.application_id)
    review = lock_review(review.id)
    role = producer_role(actor, application)
    check_version(review, expected_version)
    move_review(review, "provide_information", role, actor)
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
    notify.tell_reviewers(notify.reviewers_of(review), review, "information_provided", f"info-provided:{message.id}")
    return message


# ----------------------------------------------------------------------------- reviewer verbs


def claim(review: ReviewTask, actor: User, expected_version: int | None = None) -> ReviewTask:
    """Take a pending review: it is assigned to the actor and in review."""
    review = lock_review(review.id)
    role = review_role(actor, review)
    check_version(review, expected_version)
    move_review(review, "claim", role, actor)
    review.assignee_id = actor.id
    return review


def release(review: ReviewTask, actor: User, expected_version: int | None = None) -> ReviewTask:
    review = lock_review(review.id)
    role = review_role(actor, review)
    check_version(review, expected_version)
    move_review(review, "release", role, actor)
    review.assignee_id = None
    return review


def assign(review: ReviewTask, actor: User, assignee: User | None, expected_version: int | None = None) -> ReviewTask:
    """A supervisor assigns (or reassigns) a review within the organisation."""
    review = lock_review(review.id)
    role = review_role(actor, review)
    if role not in (Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDenied(_("Only a supervisor can assign reviews."))
    check_version(review, expected_version)
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

    application = lock_application(review.application_id)
    review = lock_review(review.id)
    role = review_role(actor, review)
    check_version(review, expected_version)
    defn = definition_of(application)
    case = case_of(review)

    approving_final = defn.stage_of(review.kind) == "final" and action in ("approve", "approve_with_conditions")
    # The ministry cannot approve over a refused site (of the application, or of the amendment).
    if approving_final and final_approval_blockers(defn, snapshots(defn, case.reviews())):
        raise WorkflowRefused(str(case.refused_site))
    if defn.stage_of(review.kind) == "final" and action == "request_information" and application.needs_ministry_decision:
        raise WorkflowRefused(_("To change a refused site, use “drop the refused site” instead."))

    move_review(review, action, role, actor, payload={"conditions": conditions, "reason": reason} if (conditions or reason) else None)
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
        notify.tell_producers(application, "information_requested", f"info-requested:{message.id}", context)
        return review

    review.decided_at = now
    review.decided_by_id = actor.id
    review.conditions = conditions if action == "approve_with_conditions" else []
    review.reason = reason
    clock.stop_clock(review)
    turnaround.record(review)
    details = "; ".join(conditions) if conditions else reason
    _producer_decision_notice(review, action, details)
    advance(case, now, actor)
    return review


def refused_site_reviews(application: Application) -> list[ReviewTask]:
    """The refusals of the application's sites that a site change can cure
    (the definition says which kinds): dropping or replacing those sites."""
    defn = definition_of(application)
    return [
        r for r in ApplicationCase(application).reviews()
        if r.state == ReviewState.REJECTED.value and defn.cured_by_site_change(r.kind)
    ]


def drop_refused_reviews(application: Application, actor: User | None, *, payload: dict | None) -> list[str]:
    """Take the sites of every refusing site owner out of the application and
    drop their reviews (the ministry drops them, or the producer replaces
    them); returns the dropped sites' names."""
    refused = refused_site_reviews(application)
    dropped = []
    with summaries.counting(application):
        for review in refused:
            for booking in application.bookings:
                if booking.active and booking.location.owner_organisation_id == review.organisation_id:
                    booking.active = False
                    dropped.append(booking.location.name_en)
            move_review(review, "drop", Role.SYSTEM, actor, payload=payload)
    return dropped


def drop_refused_sites(final_review: ReviewTask, actor: User, expected_version: int | None = None, note: str = "", now=None) -> Application:
    """The ministry keeps the application without the refused site(s): their
    bookings are removed and the refused reviews are dropped; the final
    review then decides on what remains."""
    now = now or now_utc()
    application = lock_application(final_review.application_id)
    final_review = lock_review(final_review.id)
    role = review_role(actor, final_review)
    check_version(final_review, expected_version)
    defn = definition_of(application)
    if defn.stage_of(final_review.kind) != "final" or not final_review.is_open or not application.needs_ministry_decision:
        raise WorkflowRefused(_("There is no refused site to drop."))
    if role not in (Role.REVIEWER, Role.SUPERVISOR):
        raise PermissionDenied(_("Only the film commission's reviewers can do this."))
    dropped_sites = drop_refused_reviews(application, actor, payload={"note": note[:MAX_TEXT]} if note else None)
    if not [b for b in application.bookings if b.active]:
        raise WorkflowRefused(_("Every site of this application was refused; reject the application instead."))
    application.needs_ministry_decision = False
    final_review.flagged = False
    case = ApplicationCase(application)
    record_step(case, "drop_sites", role, actor, payload={"sites": dropped_sites}, organisation_id=final_review.organisation_id)
    ledger.reprice(application, now)
    advance(case, now, actor)
    return application


def revoke(application: Application, actor: User, reason: str, expected_version: int | None = None, now=None) -> Application:
    now = now or now_utc()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for revoking the permit."), field="reason")
    application = lock_application(application.id)
    check_version(application, expected_version)
    membership = actor.membership if actor is not None else None
    if actor is not None and actor.is_platform_admin:
        role, org_kind, organisation_id = Role.PLATFORM_ADMIN, None, None
    elif membership is not None:
        role, org_kind, organisation_id = Role(membership.role), membership.organisation.kind, membership.organisation_id
    else:
        raise PermissionDenied(_("Only the film commission can revoke a permit."))
    move(ApplicationCase(application), "revoke", role, actor, org_kind=org_kind, payload={"reason": reason[:MAX_TEXT]},
         organisation_id=organisation_id)
    permit_service.mark_revoked(application, reason, now)
    _close_open_amendment(application, now, "permit revoked")
    return application


# ----------------------------------------------------------------------------- system verbs (the sweep)


def lapse(review: ReviewTask, now=None) -> Application:
    """The producer did not answer in time: the application lapses (an
    amendment's question: only the amendment, and the permit stays)."""
    now = now or now_utc()
    application = lock_application(review.application_id)
    review = lock_review(review.id)
    if review.state != ReviewState.INFO_REQUESTED.value:
        return application
    case = case_of(review)
    move_review(review, "lapse", Role.SYSTEM, None)
    clock.stop_clock(review)
    case.lapsed(review, now)
    return application


def expire(application: Application, now=None) -> Application:
    now = now or now_utc()
    application = lock_application(application.id)
    if application.state != ApplicationState.APPROVED.value:
        return application
    move(ApplicationCase(application), "expire", Role.SYSTEM)
    permit_service.mark_expired(application, now)
    _close_open_amendment(application, now, "permit expired")
    return application


def expire_all(application_ids, now=None) -> list[int]:
    """:func:`expire` for many applications in a few statements (the sweep's
    batches): the approved ones are locked in one query, in id order, and
    expire with their permits. Returns the ids it did not handle because an
    amendment is under review (the caller expires those one by one)."""
    now = now or now_utc()
    ids = sorted(set(application_ids))
    if not ids:
        return []
    applications = list(db.session.execute(
        locked(select(Application).where(Application.id.in_(ids)).order_by(Application.id), db.session)
        .execution_options(populate_existing=True)
    ).scalars())
    approved = [a for a in applications if a.state == ApplicationState.APPROVED.value]
    if not approved:
        return []
    approved_ids = [a.id for a in approved]
    amended = set(db.session.execute(
        select(Amendment.application_id).where(Amendment.application_id.in_(approved_ids),
                                               Amendment.state.in_(state_values(RUNNING_AMENDMENT_STATES)))
    ).scalars())
    expiring = [a for a in approved if a.id not in amended]
    # What move() and permit_service.mark_expired do for each, in one UPDATE
    # per table (and the audit events in one INSERT).
    events, by_state, after_of = [], {}, {}
    for application in expiring:
        before = application.state
        try:
            after = definition_of(application).apply_application_action(before, "expire", Role.SYSTEM, None).value
        except TransitionNotAllowed as refusal:
            raise WorkflowRefused(f"{ApplicationCase.not_possible} ({refusal.message})") from None
        events.append(event_values(application, actor=None, actor_role=Role.SYSTEM, subject=ApplicationCase.subject,
                                   action="expire", from_state=before, to_state=after))
        by_state.setdefault(after, []).append(application.id)
        after_of[application.id] = after
    # What move() counts for one application, for the batch: the applications whose counters
    # the new state changes (none, while expired counts as approved) are counted around the UPDATE.
    changing = [a for a in expiring if not summaries.counted_alike(a.state, after_of[a.id])]
    with summaries.counting_all(changing):
        for after, expired_ids in by_state.items():
            db.session.execute(
                update(Application).where(Application.id.in_(expired_ids))
                .values(state=after, version=Application.version + 1).execution_options(synchronize_session=False)
            )
        if expiring:
            record_events(events)
            db.session.execute(
                update(Permit).where(Permit.application_id.in_([a.id for a in expiring]))
                .values(status="expired").execution_options(synchronize_session=False)
            )
        for application in expiring:
            db.session.expire(application)
    return sorted(amended)


def settle(application: Application, now=None) -> Application:
    """The balance of an approved application reached zero (a payment, a
    waiver): its permit is issued now."""
    now = now or now_utc()
    application = lock_application(application.id)
    if application.state != ApplicationState.AWAITING_PAYMENT.value or ledger.balance_of(application) > 0:
        return application
    move(ApplicationCase(application), "settle", Role.SYSTEM)
    ledger.cancel_payment_deadlines(application)
    permit_service.issue(application, now)
    notify.tell_producers(application, "application_approved", f"approved:{application.id}")
    return application


def lapse_unpaid(application: Application, now=None) -> Application:
    """Approved, and still not paid after the due date: the application lapses."""
    now = now or now_utc()
    application = lock_application(application.id)
    if application.state != ApplicationState.AWAITING_PAYMENT.value or ledger.balance_of(application) <= 0:
        return application
    stage = ledger.stage_of(application)
    move(ApplicationCase(application), "lapse", Role.SYSTEM, payload={"reason": "unpaid"})
    ledger.close_account(application, stage, now)
    notify.tell_producers(application, "application_lapsed_unpaid", f"lapsed-unpaid:{application.id}")
    return application


# ----------------------------------------------------------------------------- many lapses at once (the sweep)


def lapse_all(review_ids, now=None, told: notify.BulkTell | None = None) -> list[int]:
    """:func:`lapse` for many reviews in a few statements (the sweep's
    batches): their applications are locked in one query, in id order, then
    the applications' reviews, and each review still waiting on the producer
    lapses as :func:`lapse` lapses it - the application's other open reviews
    cancelled, the application lapsed, its account closed, the same events,
    cancelled deadlines and ledger entries, and the same people told (into
    ``told``, which the caller writes; by default written here). Reviews are
    taken in the order given, so that a second lapse of an application that
    the first closed does nothing, as one at a time. Returns the ids of the
    reviews it left because they belong to an amendment (the caller lapses
    those one by one)."""
    now = now or now_utc()
    ids = list(dict.fromkeys(i for i in review_ids if i is not None))
    if not ids:
        return []
    applications = _lock_all(select(ReviewTask.application_id).where(ReviewTask.id.in_(ids)))
    reviews = list(db.session.execute(
        locked(select(ReviewTask).where(ReviewTask.application_id.in_(list(applications))).order_by(ReviewTask.id), db.session)
        .execution_options(populate_existing=True)
    ).scalars())
    by_id = {review.id: review for review in reviews}
    of_application: dict[int, list[ReviewTask]] = {}
    for review in reviews:  # the case's own reviews (ApplicationCase.reviews), in id order
        if review.amendment_id is None:
            of_application.setdefault(review.application_id, []).append(review)
    writes = _Lapses(applications, reviews, now, told)
    left = []
    for review_id in ids:
        review = by_id.get(review_id)
        if review is None:
            continue
        if review.amendment_id is not None:
            left.append(review_id)
            continue
        if writes.review_state[review.id] != ReviewState.INFO_REQUESTED.value:
            continue
        application = applications[review.application_id]
        # lapse(): the review lapses, its clock stops; ApplicationCase.lapsed(): the case closes.
        stage = ledger.stage_for(writes.state[application.id])
        writes.move_review(review, "lapse")
        for other in of_application[application.id]:  # close(): the case's open reviews are cancelled
            if writes.is_open(other):
                writes.move_review(other, "cancel", payload={"reason": "application lapsed"})
        writes.move(application, "lapse")
        writes.decided_at[application.id] = now
        writes.close_account(application, stage)
        writes.told.tell_producers(application, "application_lapsed", f"lapsed:{application.id}",
                                   also=writes.told.staff_of(review.organisation_id))
    writes.write()
    return left


def lapse_unpaid_all(application_ids, now=None, told: notify.BulkTell | None = None) -> None:
    """:func:`lapse_unpaid` for many applications in a few statements (the
    sweep's batches): locked in one query, in id order; those still awaiting
    payment with a balance due lapse with the same event, ledger entries,
    cancelled deadlines and notices (into ``told``, as :func:`lapse_all`)."""
    now = now or now_utc()
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        return
    applications = _lock_all(ids)
    writes = _Lapses(applications, [], now, told)
    for application_id in ids:
        application = applications.get(application_id)
        if application is None or writes.state[application.id] != ApplicationState.AWAITING_PAYMENT.value:
            continue
        if ledger.balance_in(writes.entries[application.id]) <= 0:
            continue
        stage = ledger.stage_for(writes.state[application.id])
        writes.move(application, "lapse", payload={"reason": "unpaid"})
        writes.close_account(application, stage)
        writes.told.tell_producers(application, "application_lapsed_unpaid", f"lapsed-unpaid:{application.id}")
    writes.write()


def _lock_all(ids) -> dict[int, Application]:
    """The applications of ``ids`` (a list, or a subquery of ids) under row locks, taken in id order."""
    query = locked(select(Application).where(Application.id.in_(ids)).order_by(Application.id), db.session)
    rows = db.session.execute(query.execution_options(populate_existing=True)).scalars()
    return {application.id: application for application in rows}


class _Lapses:
    """What the lapse verbs do to many applications, kept as values while the
    definition is asked (each transition as :func:`move` and :func:`move_review`
    apply it) and written by :meth:`write` in one statement per table: the
    reviews, the deadlines cancelled, the ledger entries, the applications,
    the events; the notices go to ``told``."""

    def __init__(self, applications: dict[int, Application], reviews: list[ReviewTask], now: dt.datetime,
                 told: notify.BulkTell | None) -> None:
        self.applications, self.reviews, self.now = applications, reviews, now
        self.own_told = told is None
        self.told = notify.BulkTell() if told is None else told
        self.state = {application.id: application.state for application in applications.values()}
        self.review_state = {review.id: review.state for review in reviews}
        self.decided_at: dict[int, dt.datetime] = {}
        self.moved: set[int] = set()
        self.moved_reviews: set[int] = set()
        self.stopped: set[int] = set()  # reviews whose clock stops: their pending deadlines are cancelled
        self.closed: set[int] = set()  # applications whose payment deadlines are cancelled
        self.events: list[dict] = []
        self.new_entries: list[dict] = []
        self.balance_change: dict[int, Decimal] = {}
        self.entries = ledger.entries_of_all(list(applications))
        self.told.load_producers({application.company_id for application in applications.values()})
        if reviews:
            self.told.load_staff({review.organisation_id for review in reviews})

    def is_open(self, review: ReviewTask) -> bool:
        return self.review_state[review.id] in state_values(OPEN_REVIEW_STATES)

    def move(self, application: Application, action: str, payload: dict | None = None) -> None:
        before = self.state[application.id]
        try:
            after = definition_of(application).apply_application_action(before, action, Role.SYSTEM, None).value
        except TransitionNotAllowed as refusal:
            raise WorkflowRefused(f"{ApplicationCase.not_possible} ({refusal.message})") from None
        self.state[application.id] = after
        self.moved.add(application.id)
        self.events.append(event_values(application, actor=None, actor_role=Role.SYSTEM, subject=ApplicationCase.subject,
                                        action=action, from_state=before, to_state=after, payload=payload))

    def move_review(self, review: ReviewTask, action: str, payload: dict | None = None) -> None:
        """:func:`move_review` by the system, and the review's clock stopped.
        (Only open reviews move here, so no decision is undone.)"""
        application = self.applications[review.application_id]
        before = self.review_state[review.id]
        try:
            after = definition_of(application).apply_review_action(review.kind, before, action, Role.SYSTEM).value
        except TransitionNotAllowed as refusal:
            raise WorkflowRefused(_("This is not possible at this stage of the review.") + f" ({refusal.message})") from None
        self.review_state[review.id] = after
        self.moved_reviews.add(review.id)
        self.stopped.add(review.id)
        self.events.append(event_values(application, actor=None, actor_role=Role.SYSTEM, subject="review", action=action,
                                        from_state=before, to_state=after, review=review, payload=payload))

    def close_account(self, application: Application, stage) -> None:
        """:func:`ledger.close_account`, the application in its new state."""
        self.closed.add(application.id)
        closing = ledger.account_closing(application, self.entries[application.id], stage, self.state[application.id],
                                         self.now)
        if closing.entry is not None:
            self.new_entries.append(closing.entry)
            self.balance_change[application.id] = closing.balance_change
        if closing.event is not None:
            self.events.append(closing.event)

    def write(self) -> None:
        if self.moved_reviews:
            table = ReviewTask.__table__
            db.session.execute(
                update(table).where(table.c.id == bindparam("b_id"))
                .values(state=bindparam("b_state"), version=table.c.version + 1),
                [{"b_id": review_id, "b_state": self.review_state[review_id]} for review_id in sorted(self.moved_reviews)],
            )
        cancelled = []
        if self.stopped:
            cancelled.append(Deadline.review_task_id.in_(sorted(self.stopped)))
        if self.closed:
            cancelled.append(and_(Deadline.application_id.in_(sorted(self.closed)), Deadline.kind.in_(ledger.PAYMENT_DEADLINES)))
        if cancelled:
            db.session.execute(
                update(Deadline).where(Deadline.status == "pending", or_(*cancelled))
                .values(status="cancelled").execution_options(synchronize_session=False)
            )
        if self.new_entries:
            db.session.execute(insert(MoneyEntry).execution_options(render_nulls=True), self.new_entries)
            summaries.count_money_rows(self.new_entries)  # what ledger.add_entry counts for each
        # What move() counts for one application: the statistics of those whose new state counts otherwise,
        # counted around the UPDATE (the rows expired inside, so that the counting reads the new state).
        changing = [self.applications[i] for i in sorted(self.moved)
                    if not summaries.counted_alike(self.applications[i].state, self.state[i])]
        with summaries.counting_all(changing):
            if self.moved:
                table = Application.__table__
                db.session.execute(
                    update(table).where(table.c.id == bindparam("b_id"))
                    .values(state=bindparam("b_state"), decided_at=bindparam("b_decided_at"), version=table.c.version + 1,
                            balance=table.c.balance + bindparam("b_change")),
                    [{"b_id": application_id, "b_state": self.state[application_id],
                      "b_decided_at": self.decided_at.get(application_id, self.applications[application_id].decided_at),
                      "b_change": self.balance_change.get(application_id, ZERO)} for application_id in sorted(self.moved)],
                )
            for application_id in self.moved:
                db.session.expire(self.applications[application_id])
        record_events(self.events)
        for review in self.reviews:
            if review.id in self.moved_reviews:
                db.session.expire(review)
        if self.own_told:
            self.told.write()


def _close_open_amendment(application: Application, now: dt.datetime, reason: str) -> None:
    """A permit that ends takes the amendment under review with it."""
    case = AmendmentCase.open_of(application)
    if case is not None:
        close(case, now, reason, payload={"reason": reason})
