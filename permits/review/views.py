"""The reviewers' dashboard: queues, the review page and its decisions, saved texts, the
commission's list of every application (site owners' tools: permits.sites; statistics:
permits.statistics)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from permits.access import (
    document_for_user_or_404,
    is_ministry,
    ministry_required,
    organisation_ids,
    review_for_staff_or_404,
    staff_can_see_application,
    staff_required,
)
from permits.downloads import send_private_pdf
from permits.errors import refused
from permits.extensions import db
from permits.inputs import optional_id
from permits.labels import (
    ACTIVITIES,
    APPLICATION_STATES,
    DECISIONS,
    PRODUCTION_TYPES,
    REVIEW_STATES,
    STAGE_QUEUES,
    TIERS,
    review_kind_name,
)
from permits.models import (
    Application,
    OrganisationMembership,
    ReviewTask,
    User,
    WorkflowEvent,
)
from permits.review.forms import (
    AssignForm,
    ClaimForm,
    DecisionForm,
    DeleteForm,
    DropSitesForm,
    FilterForm,
    NoteForm,
)
from permits.services import (
    ServiceError,
    applications,
    clock,
    documents,
    money_documents,
    payments,
    queues,
    review_actions,
    reviewer_notes,
    sites,
    workflow,
)
from permits.services.context import calendar, now_utc
from permits.services.permits import producer_language
from permits.storage import storage
from permits.templating import local_datetime
from workflows import current_definition

bp = Blueprint("review", __name__)

DECISION_ACTIONS = review_actions.DECISION_ORDER
INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain")


@bp.app_context_processor
def review_labels():
    return {
        "application_states": APPLICATION_STATES,
        "review_states": REVIEW_STATES,
        "production_types": PRODUCTION_TYPES,
        "activity_names": ACTIVITIES,
        "tiers": TIERS,
        "decision_names": DECISIONS,
        "stage_queue_names": STAGE_QUEUES,
    }


# ----------------------------------------------------------------------------- helpers


def _user() -> User:
    return current_user._get_current_object()


def _is_supervisor_of(organisation_id: int) -> bool:
    return review_actions.is_supervisor(_user(), organisation_id)


def _filters(form: FilterForm) -> queues.Filters:
    if not form.validate():
        # Invalid values are shown next to their fields and ignored.
        for name in ("shoot_from", "shoot_to", "country", "q", "site", "production_type", "tier", "kind", "state"):
            if getattr(form, name).errors:
                getattr(form, name).data = None
    return queues.Filters(
        site=form.site.data or None,
        production_type=form.production_type.data or "",
        tier=form.tier.data or "",
        country=(form.country.data or "").strip(),
        shoot_from=form.shoot_from.data,
        shoot_to=form.shoot_to.data,
        text=(form.q.data or "").strip(),
        kind=form.kind.data or "",
        state=form.state.data or "",
    )


def _stale(review: ReviewTask | None = None):
    return render_template("review/stale.html", review=review), 409


def _refused(error: ServiceError, review: ReviewTask, form=None):
    """A service's refusal on a review page: a stale form gets the review's own 409 page."""
    return refused(error, form, stale=lambda: _stale(review))


def _application_for_staff_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not staff_can_see_application(_user(), application):
        abort(404)
    return application


def _is_final(review: ReviewTask) -> bool:
    return review_actions.is_final(review)


def _decision_actions(review: ReviewTask) -> list[str]:
    """The decisions offered (permits.services.review_actions: the API offers the same)."""
    return review_actions.decision_actions(review, _user())


def _producer_due(review: ReviewTask) -> dt.datetime:
    return review_actions.producer_due(review)


def _assignable(organisation_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(User)
        .join(OrganisationMembership, OrganisationMembership.user_id == User.id)
        .where(
            OrganisationMembership.organisation_id == organisation_id,
            OrganisationMembership.role.in_(("reviewer", "supervisor")),
            User.active.is_(True),
        )
        .order_by(User.name)
    ).scalars()
    return [(user.id, user.name) for user in rows]


# ----------------------------------------------------------------------------- the queues


def _queue_context(scope_org_ids, *, queue: str, title: str, endpoint: str, ministry_panel: bool = False, **extra):
    user = _user()
    ministry = is_ministry(user)
    own_org = user.organisation
    definition = current_definition()
    site_owner = own_org is not None and own_org.kind in definition.site_owner_org_kinds
    # A site owner filters by its own sites; the commission by every site and every kind of review.
    site_filter_org = own_org.id if site_owner and not ministry else None
    form = FilterForm(
        request.args,
        sites=queues.site_choices(site_filter_org),
        kinds=[(k.code, review_kind_name(k.code)) for k in definition.review_kinds] if ministry else [],
    )
    filters = _filters(form)
    try:
        page_size = int(request.args.get("per_page", queues.DEFAULT_PAGE_SIZE))
    except ValueError:
        page_size = queues.DEFAULT_PAGE_SIZE
    page = queues.review_queue(user, queue, scope_org_ids, filters, cursor=request.args.get("after"), page_size=page_size)
    counts = queues.queue_counts(user, scope_org_ids, filters)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "counts": counts,
        "queue": queue,
        "queues": QUEUE_LABELS,
        "title": title,
        "endpoint": endpoint,
        "is_ministry": ministry,
        "is_site_owner": site_owner,
        "commission_queues": definition.commission_kinds("screening", "final"),
        "organisation": own_org,
        "escalations": queues.escalations(limit=5) if ministry_panel else None,
        "args": {k: v for k, v in request.args.items() if k not in ("after", "queue") and v},
    }
    context.update(extra)
    return context


QUEUE_LABELS = {
    "mine": _l("Assigned to me"),
    "unassigned": _l("Unassigned"),
    "open": _l("All open"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "waiting": _l("Waiting on the producer"),
    "decided": _l("Decided"),
}


@bp.route("/")
@staff_required
def queue():
    queue_name = request.args.get("queue", "open")
    if queue_name not in queues.QUEUES:
        queue_name = "open"
    context = _queue_context(
        organisation_ids(current_user),
        queue=queue_name,
        title=_("Review queue"),
        endpoint="review.queue",
        ministry_panel=is_ministry(current_user),
        reconcile=payments.reconcile_counts() if is_ministry(current_user) else None,
        can_view_finance=payments.is_finance_officer(_user()) or payments.is_commission_supervisor(_user()),
    )
    return render_template("review/queue.html", **context)


@bp.route("/escalations")
@ministry_required
def escalations():
    context = _queue_context(None, queue="overdue", title=_("Escalations: overdue reviews everywhere"), endpoint="review.escalations")
    return render_template("review/queue.html", single_queue=True, **context)


# ----------------------------------------------------------------------------- the review page


def _events(application_id: int) -> list[WorkflowEvent]:
    return list(
        db.session.execute(
            select(WorkflowEvent)
            .where(WorkflowEvent.application_id == application_id)
            .options(selectinload(WorkflowEvent.actor), selectinload(WorkflowEvent.organisation),
                     selectinload(WorkflowEvent.review).selectinload(ReviewTask.organisation))
            .order_by(WorkflowEvent.created_at, WorkflowEvent.id)
        ).scalars()
    )


def _booking_calendar(application: Application, today):
    """The application's month grids and, per booking, the other
    productions' bookings at the same site on overlapping days."""
    conflicts = {
        booking.id: applications.conflicts_for(
            booking.location_id, booking.start_date, booking.end_date, exclude_application_id=application.id
        )
        for booking in application.bookings
        if booking.active
    }
    return sites.application_months(application, conflicts, today=today), conflicts


