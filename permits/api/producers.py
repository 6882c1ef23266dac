"""Producers' operations: their company's applications, as on the portal's
pages and with the same checks (another company's application is 404; a
staff account is refused with 403)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from flask import Response, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage, MultiDict

from permits.access import application_for_producer_or_404, company_ids
from permits.api import conditional, pagination, problems
from permits.api.auth import current_user_or_none
from permits.api.base import bp
from permits.api.operations import operation
from permits.api.producer_schemas import (
    ActivitiesSection,
    AnswerBody,
    AnswerUpload,
    BookingResult,
    ContactsSection,
    CrewSection,
    DeclarationSection,
    DocumentCheckInfo,
    DocumentInfo,
    DocumentList,
    DocumentUpload,
    InvoiceInfo,
    InvoiceLine,
    InvoiceList,
    MissingItem,
    NewBooking,
    SectionInfo,
    SectionMark,
    SectionProblem,
    TaskList,
    Withdrawal,
)
from permits.api.schemas import (
    LANGUAGES,
    ApplicationDetail,
    ApplicationPage,
    ApplicationSummary,
    BookingInfo,
    NewApplication,
    ReviewClock,
    ReviewInfo,
    TimelineEvent,
    Translated,
    coded,
    label,
    organisation_name,
    translated,
)
from permits.countries import is_country
from permits.extensions import db, limiter
from permits.labels import APPLICATION_STATES, REVIEW_KINDS, REVIEW_STATES, invoice_line_label
from permits.models import Application, Booking, Location, Permit, ReviewTask, User, WorkflowEvent
from permits.models import Document as DocumentRow
from permits.models.base import MAX_ID, current_language
from permits.portal import forms as f
from permits.portal import wording
from permits.portal.forms import LONG_TEXT
from permits.portal.views import SECTION_TITLES, STATUS_LABELS, WITHDRAWABLE_STATES
from permits.services import PermissionDenied, ServiceError, StaleVersion, documents, ledger, money_documents
from permits.services import applications as drafts
from permits.services import home as home_lists
from permits.services import permits as permit_service
from permits.services.clock import clock_state, due_soon_limit
from permits.services.context import calendar, now_utc
from permits.services.queues import decode_cursor
from permits.services.workflow import withdraw
from permits.storage import storage


def producer() -> User:
    """The token's user, who must act for a company (as the portal's pages)."""
    user = current_user_or_none()
    if user is None or not user.is_producer:
        raise problems.forbidden("Only producers acting for a company have applications.")
    return user


def summary_fields(application: Application) -> dict:
    return {
        "id": application.id,
        "url": url_for("api.get_application", application_id=application.id, _external=True),
        "reference": application.display_reference,
        "title": application.title,
        "state": coded(application.state, APPLICATION_STATES),
        "production_type": application.production_type,
        "country_of_origin": application.country_of_origin,
        "impact_tier": application.impact_tier,
        "first_shoot_day": application.first_shoot_date,
        "last_shoot_day": application.last_shoot_date,
        "sites": list(dict.fromkeys(b.location.slug for b in application.bookings if b.active)),
        "version": application.version,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
    }


class ApplicationsQuery(pagination.PageQuery):
    state: str | None = Field(None, max_length=32, description="Only applications in this state.")


@bp.get("/applications")
@operation(tags=("Producers",), scope="read", responses={200: ApplicationPage}, headers={200: ("Link",)})
def list_applications(query: ApplicationsQuery):
    """Your company's applications

    Drafts included, last updated first, a page at a time."""
    user = producer()
    if query.cursor is not None and decode_cursor(query.cursor) is None:
        raise pagination.bad_cursor()
    if query.state is not None and query.state not in APPLICATION_STATES:
        raise problems.validation_problem([{"field": "state", "in": "query", "detail": "Not a state of an application."}])
    rows, cursor = home_lists.company_page(company_ids(user), after=query.cursor, page_size=query.limit, state=query.state)
    next_link = pagination.next_url(cursor)
    page = ApplicationPage(items=[ApplicationSummary(**summary_fields(a)) for a in rows], next=next_link)
    return page, 200, pagination.link_headers(next_link)


def review_clock(review: ReviewTask, now, soon) -> ReviewClock:
    return ReviewClock(state=clock_state(review, now, soon), due_at=review.due_at, paused_at=review.paused_at,
                       sla_business_days=review.sla_business_days)


def _detail(application: Application) -> ApplicationDetail:
    db.session.execute(
        select(Application).where(Application.id == application.id).options(
            selectinload(Application.bookings).joinedload(Booking.location),
            selectinload(Application.reviews).joinedload(ReviewTask.organisation),
        )
    ).scalar_one()
    now = now_utc()
    soon = due_soon_limit(now)
    events = db.session.execute(
        select(WorkflowEvent).where(WorkflowEvent.application_id == application.id)
        .order_by(WorkflowEvent.created_at, WorkflowEvent.id)
        .options(selectinload(WorkflowEvent.review).selectinload(ReviewTask.organisation))
    ).scalars()
    permit = db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()
    # The reviews the producer's status page shows (a cancelled one only if it was decided).
    reviews = [r for r in application.reviews if r.state != "cancelled" or r.decided_at is not None]
    return ApplicationDetail(
        **summary_fields(application),
        synopsis=application.synopsis,
        activities=list(application.activities or []),
        crew_total=application.crew_total,
        route=application.route,
        fee_total=application.fee_total,
        balance=application.balance,
        bookings=[
            BookingInfo(id=b.id, site=b.location.slug, name=translated(b.location, "name"), first_day=b.start_date,
                        last_day=b.end_date, daily_start=f"{b.daily_start:%H:%M}", daily_end=f"{b.daily_end:%H:%M}",
                        crew_on_site=b.crew_on_site, vehicles=b.vehicles, active=b.active)
            for b in application.bookings
        ],
        reviews=[
            ReviewInfo(id=r.id, kind=coded(r.kind, REVIEW_KINDS), organisation=organisation_name(r.organisation),
                       state=coded(r.state, REVIEW_STATES), opened_at=r.opened_at, decided_at=r.decided_at,
                       clock=review_clock(r, now, soon), conditions=list(r.conditions or []), reason=r.reason or "",
                       version=r.version)
            for r in reviews
        ],
        timeline=[
            TimelineEvent(at=e.created_at, subject=e.subject, action=e.action, title=wording.describe(e)[0],
                          from_state=e.from_state, to_state=e.to_state, review_id=e.review_task_id)
            for e in events if wording.visible(e)
        ],
        permit_number=permit.number if permit is not None else None,
    )


@bp.get("/applications/<id:application_id>")
@operation(tags=("Producers",), scope="read", responses={200: ApplicationDetail}, errors=(404,), headers={200: ("ETag",)})
def get_application(application_id: int):
    """One of your company's applications

    Its state, bookings, reviews with their clocks and due times, and the
    timeline the status page shows. The ETag is the row version: send it as
    If-Match with a change."""
    producer()
    application = application_for_producer_or_404(application_id)
    return _detail(application), 200, conditional.etag_headers(application.version)


@bp.post("/applications")
@operation(tags=("Producers",), scope="write", responses={201: ApplicationDetail}, errors=(400, 409, 413, 415),
           headers={201: ("ETag", "Location")})
def create_application(json: NewApplication):
    """Start a draft application

    The same as "Start an application" on the portal: a draft of your
    company, its contacts taken from the company. Fill in its sections, then
    submit it."""
    user = producer()
    if json.country_of_origin is not None and not is_country(json.country_of_origin.upper()):
        raise problems.validation_problem([{"field": "country_of_origin", "in": "body", "pointer": "#/country_of_origin",
                                            "detail": "Not a country code of ISO 3166-1."}])
    try:
        application = drafts.create_draft(
            user, title=json.title, production_type=json.production_type, country_of_origin=json.country_of_origin,
            synopsis=json.synopsis, activities=json.activities, crew_total=json.crew_total,
        )
    except ServiceError as error:
        db.session.rollback()
        raise problems.refused(error) from None
    db.session.commit()
    detail = _detail(application)
    location = url_for("api.get_application", application_id=application.id, _external=True)
    return detail, 201, {**conditional.etag_headers(application.version), "Location": location}


class ProductionSection(BaseModel):
    """The draft's production section, as on its page."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=255)
    production_type: str = Field("", max_length=32, description="A production type code (empty: not chosen yet).")
    country_of_origin: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 (empty: not chosen yet).")
    synopsis: str = Field("", max_length=LONG_TEXT)
    complete: bool = Field(False, description="Mark the section as completed (its rules are checked).")


