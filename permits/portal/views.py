"""The producer portal: drafts, the task list, status pages, the production passport."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from permits.access import (
    application_for_producer_or_404,
    company_ids,
    document_for_user_or_404,
    producer_required,
    staff_can_see_application,
)
from permits.downloads import send_private_pdf
from permits.errors import refused, render_error
from permits.extensions import db, limiter
from permits.models import Application, Booking, Location, Message, ReviewTask, WorkflowEvent
from permits.models.base import current_language
from permits.portal import fees, wording
from permits.portal import forms as f
from permits.services import ServiceError, documents, money_documents, payments, workflow
from permits.services import applications as drafts
from permits.services import home as home_lists
from permits.services.context import calendar, now_utc
from permits.services.quotes import fast_track_reasons, timeline_for
from permits.services.workflow import withdraw as withdraw_application
from workflows import AWAITING_PAYMENT_APPLICATION_STATES, PENDING_DECISION_APPLICATION_STATES, state_values

bp = Blueprint("portal", __name__)


def _upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def _uploader() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


# Every upload route shares one budget per user (a scope, not one per route).
upload_limit = limiter.shared_limit(
    _upload_limit, scope="uploads", key_func=_uploader, methods=["POST"],
    error_message=lambda: _("You have sent many files in a short time. Please wait an hour and try again."),
)

SECTION_TITLES = {
    "company": _l("Company and contacts"),
    "production": _l("Production"),
    "sites": _l("Sites and dates"),
    "activities": _l("Activities and safety"),
    "crew": _l("Crew and equipment"),
    "documents": _l("Documents"),
    "declaration": _l("Declaration"),
}
SECTION_ENDPOINTS = {
    "company": "portal.contacts",
    "production": "portal.production",
    "sites": "portal.sites",
    "activities": "portal.activities",
    "crew": "portal.crew",
    "documents": "portal.documents_section",
    "declaration": "portal.declaration",
}
STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
}
# With the authorities: the producer may withdraw it.
IN_PROGRESS_STATES = state_values(PENDING_DECISION_APPLICATION_STATES)
# Approved, the permit waiting for the fee: the producer has to pay (or may withdraw).
AWAITING_PAYMENT_STATES = state_values(AWAITING_PAYMENT_APPLICATION_STATES)
WITHDRAWABLE_STATES = IN_PROGRESS_STATES + AWAITING_PAYMENT_STATES


@bp.app_context_processor
def portal_helpers():
    return {
        "section_titles": SECTION_TITLES,
        "section_endpoints": SECTION_ENDPOINTS,
        "section_status_labels": STATUS_LABELS,
        "document_kinds": documents.DOCUMENT_KINDS,
    }


# ----------------------------------------------------------------------------- helpers


def _draft_or_redirect(application_id: int):
    """The application if it is still a draft; otherwise a redirect to its status page."""
    application = application_for_producer_or_404(application_id)
    if application.state != "draft":
        flash(_("This application has been submitted and can no longer be changed."), "info")
        return application, redirect(url_for("portal.application", application_id=application.id))
    return application, None


def draft_view(view):
    """A producer's view of one of their drafts: it is given the application;
    a submitted one redirects to its status page (others' drafts are 404)."""

    @wraps(view)
    @producer_required
    def wrapped(application_id: int, **kwargs):
        application, redirect_response = _draft_or_redirect(application_id)
        if redirect_response:
            return redirect_response
        return view(application, **kwargs)

    return wrapped


def _after_section_save(application: Application, complete: bool):
    db.session.commit()
    if complete:
        flash(_("Section saved and marked as completed."), "success")
    else:
        flash(_("Section saved. You can come back to it at any time."), "success")
    return redirect(url_for("portal.application", application_id=application.id))


def _timeline_context(application: Application) -> dict:
    if not [b for b in application.bookings if b.active]:
        return {"timeline": None, "timeline_reviews": [], "fast_track_reasons": [], "warnings": []}
    timeline = timeline_for(application)
    return {
        "timeline": timeline,
        "timeline_reviews": drafts.review_organisations(timeline.reviews, timeline.route,
                                                        [fee.location for fee in timeline.site_fees]),
        "fast_track_reasons": fast_track_reasons(timeline),
        "warnings": drafts.booking_warnings(application),
    }


# ----------------------------------------------------------------------------- home


GROUP_TITLES = {
    "needs-action": _l("Needs your action"),
    "in-progress": _l("In progress"),
    "decided": _l("Decided"),
}


@bp.route("/")
@producer_required
def home():
    """The company's applications in three groups, a page of each; ``show``
    pages through one group (``after``: older, ``before``: newer)."""
    mine = company_ids(current_user)
    show = request.args.get("show")
    if show in home_lists.GROUPS:
        groups = [home_lists.group(mine, show, after=request.args.get("after"), before=request.args.get("before"))]
    else:
        show = None
        groups = [home_lists.group(mine, key) for key in home_lists.GROUPS]
    return render_template(
        "portal/home.html", groups=groups, group_titles=GROUP_TITLES, show=show, form=f.EmptyForm(),
        empty=show is None and not any(g.rows for g in groups),
    )


@bp.route("/new", methods=["POST"])
@producer_required
def new():
    form = f.EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        application = drafts.create_draft(current_user)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    return redirect(url_for("portal.application", application_id=application.id))


# ----------------------------------------------------------------------------- the application page


@bp.route("/<id:application_id>")
@producer_required
def application(application_id: int):
    application = application_for_producer_or_404(application_id)
    if application.state == "draft":
        return _task_list_page(application)
    return _status_page(application)


def _waiver_form(application: Application, form=None):
    form = form or f.WaiverForm(formdata=None)
    form.ground.choices = [(c["code"], c["label"]) for c in fees.waiver_choices(application)]
    return form


def _task_list_page(application: Application, waiver_form=None):
    statuses = {section: drafts.section_status(application, section) for section in drafts.SECTIONS}
    waiver_form = _waiver_form(application, waiver_form)
    return render_template(
        "portal/task_list.html",
        application=application,
        statuses=statuses,
        completed=sum(1 for s in statuses.values() if s == "completed"),
        ready=all(s == "completed" for s in statuses.values()),
        fees=fees.fees_box(application),
        waiver_form=waiver_form,
        **_timeline_context(application),
    ), (400 if waiver_form.errors else 200)


def _load_rows(application: Application) -> None:
    """The bookings with their sites and the reviews with their organisations,
    each in one query: the page shows them all, whatever their number."""
    db.session.execute(
        select(Application).where(Application.id == application.id).options(
            selectinload(Application.bookings).joinedload(Booking.location),
            selectinload(Application.reviews).joinedload(ReviewTask.organisation),
        )
    ).scalar_one()


def _status_page(application: Application, answer_forms: dict | None = None, withdraw_form=None, waiver_form=None):
    _load_rows(application)
    now = now_utc()
    cal = calendar()
    events = [
        (event, *wording.describe(event))
        for event in db.session.execute(
            select(WorkflowEvent)
            .where(WorkflowEvent.application_id == application.id)
            .order_by(WorkflowEvent.created_at, WorkflowEvent.id)
            # Each event names its review and the review its organisation: loaded together, not per event.
            .options(selectinload(WorkflowEvent.review).selectinload(ReviewTask.organisation))
        ).scalars()
        if wording.visible(event)
    ]
    messages = list(
        db.session.execute(
            select(Message)
            .where(Message.application_id == application.id,
                   Message.kind.in_(("to_producer", "info_request", "info_response")))
            .order_by(Message.created_at, Message.id)
            .options(selectinload(Message.organisation), selectinload(Message.review).selectinload(ReviewTask.organisation))
        ).scalars()
    )
    reviews = [r for r in application.reviews if r.state != "cancelled" or r.decided_at is not None]
    clocks = {review.id: wording.clock_for(review, cal, now) for review in application.reviews}
    asking = [r for r in application.reviews if r.state == "info_requested"]
    answer_forms = answer_forms or {}
    for review in asking:
        if review.id not in answer_forms:
            answer_forms[review.id] = f.AnswerForm(formdata=None, version=review.version)
    requests = {
        review.id: next((m for m in reversed(messages) if m.review_task_id == review.id and m.kind == "info_request"), None)
        for review in asking
    }
    conditions = [(r, r.conditions) for r in application.reviews if r.conditions]
    waiver_form = _waiver_form(application, waiver_form)
    return render_template(
        "portal/status.html",
        application=application,
        events=events,
        messages=messages,
        reviews=reviews,
        clocks=clocks,
        asking=asking,
        requests=requests,
        answer_forms=answer_forms,
        conditions=conditions,
        in_progress=application.state in IN_PROGRESS_STATES,
        can_withdraw=application.state in WITHDRAWABLE_STATES,
        attached=list(application.documents),
        fees=fees.fees_box(application),
        waiver_form=waiver_form,
    ), (400 if waiver_form.errors or any(form.errors for form in answer_forms.values()) else 200)


@bp.route("/<id:application_id>/fee-waiver", methods=["POST"])
@upload_limit
@producer_required
def request_waiver(application_id: int):
    """The producer asks to pay less, with proof; errors are shown on the page the form was on."""
    application = application_for_producer_or_404(application_id)
    form = _waiver_form(application, f.WaiverForm())
    if form.validate_on_submit():
        try:
            payments.request_waiver(current_user, application, ground=form.ground.data or "",
                                    reason=form.reason.data or "", upload=_upload_from(form))
        except ServiceError as error:
            failure = refused(error, form)
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("Your fee waiver request was sent. The film commission will decide it and tell you."), "success")
            return redirect(url_for("portal.application", application_id=application.id) + "#fees")
    elif form.csrf_token.errors:
        abort(400)
    db.session.refresh(application)
    if application.state == "draft":
        return _task_list_page(application, waiver_form=form)
    return _status_page(application, waiver_form=form)