def _review_page(review: ReviewTask, *, status: int = 200, note_form=None, message_form=None, assign_form=None):
    user = _user()
    application = review.application
    own_orgs = organisation_ids(user)
    now = now_utc()
    grids, conflicts = _booking_calendar(application, calendar().local_date(now))
    offer = review_actions.offer(review, user)
    supervisor = _is_supervisor_of(review.organisation_id)
    if assign_form is None and offer.assign:
        assign_form = AssignForm(formdata=None, version=review.version, assignee=review.assignee_id or 0)
    if assign_form is not None:
        assign_form.assignee.choices = [(0, _("Nobody (unassigned)")), *_assignable(review.organisation_id)]
    refused = workflow.refused_site_reviews(application)
    final = _is_final(review)
    return (
        render_template(
            "review/task.html",
            review=review,
            application=application,
            other_reviews=[r for r in application.reviews if r.id != review.id],
            clock=clock.clock_state(review, now),
            grids=grids,
            conflicts=conflicts,
            events=_events(application.id),
            messages=reviewer_notes.messages_for(review, own_orgs),
            can_act=offer.can_act,
            offer=offer,
            supervisor=supervisor,
            claim_form=ClaimForm(formdata=None, version=review.version),
            assign_form=assign_form,
            drop_form=DropSitesForm(formdata=None, version=review.version),
            note_form=note_form or NoteForm(formdata=None),
            message_form=message_form or NoteForm(formdata=None),
            refused=refused,
            final_review=final,
            show_drop=offer.drop_sites,
            ministry_viewer=is_ministry(user),
            decision_actions=list(offer.decisions),
            today=calendar().local_date(now),
            review_documents=documents.documents_for_review(application, review.kind),
            document_kinds=documents.DOCUMENT_KINDS,
        ),
        status,
    )