@bp.put("/applications/<id:application_id>/production")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail},
           errors=(400, 404, 409, 412, 413, 415, 428), headers={200: ("ETag",)})
def put_production(application_id: int, json: ProductionSection):
    """Save a draft's production section

    Needs If-Match with the application's ETag: a change made meanwhile (on
    the portal or by another program) answers 412. The same rules as the
    section's page: a submitted application can no longer be changed (409)."""
    user = producer()
    application = application_for_producer_or_404(application_id)
    conditional.matched_version(application.version)
    try:
        drafts.save_production(application, user, title=json.title, production_type=json.production_type,
                               country_of_origin=json.country_of_origin, synopsis=json.synopsis, complete=json.complete)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise problems.refused(error) from None
    except StaleDataError:
        # Written between the If-Match check and this commit (the row version moved).
        db.session.rollback()
        current = db.session.get(Application, application_id)
        raise problems.stale_version(current.version if current is not None else 0) from None
    return _detail(application), 200, conditional.etag_headers(application.version)


# ----------------------------------------------------------------------------- writing a draft
# Each body feeds the page's own form (its lengths, ranges and messages), then
# the page's service verb; a change needs If-Match with the application's ETag.

WRITE_ERRORS = (400, 404, 409, 412, 413, 415, 428)
BODILESS_ERRORS = (404, 409, 412, 428)  # a write without a body