# ----------------------------------------------------------------------------- simple sections


def _section(application: Application, form_class, section: str, template: str, fill, save):
    if request.method == "GET":
        form = form_class(formdata=None)
        fill(form, application)
        if section in (application.completed_sections or []):
            form.completed.data = "yes"
    else:
        form = form_class()
    if form.validate_on_submit():
        try:
            save(form, application)
        except ServiceError as error:
            failure = refused(error, form)
            if failure is not None:
                return failure
        else:
            return _after_section_save(application, form.is_complete)
    status = 400 if request.method == "POST" else 200
    return render_template(template, application=application, form=form, section=section), status


@bp.route("/<id:application_id>/contacts", methods=["GET", "POST"])
@draft_view
def contacts(application: Application):
    def fill(form, application):
        form.contact_name.data = application.contact_name
        form.contact_email.data = application.contact_email
        form.contact_phone.data = application.contact_phone
        form.local_contact.data = application.local_contact

    def save(form, application):
        drafts.save_contacts(application, current_user, contact_name=form.contact_name.data or "",
                             contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "",
                             local_contact=form.local_contact.data or "", complete=form.is_complete)

    return _section(application, f.ContactsForm, "company", "portal/contacts.html", fill, save)


@bp.route("/<id:application_id>/production", methods=["GET", "POST"])
@draft_view
def production(application: Application):
    def fill(form, application):
        form.title.data = application.title
        form.production_type.data = application.production_type
        form.country_of_origin.data = application.country_of_origin
        form.synopsis.data = application.synopsis

    def save(form, application):
        drafts.save_production(application, current_user, title=form.title.data or "",
                               production_type=form.production_type.data or "",
                               country_of_origin=form.country_of_origin.data or "", synopsis=form.synopsis.data or "",
                               complete=form.is_complete)

    return _section(application, f.ProductionForm, "production", "portal/production.html", fill, save)