@bp.route("/tasks/<id:review_id>")
@staff_required
def task(review_id: int):
    review = review_for_staff_or_404(review_id)
    return _review_page(review)


def _review_for_action(review_id: int) -> ReviewTask:
    """A review the user may see (else 404) and whose organisation they belong to (else 403)."""
    review = review_for_staff_or_404(review_id)
    if review.organisation_id not in organisation_ids(current_user):
        abort(403)
    return review


def _overlaps(application: Application) -> list[tuple]:
    """(booking, other booking) for every other production at the same site on
    overlapping days: the review page flags them, and so does the confirm step
    of an approval."""
    _grids, conflicts = _booking_calendar(application, calendar().local_date(now_utc()))
    by_id = {booking.id: booking for booking in application.bookings}
    return [(by_id[booking_id], other) for booking_id, others in conflicts.items() for other in others]


def _confirm(review: ReviewTask, action: str, form, summary: list[tuple[str, str]], *, endpoint: str, endpoint_args=None,
             warning: str | None = None, overlaps: list | None = None):
    return render_template(
        "review/confirm.html",
        review=review,
        application=review.application,
        action=action,
        form=form,
        summary=summary,
        post_url=url_for(endpoint, review_id=review.id, **(endpoint_args or {})),
        warning=warning,
        overlaps=overlaps or [],
    )


@bp.route("/tasks/<id:review_id>/claim", methods=["POST"])
@bp.route("/tasks/<id:review_id>/release", methods=["POST"], endpoint="release")
@staff_required
def claim(review_id: int):
    review = _review_for_action(review_id)
    releasing = request.endpoint == "review.release"
    form = ClaimForm()
    if not form.validate():
        return _stale(review)
    if form.expected_version() != review.version:
        return _stale(review)
    if releasing:
        # Only the reviewer who holds it gives it back (the button's rule, and the API's).
        refusal = review_actions.refusal(review, _user(), "release")
        if refusal is not None:
            return _refused(refusal, review)
    if not form.confirmed:
        title = _("Give the review back to the queue") if releasing else _("Take this review")
        return _confirm(review, title, form, [], endpoint="review.release" if releasing else "review.claim")
    try:
        (workflow.release if releasing else workflow.claim)(review, _user(), expected_version=form.expected_version())
    except ServiceError as error:
        return _refused(error, review)
    db.session.commit()
    flash(_("You gave the review back to the queue.") if releasing else _("The review is yours."), "success")
    return redirect(url_for("review.task", review_id=review.id))