def _uploader() -> str:
    user = current_user_or_none()
    return f"user:{user.id}" if user is not None else get_remote_address()


# The pages' upload budget (the same scope and key): a user's files count once, sent from a page or a program.
upload_limit = limiter.shared_limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"], scope="uploads",
                                    key_func=_uploader, methods=["POST"])


def _mine(application_id: int) -> tuple[User, Application]:
    user = producer()
    return user, application_for_producer_or_404(application_id)


def _for_change(application_id: int) -> tuple[User, Application]:
    """The producer's application, If-Match checked against its row version."""
    user, application = _mine(application_id)
    conditional.matched_version(application.version)
    return user, application


def _formdata(values: dict) -> MultiDict:
    data = MultiDict()
    for name, value in values.items():
        if value is None or value is False:
            continue  # an unchecked box, an empty answer
        if value is True:
            data[name] = "y"
        elif isinstance(value, list | tuple):
            for item in value:
                data.add(name, item if isinstance(item, FileStorage) else str(item))
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = value if isinstance(value, FileStorage) else str(value)
    return data


def page_form(form_class, values: dict, names: dict[str, str] | None = None, extra: list[dict] | None = None):
    """The page's form filled from the body: its rules decide (422 naming each
    field with the body's names); ``extra``: errors found before it."""
    form = form_class(formdata=_formdata(values), meta={"csrf": False})
    if not form.validate() or extra:
        problem = problems.form_errors(form, "body", names) if form.errors else problems.validation_problem([])
        errors = [*(extra or []), *problem.errors]
        for error in errors:
            error.setdefault("pointer", "#/" + error["field"])
        raise problems.validation_problem(errors)
    return form


def _yes(complete: bool) -> str:
    return "yes" if complete else "no"


def _refusal(error: ServiceError, names: dict[str, str] | None = None) -> problems.Problem:
    """A service's refusal: about a member of the body, 422 naming it (415 and
    413 for a file of a kind or a size it refuses); else as ``problems.refused``."""
    if error.field and error.status_code == 400:
        field = (names or {}).get(error.field, error.field)
        entry = [{"field": field, "in": "body", "pointer": "#/" + field, "detail": error.message}]
        if isinstance(error, documents.UnsupportedFile):
            return problems.Problem(415, error.message, kind="unsupported-media-type", title="Unsupported file",
                                    errors=entry, headers={"Accept-Post": "multipart/form-data"})
        if isinstance(error, documents.FileTooLarge):
            return problems.Problem(413, error.message, errors=entry)
        return problems.validation_problem(entry, detail=error.message)
    return problems.refused(error)