@bp.route("/<id:application_id>/activities", methods=["GET", "POST"])
@draft_view
def activities(application: Application):
    def fill(form, application):
        form.activities.data = list(application.activities or [])
        form.safety_notes.data = application.safety_notes

    def save(form, application):
        drafts.save_activities(application, current_user, activities=form.activities.data or [],
                               safety_notes=form.safety_notes.data or "", complete=form.is_complete)

    return _section(application, f.ActivitiesForm, "activities", "portal/activities.html", fill, save)


@bp.route("/<id:application_id>/crew", methods=["GET", "POST"])
@draft_view
def crew(application: Application):
    def fill(form, application):
        form.crew_total.data = application.crew_total or None
        form.equipment_notes.data = application.equipment_notes

    def save(form, application):
        drafts.save_crew(application, current_user, crew_total=form.crew_total.data or 0,
                         equipment_notes=form.equipment_notes.data or "", complete=form.is_complete)

    return _section(application, f.CrewForm, "crew", "portal/crew.html", fill, save)


@bp.route("/<id:application_id>/declaration", methods=["GET", "POST"])
@draft_view
def declaration(application: Application):
    form = f.DeclarationForm()
    if request.method == "GET":
        form.declaration_name.data = application.declaration_name or current_user.name
        form.confirm.data = application.declared_at is not None
    if form.validate_on_submit():
        try:
            drafts.declare(application, current_user, name=form.declaration_name.data or "", confirmed=bool(form.confirm.data))
        except ServiceError as error:
            failure = refused(error, form, field="declaration_name")
            if failure is not None:
                return failure
        else:
            return _after_section_save(application, True)
    status = 400 if request.method == "POST" else 200
    return render_template("portal/declaration.html", application=application, form=form, section="declaration"), status