@bp.route("/tasks/<id:review_id>/assign", methods=["POST"])
@staff_required
def assign(review_id: int):
    review = _review_for_action(review_id)
    if not _is_supervisor_of(review.organisation_id):
        abort(403)
    form = AssignForm()
    form.assignee.choices = [(0, _("Nobody (unassigned)")), *_assignable(review.organisation_id)]
    if form.version.data and form.expected_version() != review.version:
        return _stale(review)
    if not form.validate():
        return _review_page(review, status=400, assign_form=form)
    assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
    if not form.confirmed:
        name = assignee.name if assignee else _("Nobody (unassigned)")
        return _confirm(review, _("Assign the review"), form, [(_("Reviewer"), name)], endpoint="review.assign")
    try:
        workflow.assign(review, _user(), assignee, expected_version=form.expected_version())
    except ServiceError as error:
        failure = _refused(error, review, form)
        return failure if failure is not None else _review_page(review, status=400, assign_form=form)
    db.session.commit()
    flash(_("The review is assigned to %(name)s.", name=assignee.name) if assignee else _("The review is unassigned."), "success")
    return redirect(url_for("review.task", review_id=review.id))


def _decision_form(review: ReviewTask, formdata=True) -> DecisionForm:
    form = DecisionForm() if formdata else DecisionForm(formdata=None, version=review.version)
    form.saved_conditions.choices = [(s.id, s.text) for s in reviewer_notes.saved_texts(review.organisation_id, "condition")]
    form.saved_reason.choices = [(None, _("No saved reason"))] + [
        (s.id, s.text[:120]) for s in reviewer_notes.saved_texts(review.organisation_id, "reason")
    ]
    return form


def _decision_title(review: ReviewTask, action: str) -> str:
    if action == "reject" and _is_final(review):
        return _("Reject the application")
    return {
        "approve": _("Approve"),
        "approve_with_conditions": _("Approve with conditions"),
        "request_information": _("Ask the producer for information"),
        "reject": _("Refuse"),
    }[action]


def _validate_decision(form: DecisionForm, action: str, review: ReviewTask) -> bool:
    ok = form.validate()
    typed = [c for c in (form.conditions.data or []) if c and c.strip()]
    if action == "approve_with_conditions" and not typed and not form.saved_conditions.data:
        form.conditions.errors = list(form.conditions.errors or []) if isinstance(form.conditions.errors, list) else []
        form.conditions.errors.append(_("Add at least one condition, or approve without conditions."))
        ok = False
    if action == "reject" and not (form.reason.data or "").strip() and not form.saved_reason.data:
        form.reason.errors.append(_("Give the reason for the refusal; the producer will read it."))
        ok = False
    if action == "request_information" and not (form.reason.data or "").strip():
        form.reason.errors.append(_("Say what information you need."))
        ok = False
    return ok


def _decide_page(review: ReviewTask, action: str, form: DecisionForm, status: int = 200):
    return (
        render_template(
            "review/decide.html",
            review=review,
            application=review.application,
            action=action,
            title=_decision_title(review, action),
            form=form,
            producer_due=_producer_due(review) if action == "request_information" else None,
        ),
        status,
    )


def _posted_version_is_stale(review: ReviewTask) -> bool:
    posted = optional_id(request.form.get("version")) if request.method == "POST" else None
    return posted is not None and posted != review.version