@contextmanager
def acting(application_id: int, names: dict[str, str] | None = None):
    """Call one service verb and commit: a refusal is a problem (rolled back);
    a version that moved between If-Match and the commit is 412."""
    try:
        yield
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise _refusal(error, names) from None
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(Application, application_id)
        raise problems.stale_version(current.version if current is not None else 0) from None


def _changed(application: Application, status: int = 200):
    return _detail(application), status, conditional.etag_headers(application.version)


@bp.put("/applications/<id:application_id>/contacts")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def put_contacts(application_id: int, json: ContactsSection):
    """Save a draft's company and contacts section

    The contact person, e-mail and telephone reviewers use during the shoot,
    and the residents' local contact (shown on the site's public page).

    Needs If-Match with the application's ETag (a change made meanwhile, on
    the portal or by another program, is 412). The same rules as the
    section's page: its form's limits and, with `complete`, what the section
    needs (422 names each field); a submitted application cannot change (409)."""
    user, application = _for_change(application_id)
    form = page_form(f.ContactsForm, {**json.model_dump(exclude={"complete"}), "completed": _yes(json.complete)},
                     {"completed": "complete"})
    with acting(application_id, {"completed": "complete"}):
        drafts.save_contacts(application, user, contact_name=form.contact_name.data or "",
                             contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "",
                             local_contact=form.local_contact.data or "", complete=form.is_complete)
    return _changed(application)


@bp.put("/applications/<id:application_id>/activities")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def put_activities(application_id: int, json: ActivitiesSection):
    """Save a draft's activities and safety section

    The activities during the shoot (codes) and the safety measures. Changing
    the activities opens the documents section again (a drone needs its
    licences).

    Needs If-Match with the application's ETag (a change made meanwhile, on
    the portal or by another program, is 412). The same rules as the
    section's page: its form's limits and, with `complete`, what the section
    needs (422 names each field); a submitted application cannot change (409)."""
    user, application = _for_change(application_id)
    form = page_form(f.ActivitiesForm, {**json.model_dump(exclude={"complete"}), "completed": _yes(json.complete)},
                     {"completed": "complete"})
    with acting(application_id, {"completed": "complete"}):
        drafts.save_activities(application, user, activities=form.activities.data or [],
                               safety_notes=form.safety_notes.data or "", complete=form.is_complete)
    return _changed(application)


@bp.put("/applications/<id:application_id>/crew")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def put_crew(application_id: int, json: CrewSection):
    """Save a draft's crew and equipment section

    The size of the whole crew (at least the crew on site at any booking to
    complete it) and the equipment.

    Needs If-Match with the application's ETag (a change made meanwhile, on
    the portal or by another program, is 412). The same rules as the
    section's page: its form's limits and, with `complete`, what the section
    needs (422 names each field); a submitted application cannot change (409)."""
    user, application = _for_change(application_id)
    form = page_form(f.CrewForm, {**json.model_dump(exclude={"complete"}), "completed": _yes(json.complete)},
                     {"completed": "complete"})
    with acting(application_id, {"completed": "complete"}):
        drafts.save_crew(application, user, crew_total=form.crew_total.data or 0,
                         equipment_notes=form.equipment_notes.data or "", complete=form.is_complete)
    return _changed(application)


@bp.put("/applications/<id:application_id>/declaration")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def put_declaration(application_id: int, json: DeclarationSection):
    """Sign a draft's declaration

    Your full name and the confirmation; signing completes the section.

    Needs If-Match with the application's ETag (a change made meanwhile, on
    the portal or by another program, is 412). The same rules as the
    section's page: its form's limits and, with `complete`, what the section
    needs (422 names each field); a submitted application cannot change (409)."""
    user, application = _for_change(application_id)
    form = page_form(f.DeclarationForm, json.model_dump())
    with acting(application_id):
        drafts.declare(application, user, name=form.declaration_name.data or "", confirmed=bool(form.confirm.data))
    return _changed(application)