# ----------------------------------------------------------------------------- sites and dates


@bp.route("/<id:application_id>/sites", methods=["GET", "POST"])
@draft_view
def sites(application: Application):
    form = f.MarkCompleteForm()
    if request.method == "GET" and "sites" in (application.completed_sections or []):
        form.completed.data = "yes"
    if form.validate_on_submit():
        try:
            drafts.mark_section(application, current_user, "sites", form.is_complete)
        except ServiceError as error:
            failure = refused(error, form, field="completed")
            if failure is not None:
                return failure
        else:
            return _after_section_save(application, form.is_complete)
    status = 400 if request.method == "POST" else 200
    warnings = drafts.booking_warnings(application)
    return render_template("portal/sites.html", application=application, form=form, section="sites",
                           warnings=warnings), status


def _published_sites() -> list[Location]:
    locations = list(db.session.execute(select(Location).where(Location.published.is_(True))).scalars())
    return sorted(locations, key=lambda location: location.name.casefold())


@bp.route("/<id:application_id>/sites/add", methods=["GET", "POST"])
@draft_view
def add_booking(application: Application):
    locations = _published_sites()
    form = f.BookingForm()
    form.location_id.choices = [(0, _("Choose a site"))] + [(location.id, location.name) for location in locations]
    if request.method == "GET":
        slug = request.args.get("site")
        chosen = next((location for location in locations if location.slug == slug), None)
        form.location_id.data = chosen.id if chosen else 0
        form.daily_start.data = form.daily_start.data or dt.time(8, 0)
        form.daily_end.data = form.daily_end.data or dt.time(20, 0)
        form.vehicles.data = 0
    if form.validate_on_submit():
        location = db.session.get(Location, form.location_id.data or 0)
        if location is None or not location.published:
            form.location_id.errors = [_("Choose a filming site.")]
        else:
            try:
                drafts.add_site_booking(
                    application, current_user, location, start=form.start_date.data, end=form.end_date.data,
                    crew_on_site=form.crew_on_site.data, vehicles=form.vehicles.data or 0,
                    daily_start=form.daily_start.data, daily_end=form.daily_end.data, notes=form.notes.data or "",
                )
            except ServiceError as error:
                failure = refused(error, form, field="start_date")
                if failure is not None:
                    return failure
            else:
                db.session.commit()
                flash(_("%(site)s added to your application.", site=location.name), "success")
                return redirect(url_for("portal.sites", application_id=application.id))
    status = 400 if request.method == "POST" else 200
    return render_template("portal/add_booking.html", application=application, form=form, section="sites",
                           locations=locations), status