@bp.route("/tasks/<id:review_id>/decide/<action>", methods=["GET", "POST"])
@staff_required
def decide(review_id: int, action: str):
    review = _review_for_action(review_id)
    if action not in DECISION_ACTIONS:
        abort(404)
    if action not in _decision_actions(review):
        # A review that has moved on (decided by a colleague a moment ago, or
        # since this form was loaded) is a 409 that says so, not a 403.
        if not review.is_open or _posted_version_is_stale(review):
            return _stale(review)
        abort(403)
    if request.method == "GET":
        return _decide_page(review, action, _decision_form(review, formdata=False))
    form = _decision_form(review)
    if form.expected_version() is not None and form.expected_version() != review.version:
        return _stale(review)
    if "add_condition" in request.form:
        if len(form.conditions.entries) < form.conditions.max_entries:
            form.conditions.append_entry()
        return _decide_page(review, action, form)
    if not _validate_decision(form, action, review):
        return _decide_page(review, action, form, status=400)
    typed = [c.strip() for c in form.conditions.data if c and c.strip()]
    picked = dict(form.saved_conditions.choices)
    conditions = [picked[i] for i in form.saved_conditions.data or [] if i in picked] + typed
    reason = (form.reason.data or "").strip()
    if not reason and form.saved_reason.data:
        reason = dict(form.saved_reason.choices).get(form.saved_reason.data, "")
    if not form.confirmed:
        summary = [(_("Decision"), _decision_title(review, action))]
        if action == "approve_with_conditions":
            summary += [(_("Condition %(n)d", n=i + 1), text) for i, text in enumerate(conditions)]
        if action in ("reject", "request_information"):
            summary.append((_("What is needed") if action == "request_information" else _("Reason"), reason))
        if action == "request_information":
            summary.append((_("The producer must answer by"), local_datetime(_producer_due(review))))
        warning = None
        if action == "reject" and _is_final(review):
            warning = _("This rejects the whole application. The producer will be told the reason.")
        overlaps = _overlaps(review.application) if action in ("approve", "approve_with_conditions") else []
        return _confirm(review, _decision_title(review, action), form, summary, endpoint="review.decide",
                        endpoint_args={"action": action}, warning=warning, overlaps=overlaps)
    try:
        reviewer_notes.record_decision(
            review,
            _user(),
            action,
            expected_version=form.expected_version(),
            conditions=typed,
            saved_condition_ids=form.saved_conditions.data or [],
            save_conditions=form.save_conditions.data,
            reason=form.reason.data or "",
            saved_reason_id=form.saved_reason.data,
            save_reason=form.save_reason.data,
        )
    except ServiceError as error:
        failure = _refused(error, review, form)
        return failure if failure is not None else _decide_page(review, action, form, status=400)
    db.session.commit()
    flash(_("Your decision is recorded: %(decision)s.", decision=DECISIONS[action]), "success")
    return redirect(url_for("review.task", review_id=review.id))


@bp.route("/tasks/<id:review_id>/drop-sites", methods=["POST"])
@staff_required
def drop_sites(review_id: int):
    review = _review_for_action(review_id)
    form = DropSitesForm()
    if not form.validate() or form.expected_version() != review.version:
        return _stale(review)
    if not form.confirmed:
        refused = [r.organisation.name for r in workflow.refused_site_reviews(review.application)]
        return _confirm(
            review,
            _("Drop the refused sites and continue"),
            form,
            [(_("Refused by"), ", ".join(refused))] + ([(_("Note"), form.note.data)] if form.note.data else []),
            endpoint="review.drop_sites",
        )
    try:
        workflow.drop_refused_sites(review, _user(), expected_version=form.expected_version(), note=form.note.data or "")
    except ServiceError as error:
        return _refused(error, review)
    db.session.commit()
    flash(_("The refused sites were dropped; the application continues without them."), "success")
    return redirect(url_for("review.task", review_id=review.id))


@bp.route("/tasks/<id:review_id>/notes", methods=["POST"])
@bp.route("/tasks/<id:review_id>/messages", methods=["POST"], endpoint="message")
@staff_required
def note(review_id: int):
    review = _review_for_action(review_id)
    to_producer = request.endpoint == "review.message"
    form = NoteForm()
    if not form.validate():
        return _review_page(review, status=400, **({"message_form": form} if to_producer else {"note_form": form}))
    try:
        (reviewer_notes.message_producer if to_producer else reviewer_notes.add_internal_note)(review, _user(), form.body.data)
    except ServiceError as error:
        failure = _refused(error, review, form)
        return failure if failure is not None else _review_page(review, status=400, **({"message_form": form} if to_producer else {"note_form": form}))
    db.session.commit()
    flash(_("Your message was sent to the producer.") if to_producer else _("Your note is saved."), "success")
    return redirect(url_for("review.task", review_id=review.id) + ("#messages" if to_producer else "#notes"))