@bp.put("/applications/<id:application_id>/sections/<any(sites, documents):section>")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def put_section(application_id: int, section: str, json: SectionMark):
    """Mark the sites or the documents section

    These sections are filled item by item (bookings, documents); this marks
    one completed (what it needs is checked: a site at least, every
    document the reviews need) or not completed.

    Needs If-Match with the application's ETag (a change made meanwhile, on
    the portal or by another program, is 412). The same rules as the
    section's page: its form's limits and, with `complete`, what the section
    needs (422 names each field); a submitted application cannot change (409)."""
    user, application = _for_change(application_id)
    form = page_form(f.MarkCompleteForm, {"completed": _yes(json.complete)}, {"completed": "complete"})
    with acting(application_id, {"completed": "complete", "location_id": "complete", "document_id": "complete"}):
        drafts.mark_section(application, user, section, form.is_complete)
    return _changed(application)


@bp.get("/applications/<id:application_id>/sections")
@operation(tags=("Producers",), scope="read", responses={200: TaskList}, errors=(404,), headers={200: ("ETag",)})
def get_sections(application_id: int):
    """A draft's task list and what is missing

    Each section's status and what keeps it from being completed; `missing`
    is the check page's list (empty: it can be submitted) and `warnings`
    what does not block submission (late, another production on the days)."""
    _user, application = _mine(application_id)
    today = calendar().local_date(now_utc())
    editable = application.state == "draft"
    sections = [
        SectionInfo(section=section, title=label(SECTION_TITLES[section]),
                    status=coded(drafts.section_status(application, section), STATUS_LABELS),
                    problems=[SectionProblem(field=field, detail=message) for field, message
                              in (drafts.section_problems(application, section, today=today) if editable else [])])
        for section in drafts.SECTIONS
    ]
    missing = drafts.readiness(application, today) if editable else []
    warnings = drafts.booking_warnings(application) if editable else []
    return TaskList(version=application.version, sections=sections, ready=editable and not missing,
                    missing=[MissingItem(section=section, detail=message) for section, message in missing],
                    warnings=[w.message for w in warnings]), 200, conditional.etag_headers(application.version)


# ----------------------------------------------------------------------------- bookings

BOOKING_NAMES = {"location_id": "site", "start_date": "first_day", "end_date": "last_day"}


def _booking_info(booking: Booking) -> BookingInfo:
    return BookingInfo(id=booking.id, site=booking.location.slug, name=translated(booking.location, "name"),
                       first_day=booking.start_date, last_day=booking.end_date,
                       daily_start=f"{booking.daily_start:%H:%M}", daily_end=f"{booking.daily_end:%H:%M}",
                       crew_on_site=booking.crew_on_site, vehicles=booking.vehicles, active=booking.active)


@bp.post("/applications/<id:application_id>/bookings")
@operation(tags=("Producers",), scope="write", responses={201: BookingResult}, errors=WRITE_ERRORS,
           headers={201: ("ETag",)})
def add_booking(application_id: int, json: NewBooking):
    """Add a site and its dates to a draft

    The same checks as the "Add a site" page: the dates (after today, within
    how far ahead and how long one booking may be), the site's crew limit,
    its closed days, the daily hours (past midnight needs night work). A
    clash with another production does not refuse it: it is a warning. Needs
    If-Match with the application's ETag; the answer carries the new one."""
    user, application = _for_change(application_id)
    location = db.session.execute(select(Location).where(Location.slug == json.site)).scalar_one_or_none()
    unknown = location is None or not location.published
    form = page_form(f.BookingForm, {
        "location_id": 0 if unknown else location.id, "start_date": json.first_day, "end_date": json.last_day,
        "daily_start": json.daily_start, "daily_end": json.daily_end, "crew_on_site": json.crew_on_site,
        "vehicles": json.vehicles, "notes": json.notes,
    }, BOOKING_NAMES, extra=[{"field": "site", "in": "body", "detail": _("Choose a filming site.")}] if unknown else None)
    with acting(application_id, BOOKING_NAMES):
        booking = drafts.add_site_booking(
            application, user, location, start=form.start_date.data, end=form.end_date.data,
            crew_on_site=form.crew_on_site.data, vehicles=form.vehicles.data or 0,
            daily_start=form.daily_start.data, daily_end=form.daily_end.data, notes=form.notes.data or "",
        )
    warnings = [w.message for w in drafts.booking_warnings(application) if w.booking_id in (None, booking.id)]
    return (BookingResult(booking=_booking_info(booking), version=application.version, warnings=warnings), 201,
            conditional.etag_headers(application.version))