@bp.route("/<id:application_id>/replace-site", methods=["GET", "POST"])
@producer_required
def replace_site(application_id: int):
    """Propose another site (or other dates) for one a site owner refused."""
    application = application_for_producer_or_404(application_id)
    if application.state != "final_review" or not application.needs_ministry_decision:
        flash(_("There is no refused site to replace."), "info")
        return redirect(url_for("portal.application", application_id=application.id))
    locations = _published_sites()
    form = f.ReplaceSiteForm()
    form.location_id.choices = [(0, _("Choose a site"))] + [(location.id, location.name) for location in locations]
    if request.method == "GET":
        form.version.data = application.version
        form.location_id.data = 0
        form.daily_start.data = dt.time(8, 0)
        form.daily_end.data = dt.time(20, 0)
        form.vehicles.data = 0
    if form.validate_on_submit():
        location = db.session.get(Location, form.location_id.data or 0)
        if location is None or not location.published:
            form.location_id.errors = [_("Choose a filming site.")]
        else:
            try:
                drafts.replace_refused_site(
                    application, current_user, location, start=form.start_date.data, end=form.end_date.data,
                    crew_on_site=form.crew_on_site.data, vehicles=form.vehicles.data or 0,
                    daily_start=form.daily_start.data, daily_end=form.daily_end.data, notes=form.notes.data or "",
                    expected_version=form.version.data or None,
                )
            except ServiceError as error:
                failure = refused(error, form, field="start_date")
                if failure is not None:
                    return failure
            else:
                db.session.commit()
                flash(_("%(site)s was proposed instead of the refused site; its owner is reviewing it.", site=location.name),
                      "success")
                return redirect(url_for("portal.application", application_id=application.id))
    refused_reviews = workflow.refused_site_reviews(application)
    status = 400 if request.method == "POST" else 200
    return render_template("portal/replace_site.html", application=application, form=form, refused=refused_reviews), status


@bp.route("/<id:application_id>/sites/<id:booking_id>/remove", methods=["GET", "POST"])
@draft_view
def remove_booking(application: Application, booking_id: int):
    """Removing a site asks first (its dates, crew and notes go with it)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.application_id != application.id:
        abort(404)
    form = f.ConfirmForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if request.method == "GET" or not form.confirmed:
        return render_template("portal/remove_booking.html", application=application, booking=booking, form=form,
                               section="sites")
    name = booking.location.name
    try:
        drafts.remove_site_booking(application, current_user, booking)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    flash(_("%(site)s removed from your application.", site=name), "success")
    return redirect(url_for("portal.sites", application_id=application.id))


# ----------------------------------------------------------------------------- documents


def _upload_from(form) -> documents.Upload | None:
    file = form.file.data
    if file is None or not getattr(file, "filename", ""):
        return None
    return documents.Upload(stream=file.stream, filename=file.filename)


def _documents_page(application: Application, *, mark_form=None, attach_form=None, upload_form=None, status=200):
    passport = documents.passport_of(application.company_id)
    attached_ids = {link.document_id for link in application.documents}
    attach_form = attach_form or f.AttachForm(formdata=None)
    attach_form.document_id.choices = [(d.id, f"{documents.DOCUMENT_KINDS.get(d.kind, d.kind)}: {d.original_filename}")
                                       for d in passport if d.id not in attached_ids]
    mark_form = mark_form or f.MarkCompleteForm(formdata=None)
    if mark_form.completed.data is None and "documents" in (application.completed_sections or []):
        mark_form.completed.data = "yes"
    return render_template(
        "portal/documents.html",
        application=application,
        section="documents",
        checks=documents.document_checks(application),
        mark_form=mark_form,
        attach_form=attach_form,
        upload_form=upload_form or f.ApplicationUploadForm(formdata=None),
        detach_form=f.EmptyForm(),
        limit=documents.MAX_DOCUMENTS_PER_APPLICATION,
    ), status


@bp.route("/<id:application_id>/documents", methods=["GET", "POST"])
@draft_view
def documents_section(application: Application):
    if request.method == "GET":
        return _documents_page(application)
    form = f.MarkCompleteForm()
    if form.validate_on_submit():
        try:
            drafts.mark_section(application, current_user, "documents", form.is_complete)
        except ServiceError as error:
            failure = refused(error, form, field="completed")
            if failure is not None:
                return failure
        else:
            return _after_section_save(application, form.is_complete)
    return _documents_page(application, mark_form=form, status=400)


@bp.route("/<id:application_id>/documents/attach", methods=["POST"])
@draft_view
def attach_document(application: Application):
    form = f.AttachForm()
    form.document_id.choices = []
    if form.validate_on_submit():
        document = document_for_user_or_404(form.document_id.data)
        try:
            documents.attach(application, current_user, document)
        except ServiceError as error:
            failure = refused(error, form, field="document_id")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("“%(name)s” attached.", name=document.original_filename), "success")
            return redirect(url_for("portal.documents_section", application_id=application.id))
    return _documents_page(application, attach_form=form, status=400)


@bp.route("/<id:application_id>/documents/upload", methods=["POST"])
@upload_limit
@draft_view
def upload_document(application: Application):
    form = f.ApplicationUploadForm()
    if form.validate_on_submit():
        upload = _upload_from(form)
        try:
            if upload is None:
                raise ServiceError(_("Choose a file to upload."), field="file")
            document = drafts.add_draft_document(
                application, current_user, upload, kind=form.kind.data, expires_on=form.expires_on.data,
                insured_name=form.insured_name.data or "", in_passport=bool(form.keep.data),
            )
        except ServiceError as error:
            failure = refused(error, form, field="file")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("“%(name)s” uploaded and attached.", name=document.original_filename), "success")
            return redirect(url_for("portal.documents_section", application_id=application.id))
    return _documents_page(application, upload_form=form, status=400)


@bp.route("/<id:application_id>/documents/<id:document_id>/detach", methods=["POST"])
@draft_view
def detach_document(application: Application, document_id: int):
    document = document_for_user_or_404(document_id, application)
    if not f.EmptyForm().validate_on_submit():
        abort(400)
    try:
        drafts.remove_draft_document(application, current_user, document)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    flash(_("“%(name)s” removed from this application.", name=document.original_filename), "success")
    return redirect(url_for("portal.documents_section", application_id=application.id))


def _send(document):
    response = send_file(
        documents.read(document),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=documents.download_name(document),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<id:application_id>/documents/<id:document_id>/file")
@login_required
def download(application_id: int, document_id: int):
    """A document of an application: its company's producers and the
    reviewers of that application."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    mine = application.company_id in company_ids(current_user)
    if not mine and not (current_user.is_staff and staff_can_see_application(current_user, application)):
        abort(404)
    document = document_for_user_or_404(document_id, application)
    if not any(link.document_id == document.id for link in application.documents):
        abort(404)
    return _send(document)