@bp.route("/saved-texts")
@staff_required
def saved_texts():
    """The organisation's reusable conditions and refusal reasons, to tidy up."""
    organisation = _user().organisation
    return render_template(
        "review/saved_texts.html",
        organisation=organisation,
        conditions=reviewer_notes.saved_texts(organisation.id, "condition"),
        reasons=reviewer_notes.saved_texts(organisation.id, "reason"),
        form=DeleteForm(),
    )


@bp.route("/saved-texts/<id:saved_id>/delete", methods=["POST"])
@staff_required
def delete_saved_text(saved_id: int):
    DeleteForm().validate() or abort(400)
    try:
        reviewer_notes.delete_saved_text(_user(), saved_id)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    flash(_("The saved text was removed."), "success")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/review/") else url_for("review.queue"))


# ----------------------------------------------------------------------------- documents


@bp.route("/applications/<id:application_id>/documents/<id:document_id>")
@staff_required
def document(application_id: int, document_id: int):
    application = _application_for_staff_or_404(application_id)
    doc = document_for_user_or_404(document_id, application)
    inline = request.args.get("inline") == "1" and doc.content_type in INLINE_TYPES
    try:
        stream = storage().open(doc.storage_key)
    except (OSError, ValueError):
        abort(404)
    response = send_file(
        stream,
        mimetype=doc.content_type or "application/octet-stream",
        as_attachment=not inline,
        download_name=documents.download_name(doc),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if inline:
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


# ----------------------------------------------------------------------------- invoices and receipts


@bp.route("/applications/<id:application_id>/invoices/<id:invoice_id>.pdf")
@ministry_required
def invoice_pdf(application_id: int, invoice_id: int):
    """The film commission's staff (its finance officers too): an invoice
    version as the producer received it (in the producer's language)."""
    application = _application_for_staff_or_404(application_id)
    invoice = money_documents.invoice_of_application(application.id, invoice_id)
    if invoice is None:
        abort(404)
    data = money_documents.invoice_pdf(invoice, producer_language(application))
    return send_private_pdf(data, money_documents.invoice_filename(invoice))


@bp.route("/applications/<id:application_id>/receipts/<id:entry_id>.pdf")
@ministry_required
def receipt_pdf(application_id: int, entry_id: int):
    application = _application_for_staff_or_404(application_id)
    entry = money_documents.receipt_of_application(application.id, entry_id)
    if entry is None:
        abort(404)
    return send_private_pdf(money_documents.receipt_pdf(entry, producer_language(application)),
                     money_documents.receipt_filename(entry))


# ----------------------------------------------------------------------------- the ministry's views


@bp.route("/applications")
@ministry_required
def all_applications():
    form = FilterForm(
        request.args,
        sites=queues.site_choices(None),
        states=[(k, v) for k, v in APPLICATION_STATES.items() if k != "draft"],
    )
    filters = _filters(form)
    page = queues.applications_page(filters, cursor=request.args.get("after"))
    return render_template(
        "review/applications.html",
        form=form,
        filters=filters,
        page=page,
        args={k: v for k, v in request.args.items() if k != "after" and v},
        now=now_utc(),
    )


@bp.route("/applications/<id:application_id>")
@ministry_required
def application(application_id: int):
    app_row = db.session.get(Application, application_id)
    if app_row is None or app_row.state == "draft":
        abort(404)
    now = now_utc()
    grids, conflicts = _booking_calendar(app_row, calendar().local_date(now))
    return render_template(
        "review/application.html",
        application=app_row,
        grids=grids,
        conflicts=conflicts,
        events=_events(app_row.id),
        clocks={r.id: clock.clock_state(r, now) for r in app_row.reviews},
        today=calendar().local_date(now),
        review_documents=documents.documents_for_review(app_row),
        document_kinds=documents.DOCUMENT_KINDS,
    )