@bp.delete("/applications/<id:application_id>/bookings/<id:booking_id>")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=BODILESS_ERRORS,
           headers={200: ("ETag",)})
def delete_booking(application_id: int, booking_id: int):
    """Remove a site from a draft

    Its dates, crew and notes go with it and the sites section is open
    again. Needs If-Match with the application's ETag."""
    user, application = _mine(application_id)
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.application_id != application.id:
        raise problems.not_found("This application has no such booking.")
    conditional.matched_version(application.version)
    with acting(application_id):
        drafts.remove_site_booking(application, user, booking)
    return _changed(application)


# ----------------------------------------------------------------------------- documents


def _document_info(link) -> DocumentInfo:
    document = link.document
    return DocumentInfo(id=document.id, kind=coded(document.kind, documents.DOCUMENT_KINDS),
                        filename=document.original_filename, content_type=document.content_type, size=document.size,
                        sha256=document.sha256, expires_on=document.expires_on, insured_name=document.insured_name or "",
                        in_passport=bool(document.in_passport), with_answer=link.message_id is not None,
                        uploaded_at=document.created_at)


def _document_list(application: Application) -> DocumentList:
    links = sorted(application.documents, key=lambda link: link.id)
    checks = documents.document_checks(application) if application.state == "draft" else []
    return DocumentList(version=application.version, items=[_document_info(link) for link in links],
                        checks=[DocumentCheckInfo(detail=check.message, blocking=check.blocking) for check in checks])


@bp.get("/applications/<id:application_id>/documents")
@operation(tags=("Producers",), scope="read", responses={200: DocumentList}, errors=(404,), headers={200: ("ETag",)})
def list_documents(application_id: int):
    """An application's documents

    Its files (at most 20), and for a draft what the documents page checks:
    the documents its reviews need that are missing (the production
    passport's count), expiry before the last shoot day, the insured name."""
    _user, application = _mine(application_id)
    return _document_list(application), 200, conditional.etag_headers(application.version)


@bp.post("/applications/<id:application_id>/documents")
@upload_limit
@operation(tags=("Producers",), scope="write", responses={201: DocumentInfo}, errors=WRITE_ERRORS,
           headers={201: ("ETag",)})
def upload_document(application_id: int, form: DocumentUpload):
    """Upload a document to a draft

    multipart/form-data: `kind`, `file` (a part with a file name), and for an
    insurance certificate or a licence `expires_on` (and `insured_name` for
    insurance). The file is checked by its bytes, as on the documents page:
    PDF, JPEG or PNG only (another kind is 415), up to the upload size (413);
    an empty file, a missing date or name, or a full application (20
    documents; 100 kept by a company) is 422. Uploads share the pages' budget
    per user. Needs If-Match with the application's ETag."""
    user, application = _for_change(application_id)
    file = form.file if isinstance(form.file, FileStorage) else None
    wtf = page_form(f.ApplicationUploadForm, {"kind": form.kind, "expires_on": form.expires_on,
                                              "insured_name": form.insured_name, "keep": form.keep, "file": file})
    upload = documents.Upload(stream=file.stream if file else None, filename=(file.filename or "") if file else "")
    with acting(application_id):
        document = drafts.add_draft_document(application, user, upload, kind=wtf.kind.data or "",
                                             expires_on=wtf.expires_on.data, insured_name=wtf.insured_name.data or "",
                                             in_passport=bool(wtf.keep.data))
    link = next(link for link in application.documents if link.document_id == document.id)
    return _document_info(link), 201, conditional.etag_headers(application.version)


@bp.delete("/applications/<id:application_id>/documents/<id:document_id>")
@operation(tags=("Producers",), scope="write", responses={200: DocumentList}, errors=BODILESS_ERRORS,
           headers={200: ("ETag",)})