# ----------------------------------------------------------------------------- invoices and receipts


@bp.route("/<id:application_id>/invoices/<id:invoice_id>.pdf")
@producer_required
def invoice_pdf(application_id: int, invoice_id: int):
    """Any version of one of the application's invoices, in the reader's language."""
    application = application_for_producer_or_404(application_id)
    invoice = money_documents.invoice_of_application(application.id, invoice_id)
    if invoice is None:
        abort(404)
    return send_private_pdf(money_documents.invoice_pdf(invoice, current_language()), money_documents.invoice_filename(invoice))


@bp.route("/<id:application_id>/receipts/<id:entry_id>.pdf")
@producer_required
def receipt_pdf(application_id: int, entry_id: int):
    """The receipt of one of the application's payments, in the reader's language."""
    application = application_for_producer_or_404(application_id)
    entry = money_documents.receipt_of_application(application.id, entry_id)
    if entry is None:
        abort(404)
    return send_private_pdf(money_documents.receipt_pdf(entry, current_language()), money_documents.receipt_filename(entry))


# ----------------------------------------------------------------------------- the production passport


@bp.route("/passport", methods=["GET", "POST"])
@upload_limit
@producer_required
def passport():
    form = f.PassportUploadForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            upload = _upload_from(form)
            try:
                if upload is None:
                    raise ServiceError(_("Choose a file to upload."), field="file")
                document = documents.add_to_passport(current_user, upload, kind=form.kind.data,
                                                     expires_on=form.expires_on.data,
                                                     insured_name=form.insured_name.data or "")
            except ServiceError as error:
                failure = refused(error, form, field="file")
                if failure is not None:
                    return failure
            else:
                db.session.commit()
                flash(_("“%(name)s” added to your production passport.", name=document.original_filename), "success")
                return redirect(url_for("portal.passport"))
    company = current_user.company
    today = calendar().local_date(now_utc())
    items = documents.passport_of(company.id)
    return render_template("portal/passport.html", form=form, items=items, company=company, today=today,
                           soon=today + dt.timedelta(days=documents.EXPIRY_WARNING_DAYS),
                           names_match=documents.names_match, remove_form=f.EmptyForm()), status


@bp.route("/passport/<id:document_id>/file")
@producer_required
def passport_download(document_id: int):
    document = document_for_user_or_404(document_id)
    if document.company_id not in company_ids(current_user):
        abort(404)
    return _send(document)


@bp.route("/passport/<id:document_id>/remove", methods=["POST"])
@producer_required
def passport_remove(document_id: int):
    document = document_for_user_or_404(document_id)
    if document.company_id not in company_ids(current_user):
        abort(404)
    if not f.EmptyForm().validate_on_submit():
        abort(400)
    documents.remove_from_passport(current_user, document)
    db.session.commit()
    flash(_("“%(name)s” removed from your passport. Applications it is attached to keep it.", name=document.original_filename), "success")
    return redirect(url_for("portal.passport"))


# ----------------------------------------------------------------------------- check and submit


@bp.route("/<id:application_id>/check")
@draft_view
def check(application: Application):
    return _check_page(application, f.SubmitForm(formdata=None, version=application.version))


def _check_page(application: Application, form, status: int = 200):
    return render_template(
        "portal/check.html",
        application=application,
        form=form,
        problems=drafts.readiness(application),
        document_checks=documents.document_checks(application),
        **_timeline_context(application),
    ), status


@bp.route("/<id:application_id>/submit", methods=["POST"])
@producer_required
def submit(application_id: int):
    application = application_for_producer_or_404(application_id)
    form = f.SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        drafts.submit_application(application, current_user, _version(form))
    except ServiceError as error:
        failure = refused(error, form)
        if failure is not None:
            return failure
        if application.state != "draft":  # submitted meanwhile, in another tab
            return render_error(409)
        return _check_page(application, form, 400)
    db.session.commit()
    flash(_("Application %(ref)s submitted. The film commission is screening it.", ref=application.reference), "success")
    return redirect(url_for("portal.application", application_id=application.id))


def _version(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


# ----------------------------------------------------------------------------- after submission


@bp.route("/<id:application_id>/withdraw", methods=["GET", "POST"])
@producer_required
def withdraw(application_id: int):
    application = application_for_producer_or_404(application_id)
    if application.state not in WITHDRAWABLE_STATES:
        flash(_("This application can no longer be withdrawn."), "info")
        return redirect(url_for("portal.application", application_id=application.id))
    form = f.WithdrawForm()
    if request.method == "GET":
        form.version.data = application.version
    elif form.validate_on_submit():
        try:
            withdraw_application(application, current_user, _version(form), reason=form.reason.data or "")
        except ServiceError as error:
            return refused(error)
        db.session.commit()
        flash(_("Application %(ref)s withdrawn.", ref=application.reference), "success")
        return redirect(url_for("portal.application", application_id=application.id))
    return render_template("portal/withdraw.html", application=application, form=form)


@bp.route("/<id:application_id>/reviews/<id:review_id>/answer", methods=["POST"])
@upload_limit
@producer_required
def answer(application_id: int, review_id: int):
    application = application_for_producer_or_404(application_id)
    review = db.session.get(ReviewTask, review_id)
    if review is None or review.application_id != application.id:
        abort(404)
    form = f.AnswerForm()
    if form.validate_on_submit():
        uploads = [documents.Upload(stream=file.stream, filename=file.filename)
                   for file in (form.files.data or []) if getattr(file, "filename", "")]
        try:
            if not (form.body.data or "").strip():
                raise ServiceError(_("Write your answer before sending it."), field="body")
            drafts.answer_request(review, current_user, form.body.data or "", uploads, _version(form))
        except ServiceError as error:
            failure = refused(error, form, field="body", aliases={"file": "files"})
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("Your answer was sent. The review has resumed."), "success")
            return redirect(url_for("portal.application", application_id=application.id))
    db.session.refresh(application)
    return _status_page(application, answer_forms={review.id: form})