def delete_document(application_id: int, document_id: int):
    """Take a document off a draft

    The production passport keeps its own copy. Needs If-Match with the
    application's ETag; the answer lists the documents left."""
    user, application = _mine(application_id)
    link = next((link for link in application.documents if link.document_id == document_id), None)
    if link is None:
        raise problems.not_found("This application has no such document.")
    conditional.matched_version(application.version)
    with acting(application_id):
        drafts.remove_draft_document(application, user, link.document)
    return _document_list(application), 200, conditional.etag_headers(application.version)


# ----------------------------------------------------------------------------- submission and after


def _not_ready(missing: list[tuple[str, str]]) -> problems.Problem:
    errors = [{"field": section, "in": "application", "detail": message} for section, message in missing]
    count = len({section for section, _message in missing})
    return problems.Problem(422, f"{count} section{'s' if count != 1 else ''} of the application "
                                 f"{'are' if count != 1 else 'is'} not ready.", kind="not-ready",
                            title="The application is not ready to submit", errors=errors)


@bp.post("/applications/<id:application_id>/submit")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=BODILESS_ERRORS,
           headers={200: ("ETag",)})
def submit_application(application_id: int):
    """Submit a draft

    As "Submit application" on the check page: every section completed and
    nothing missing, else 422 (`not-ready`) listing each section and what it
    misses. The passport's documents that count are attached, the reviews
    open, your company is told. Needs If-Match with the application's ETag
    (the row version); no body. The answer is the submitted application."""
    user, application = _mine(application_id)
    version = conditional.matched_version(application.version)
    try:
        drafts.submit_application(application, user, version)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        if application.state == "draft" and not isinstance(error, StaleVersion | PermissionDenied):
            missing = drafts.readiness(application)
            if missing:
                raise _not_ready(missing) from None
        raise _refusal(error) from None
    except StaleDataError:
        db.session.rollback()
        raise problems.stale_version(db.session.get(Application, application_id).version) from None
    return _changed(application)


@bp.post("/applications/<id:application_id>/withdraw")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def withdraw_application(application_id: int, json: Withdrawal):
    """Withdraw an application

    As on its status page: while the authorities review it, or approved and
    waiting for the fee. Its open reviews are cancelled and the reviewers
    told; `reason` is optional. Needs If-Match with the application's ETag."""
    user, application = _mine(application_id)
    version = conditional.matched_version(application.version)
    form = page_form(f.WithdrawForm, {"reason": json.reason})
    if application.state not in WITHDRAWABLE_STATES:  # as the page: a draft is not withdrawn, nor a decided one
        raise problems.Problem(409, _("This application can no longer be withdrawn."), kind="refused",
                               title="The action is not possible now")
    with acting(application_id):
        withdraw(application, user, version, reason=form.reason.data or "")
    return _changed(application)


ANSWER_NAMES = {"file": "files"}


@bp.post("/applications/<id:application_id>/reviews/<id:review_id>/answer")
@upload_limit
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail}, errors=WRITE_ERRORS,
           headers={200: ("ETag",)})
def answer_request(application_id: int, review_id: int, json: AnswerBody, form: AnswerUpload):
    """Answer a review's request for information

    As on the status page: your answer, with documents of your company
    (`document_ids`) and, sent as multipart/form-data, files uploaded now
    (`files`). The review resumes and its reviewers are told. Needs If-Match
    with the **review's** version (`reviews[].version` of the application);
    the answer is the application, its ETag the application's."""
    user, application = _mine(application_id)
    review = db.session.get(ReviewTask, review_id)
    if review is None or review.application_id != application.id:
        raise problems.not_found("This application has no such review.")
    version = conditional.matched_version(review.version)
    answer = form if form is not None else json
    files = [file for file in getattr(answer, "files", []) if isinstance(file, FileStorage) and file.filename]
    wtf = page_form(f.AnswerForm, {"body": answer.body})
    mine = company_ids(user)
    kept, unknown = [], []
    for document_id in dict.fromkeys(answer.document_ids):
        document = db.session.get(DocumentRow, document_id) if 0 < document_id <= MAX_ID else None
        if document is not None and document.company_id in mine:
            kept.append(document)
        else:
            unknown.append(document_id)  # another company's is as unknown as none
    if unknown:
        raise problems.validation_problem([{"field": "document_ids", "in": "body", "pointer": "#/document_ids",
                                            "detail": f"Your company has no document {item}."} for item in unknown])
    uploads = [documents.Upload(stream=file.stream, filename=file.filename) for file in files]
    with acting(application_id, ANSWER_NAMES):
        drafts.answer_request(review, user, wtf.body.data or "", uploads, version, kept=kept)
    db.session.refresh(application)
    return _changed(application)


# ----------------------------------------------------------------------------- the permit and the invoices


def _pdf(data: bytes, filename: str) -> Response:
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/applications/<id:application_id>/permit.pdf")
@operation(tags=("Producers",), scope="read", responses={200: None}, errors=(404, 503),
           headers={200: ("Content-Disposition",)}, media={200: "application/pdf"})
def get_permit_pdf(application_id: int):
    """The permit's PDF

    The current version of the issued permit, as its page serves it (while a
    new version is being made, the latest ready one). 404 before the permit
    is issued; 503 with Retry-After while its first PDF is being made."""
    _user, application = _mine(application_id)
    permit = permit_service.permit_of(application)
    if permit is None:
        raise problems.not_found("No permit has been issued for this application.")
    version = permit_service.current_version(permit)
    if version is None or version.status != "ready":
        version = permit_service.latest_ready_version(permit)
    if version is None:
        raise problems.Problem(503, "The permit's PDF is still being prepared. Try again in a minute.",
                               headers={"Retry-After": "60"})
    with storage().open(version.storage_key) as stored:
        data = stored.read()
    return _pdf(data, f"{permit.number}-v{version.version}.pdf")


def _translated_label(code: str, sites: dict) -> Translated:
    values = {}
    for language in LANGUAGES:
        with force_locale(language):
            values[language] = invoice_line_label(code, sites)
    return Translated(**values)


@bp.get("/applications/<id:application_id>/invoices")
@operation(tags=("Producers",), scope="read", responses={200: InvoiceList}, errors=(404,))
def list_invoices(application_id: int):
    """An application's invoices

    Every version of its invoices (a waiver reissues one; an amendment may
    add a supplementary one), their lines, and the balance still owed."""
    _user, application = _mine(application_id)
    invoices = ledger.invoice_versions(application.id)
    site_ids = {int(line["code"][5:]) for invoice in invoices for line in (invoice.lines or [])
                if str(line.get("code", "")).startswith("site:") and str(line["code"])[5:].isdigit()}
    sites = ({location.id: location for location in db.session.execute(
        select(Location).where(Location.id.in_(site_ids))).scalars()} if site_ids else {})
    items = [
        InvoiceInfo(
            id=invoice.id, number=invoice.number, version=invoice.version, kind=invoice.kind,
            current=bool(invoice.is_current), reference=invoice.reference, currency=invoice.currency,
            subtotal=invoice.subtotal, waived=invoice.waived, total=invoice.total, issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            lines=[InvoiceLine(code=str(line.get("code", "")), label=_translated_label(str(line.get("code", "")), sites),
                               quantity=Decimal(str(line.get("quantity", "1"))),
                               unit_amount=Decimal(str(line.get("unit_amount", "0"))),
                               amount=Decimal(str(line.get("amount", "0"))))
                   for line in invoice.lines or []],
            pdf_url=url_for("api.get_invoice_pdf", application_id=application.id, invoice_id=invoice.id, _external=True),
        )
        for invoice in invoices
    ]
    return InvoiceList(items=items, balance=ledger.balance_of(application) if invoices else Decimal("0.00"))


@bp.get("/applications/<id:application_id>/invoices/<id:invoice_id>.pdf")
@operation(tags=("Producers",), scope="read", responses={200: None}, errors=(404,),
           headers={200: ("Content-Disposition",)}, media={200: "application/pdf"})
def get_invoice_pdf(application_id: int, invoice_id: int):
    """One version of an invoice, as a PDF

    In the language of Accept-Language (az, en or ru), as on the portal."""
    _user, application = _mine(application_id)
    invoice = money_documents.invoice_of_application(application.id, invoice_id)
    if invoice is None:
        raise problems.not_found("This application has no such invoice.")
    return _pdf(money_documents.invoice_pdf(invoice, current_language()), money_documents.invoice_filename(invoice))
