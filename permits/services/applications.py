"""The producer's side of an application: the draft and its filming sites,
the task list, submission, answers to reviewers, a replacement for a refused
site, and quotes before applying.

The task-list sections of the portal call these; they check that the actor
acts for the application's company and that the draft can still change. The
state changes themselves go through the engine (``services.workflow``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from permits.countries import is_country
from permits.extensions import db
from permits.formats import date_text
from permits.models import Application, Booking, Document, Location, User
from permits.services import (
    PermissionDenied,
    ServiceError,
    StaleVersion,
    documents,
    ledger,
    quotes,
    summaries,
    version_is_stale,
    workflow,
)
from permits.services.audit import record_event
from permits.services.context import (
    booking_facts,
    calendar,
    definition_of,
    facts_for,
    now_utc,
    organisations_for,
    process_for,
    producer_role,
)
from permits.services.documents import attach_passport_documents, document_checks
from permits.services.quotes import Timeline, timeline_for
from workflows import (
    ACTIVITIES,
    BOOKED_APPLICATION_STATES,
    EDITABLE_APPLICATION_STATES,
    FAST_TRACK,
    PRODUCTION_TYPES,
    STANDARD,
    ApplicationFacts,
    ApplicationState,
    current_definition,
    reviews_touched_by_amendment,
    shoot_days,
    state_values,
)


def _company_of(actor: User):
    company = actor.company if actor is not None else None
    if company is None:
        raise PermissionDenied(_("Only a producer acting for a company can file applications."))
    return company


def ensure_editable(application: Application, actor: User) -> None:
    if not any(m.company_id == application.company_id for m in actor.company_memberships):
        raise PermissionDenied(_("Only the company that filed this application can change it."))
    if application.state not in state_values(EDITABLE_APPLICATION_STATES):
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


def shoot_date_problems(start: dt.date, end: dt.date, *, today: dt.date | None = None,
                        definition=None) -> list[tuple[str, str]]:
    """(field, message) pairs for shoot dates outside the definition's bounds:
    too far ahead, or one booking too long (no fee of millions of manat for
    a booking to the year 9999)."""
    from workflows import current_definition

    definition = definition or current_definition()
    today = today or calendar().local_date(now_utc())
    problems: list[tuple[str, str]] = []
    last_allowed = today + dt.timedelta(days=definition.booking_horizon_days)
    if end > last_allowed or start > last_allowed:
        problems.append(("end_date", _("Shoot dates can be at most %(n)d days ahead, until %(date)s. Apply again nearer the time.",
                                       n=definition.booking_horizon_days, date=date_text(last_allowed))))
    elif end >= start and (end - start).days + 1 > definition.max_booking_days:
        problems.append(("end_date", _("One booking can last at most %(n)d days. For a longer shoot, book the site again for the following days.",
                                       n=definition.max_booking_days)))
    return problems


def booking_problems(location: Location, start: dt.date, end: dt.date, crew: int, *, today: dt.date | None = None,
                     definition=None) -> list[tuple[str, str]]:
    """(field, message) pairs for a booking that cannot be filed."""
    today = today or calendar().local_date(now_utc())
    problems: list[tuple[str, str]] = []
    if end < start:
        problems.append(("end_date", _("The last day must be on or after the first day.")))
    if start <= today:
        problems.append(("start_date", _("Filming must start after today.")))
    problems.extend(shoot_date_problems(start, end, today=today, definition=definition))
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
                          start=date_text(blackout.start_date), end=date_text(blackout.end_date)),
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
            Application.state.in_(state_values(BOOKED_APPLICATION_STATES)),
        )
    )
    if exclude_application_id is not None:
        query = query.where(Booking.application_id != exclude_application_id)
    # The page names each clash's application: loaded with it, not one by one.
    query = query.options(contains_eager(Booking.application))
    return list(db.session.execute(query).scalars())


def new_booking(application: Application, location: Location, *, start: dt.date, end: dt.date, crew_on_site: int,
                vehicles: int = 0, daily_start: dt.time = dt.time(8), daily_end: dt.time = dt.time(20), notes: str = "",
                amendment_id: int | None = None, active: bool = True) -> Booking:
    """A booking checked like every other - a draft's, an amendment's or a
    replacement for a refused site: dates, crew, closures and daily hours."""
    problems = booking_problems(location, start, end, crew_on_site, definition=process_for(application))
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
        notes=(notes or "").strip(),
        amendment_id=amendment_id,
        active=active,
    )
    with summaries.counting(application):  # a filed application's sites requested (a draft counts nowhere)
        db.session.add(booking)
        db.session.flush()
    return booking


def add_booking(application: Application, actor: User, location: Location, **booking) -> Booking:
    ensure_editable(application, actor)
    added = new_booking(application, location, **booking)
    db.session.refresh(application)
    return added


def remove_booking(application: Application, actor: User, booking: Booking) -> None:
    ensure_editable(application, actor)
    if booking.application_id != application.id:
        raise PermissionDenied(_("This booking belongs to another application."))
    db.session.delete(booking)
    db.session.flush()


# ----------------------------------------------------------------------------- the task list

SECTIONS = ("company", "production", "sites", "activities", "crew", "documents", "declaration")
STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_COMPLETED = "not_started", "in_progress", "completed"


def section_started(application: Application, section: str) -> bool:
    if section == "company":
        return bool(application.contact_name or application.contact_email or application.local_contact)
    if section == "production":
        return bool(application.title or application.synopsis)
    if section == "sites":
        return bool(application.bookings)
    if section == "activities":
        return bool(application.activities or application.safety_notes)
    if section == "crew":
        return bool(application.crew_total or application.equipment_notes)
    if section == "documents":
        return bool(application.documents)
    if section == "declaration":
        return bool(application.declaration_name)
    raise ValueError(f"unknown section {section!r}")


def section_status(application: Application, section: str) -> str:
    if section in (application.completed_sections or []):
        return STATUS_COMPLETED
    return STATUS_IN_PROGRESS if section_started(application, section) else STATUS_NOT_STARTED


def _looks_like_email(value: str) -> bool:
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value or ""))


def section_problems(application: Application, section: str, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(field, message) pairs that keep a section from being complete."""
    problems: list[tuple[str, str]] = []
    if section == "company":
        if not application.contact_name.strip():
            problems.append(("contact_name", _("Enter the name of the contact person for this shoot.")))
        if not _looks_like_email(application.contact_email):
            problems.append(("contact_email", _("Enter the contact's e-mail address, like name@example.com.")))
        if not application.contact_phone.strip():
            problems.append(("contact_phone", _("Enter a telephone number reviewers can call during the shoot.")))
    elif section == "production":
        if not application.title.strip():
            problems.append(("title", _("Enter the title of the production.")))
        if application.production_type not in PRODUCTION_TYPES:
            problems.append(("production_type", _("Choose the type of production.")))
        if not is_country(application.country_of_origin):
            problems.append(("country_of_origin", _("Choose the country of origin.")))
        if len(application.synopsis.strip()) < 20:
            problems.append(("synopsis", _("Describe the production in a few sentences (at least 20 characters).")))
    elif section == "sites":
        active = [b for b in application.bookings if b.active]
        if not active:
            problems.append(("location_id", _("Add at least one filming site and its dates.")))
        for booking in active:
            for field, message in booking_problems(booking.location, booking.start_date, booking.end_date,
                                                   booking.crew_on_site, today=today,
                                                   definition=process_for(application)):
                problems.append((field, f"{booking.location.name}: {message}"))
    elif section == "activities":
        if application.activities and len(application.safety_notes.strip()) < 10:
            problems.append(("safety_notes", _("Describe the safety measures for the activities you declared.")))
    elif section == "crew":
        largest = max((b.crew_on_site for b in application.bookings if b.active), default=0)
        if application.crew_total < 1:
            problems.append(("crew_total", _("Enter the size of the whole crew.")))
        elif application.crew_total < largest:
            problems.append(("crew_total", _("The whole crew cannot be smaller than the crew on site at one of your sites (%(n)d).", n=largest)))
    elif section == "documents":
        problems.extend(("document_id", check.message) for check in document_checks(application, today) if check.blocking)
    elif section == "declaration" and (not application.declaration_name.strip() or application.declared_at is None):
        problems.append(("declaration_name", _("Type your full name to sign the declaration.")))
    return problems


def _set_completed(application: Application, section: str, complete: bool, *, today: dt.date | None = None) -> None:
    done = [s for s in (application.completed_sections or []) if s != section]
    if complete:
        problems = section_problems(application, section, today=today)
        if problems:
            field = problems[0][0]
            # Every problem of that field, so that each missing document is named.
            raise ServiceError(" ".join(dict.fromkeys(m for f, m in problems if f == field)), field=field)
        done.append(section)
    application.completed_sections = [s for s in SECTIONS if s in done]


def _reopen(application: Application, *sections: str) -> None:
    application.completed_sections = [s for s in (application.completed_sections or []) if s not in sections]


def save_contacts(application: Application, actor: User, *, contact_name: str, contact_email: str, contact_phone: str,
                  local_contact: str = "", complete: bool = False) -> Application:
    ensure_editable(application, actor)
    application.contact_name = (contact_name or "").strip()[:255]
    application.contact_email = (contact_email or "").strip()[:255]
    application.contact_phone = (contact_phone or "").strip()[:64]
    application.local_contact = (local_contact or "").strip()[:255]
    _set_completed(application, "company", complete)
    db.session.flush()
    return application


def save_production(application: Application, actor: User, *, title: str, production_type: str, country_of_origin: str,
                    synopsis: str, complete: bool = False) -> Application:
    ensure_editable(application, actor)
    if production_type and production_type not in PRODUCTION_TYPES:
        raise ServiceError(_("Choose one of the offered production types."), field="production_type")
    application.title = (title or "").strip()[:255]
    application.production_type = production_type or ""
    country_of_origin = (country_of_origin or "").strip().upper()
    if country_of_origin and not is_country(country_of_origin):
        raise ServiceError(_("Choose the country of origin from the list."), field="country_of_origin")
    application.country_of_origin = country_of_origin
    application.synopsis = (synopsis or "").strip()
    _set_completed(application, "production", complete)
    db.session.flush()
    return application


def save_activities(application: Application, actor: User, *, activities: list[str], safety_notes: str,
                    complete: bool = False) -> Application:
    ensure_editable(application, actor)
    unknown = set(activities or ()) - set(ACTIVITIES)
    if unknown:
        raise ServiceError(_("Choose activities from the list."), field="activities")
    chosen = sorted(set(activities or ()))
    if chosen != sorted(application.activities or []):
        # A drone needs a licence; the documents must be checked again.
        _reopen(application, "documents")
    application.activities = chosen
    application.safety_notes = (safety_notes or "").strip()
    _set_completed(application, "activities", complete)
    db.session.flush()
    return application


def save_crew(application: Application, actor: User, *, crew_total: int, equipment_notes: str,
              complete: bool = False) -> Application:
    ensure_editable(application, actor)
    if crew_total is None or crew_total < 0:
        raise ServiceError(_("Enter the size of the whole crew."), field="crew_total")
    application.crew_total = int(crew_total)
    application.equipment_notes = (equipment_notes or "").strip()
    _set_completed(application, "crew", complete)
    db.session.flush()
    return application


def mark_section(application: Application, actor: User, section: str, complete: bool) -> Application:
    """For the sections whose content is saved item by item (sites, documents)."""
    ensure_editable(application, actor)
    if section not in ("sites", "documents"):
        raise ServiceError(_("This section is saved with its own form."))
    _set_completed(application, section, complete)
    db.session.flush()
    return application


def declare(application: Application, actor: User, *, name: str, confirmed: bool, now: dt.datetime | None = None) -> Application:
    ensure_editable(application, actor)
    if not confirmed:
        raise ServiceError(_("Confirm that the information is true and complete."), field="confirm")
    if not (name or "").strip():
        raise ServiceError(_("Type your full name to sign the declaration."), field="declaration_name")
    application.declaration_name = name.strip()[:255]
    application.declared_at = now or now_utc()
    _set_completed(application, "declaration", True)
    db.session.flush()
    return application


def _changed(application: Application) -> None:
    """A change of the draft's items (a booking, a document) is a change of
    the draft: its row version moves (and its last update), so a form or a
    program holding the old version is told someone changed it."""
    application.updated_at = now_utc()


def add_site_booking(application: Application, actor: User, location: Location, **kwargs) -> Booking:
    """Add a booking from the task list: the sites section is open again."""
    booking = add_booking(application, actor, location, **kwargs)
    _reopen(application, "sites")
    _changed(application)
    db.session.flush()
    return booking


def remove_site_booking(application: Application, actor: User, booking: Booking) -> None:
    remove_booking(application, actor, booking)
    _reopen(application, "sites")
    _changed(application)
    db.session.flush()
    db.session.refresh(application)


def add_draft_document(application: Application, actor: User, upload: documents.Upload, *, kind: str,
                       expires_on: dt.date | None = None, insured_name: str = "",
                       in_passport: bool = False) -> Document:
    """Upload a file to the draft's documents (and to the passport if asked)."""
    ensure_editable(application, actor)
    document = documents.upload_to_application(application, actor, upload, kind=kind, expires_on=expires_on,
                                               insured_name=insured_name, in_passport=in_passport)
    _changed(application)
    db.session.flush()
    return document


def remove_draft_document(application: Application, actor: User, document: Document) -> None:
    """Take a document off the draft (the passport keeps its own)."""
    ensure_editable(application, actor)
    documents.detach(application, actor, document)
    _changed(application)
    db.session.flush()


def draft_for_site(actor: User) -> Application:
    """The producer's newest draft, or a new one (the catalogue's "Add to my application")."""
    company = _company_of(actor)
    newest = db.session.execute(
        select(Application)
        .where(Application.company_id == company.id, Application.state == "draft")
        .order_by(Application.updated_at.desc(), Application.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return newest or create_draft(actor)


def draft_from_quote(actor: User, sites: list[PlannedSite], *, activities: list[str], crew_total: int | None,
                     production_type: str = "feature", country_of_origin: str = "") -> Application:
    """A new draft from a quote: its sites, each on its dates with the crew
    and vehicles, the activities, the type of production and the country.
    Each booking is checked like one added on the task list."""
    if not sites:
        raise ServiceError(_("Choose at least one filming site."), field="sites")
    application = create_draft(actor, production_type=production_type or "feature",
                               country_of_origin=country_of_origin or None,
                               activities=[a for a in activities if a in ACTIVITIES], crew_total=crew_total or 0)
    for site in sites:
        add_booking(application, actor, site.location, start=site.start, end=site.end, crew_on_site=site.crew,
                    vehicles=site.vehicles)
    db.session.flush()
    return application


# ----------------------------------------------------------------------------- warnings and submission


@dataclass(frozen=True)
class BookingWarning:
    booking_id: int | None
    kind: str  # late | conflict
    message: str


def booking_warnings(application: Application, now: dt.datetime | None = None) -> list[BookingWarning]:
    """What does not block submission but the producer must know."""
    warnings: list[BookingWarning] = []
    active = [b for b in application.bookings if b.active]
    if active:
        timeline = timeline_for(application, now)
        if timeline.late and timeline.latest_submission:
            warnings.append(BookingWarning(None, "late", _(
                "For a first shoot day of %(start)s, the last day to apply is %(latest)s. You can still submit, "
                "but your application will be marked late and the permit may not be ready in time.",
                start=date_text(application.first_shoot_date), latest=date_text(timeline.latest_submission))))
    for booking in active:
        if conflicts_for(booking.location_id, booking.start_date, booking.end_date, exclude_application_id=application.id):
            warnings.append(BookingWarning(booking.id, "conflict", _(
                "Another production holds or has %(site)s on some of these days (%(start)s to %(end)s). "
                "You can apply, but the site owner may refuse or ask you to change dates.",
                site=booking.location.name, start=date_text(booking.start_date), end=date_text(booking.end_date))))
    return warnings


def readiness(application: Application, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(section, message) pairs that keep the draft from being submitted."""
    problems: list[tuple[str, str]] = []
    for section in SECTIONS:
        if section not in (application.completed_sections or []):
            problems.append((section, _("Complete this section.")))
            continue
        problems.extend((section, message) for _field, message in section_problems(application, section, today=today))
    return problems


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
    now = now or now_utc()
    application = workflow.lock_application(application.id)
    role = producer_role(actor, application)
    workflow.check_version(application, expected_version)
    if application.state != ApplicationState.FINAL_REVIEW.value or not application.needs_ministry_decision:
        raise workflow.WorkflowRefused(_("There is no refused site to replace."))
    defn = definition_of(application)
    before = facts_for(application)
    dropped = workflow.drop_refused_reviews(application, actor, payload={"replaced": True})
    new_booking(application, location, start=start, end=end, crew_on_site=crew_on_site, vehicles=vehicles,
                daily_start=daily_start, daily_end=daily_end, notes=(notes or "")[:2000])
    db.session.refresh(application)
    application.needs_ministry_decision = False
    case = workflow.ApplicationCase(application)
    for review in case.reviews():
        if defn.stage_of(review.kind) == "final" and review.is_open:
            review.flagged = False
    workflow.record_step(case, "replace_site", role, actor,
                         payload={"dropped": dropped, "added": location.name_en, "start": start.isoformat(), "end": end.isoformat()})
    for required in reviews_touched_by_amendment(defn, before, facts_for(application)):
        if defn.stage_of(required.kind_code) == "parallel":
            workflow.open_review(case, required, now)
    ledger.reprice(application, now)
    workflow.advance(case, now, actor)
    return application


def submit_application(application: Application, actor: User, expected_version: int | None,
                       now: dt.datetime | None = None) -> Application:
    """The check-your-answers page: every section complete, then submit."""
    now = now or now_utc()
    if version_is_stale(expected_version, application.version):
        raise StaleVersion(_("Someone else changed this application first. Reload the page to see the latest version."))
    ensure_editable(application, actor)
    problems = readiness(application, calendar().local_date(now))
    if problems:
        section = problems[0][0]
        raise ServiceError(" ".join(dict.fromkeys(m for s, m in problems if s == section)))
    timeline = timeline_for(application, now)
    attach_passport_documents(application, actor)
    workflow.submit(application, actor, expected_version, now=now)
    if timeline.late:
        record_event(application, actor=actor, actor_role="producer", subject="application", action="flagged_late",
                     from_state=None, to_state=None,
                     payload={"latest_submission": timeline.latest_submission.isoformat()
                              if timeline.latest_submission else None})
    return application


def answer_request(review, actor: User, body: str, uploads: list, expected_version: int | None,
                   now: dt.datetime | None = None, kept: list | tuple = ()):
    """The producer answers a request for information, with documents: files
    uploaded now and ``kept`` ones (the company's documents, by row)."""
    message = workflow.provide_information(review, actor, body, expected_version, now=now)
    application = review.application
    for upload in uploads:
        documents.upload_to_application(application, actor, upload, kind="other", message_id=message.id)
    for document in kept:
        documents.attach(application, actor, document, message_id=message.id)
    return message


# ----------------------------------------------------------------------------- quotes before applying


@dataclass(frozen=True)
class PlannedSite:
    location: Location
    start: dt.date
    end: dt.date
    crew: int
    vehicles: int = 0


@dataclass(frozen=True)
class Plan:
    """A quote and timeline for sites not yet in an application."""

    timeline: Timeline
    problems: list[tuple[Location, str]]
    conflicts: list[Location]


def plan(sites: list[PlannedSite], *, activities: list[str], country_of_origin: str = "AZ",
         production_type: str = "feature", now: dt.datetime | None = None) -> Plan:
    """The same numbers as ``quotes.timeline_for`` on an application with
    these bookings, from the same builder."""
    now = now or now_utc()
    acts = frozenset(a for a in activities if a in ACTIVITIES)
    facts = ApplicationFacts(
        production_type=production_type if production_type in PRODUCTION_TYPES else "feature",
        country_of_origin=(country_of_origin or "AZ").upper(),
        bookings=tuple(booking_facts(s.location, s.start, s.end, crew=s.crew, vehicles=s.vehicles, activities=acts)
                       for s in sites),
    )
    booked = [(s.location, shoot_days(s.start, s.end)) for s in sites]
    first_day = min((s.start for s in sites), default=None)
    today = calendar().local_date(now)
    problems = [(s.location, message) for s in sites
                for _field, message in booking_problems(s.location, s.start, s.end, s.crew, today=today)]
    conflicts = [s.location for s in sites if conflicts_for(s.location.id, s.start, s.end)]
    return Plan(timeline=quotes.timeline(facts, booked, first_day, now), problems=problems, conflicts=conflicts)


@dataclass(frozen=True)
class ReviewLine:
    """One review of a quote or draft, for display: who holds it (None when no
    such organisation is set up), its time in business days (0: approved at
    once under standing consent) and, for a site owner's review, the owner's
    sites among those booked."""

    required: object
    organisation: object
    sla: int
    sites: tuple[Location, ...] = ()


def review_organisations(reviews, route: str = STANDARD, sites=()) -> list[ReviewLine]:
    """The reviews' lines for display; ``sites`` (the booked sites) name the
    sites each owner reviews. On the fast track the owners' reviews take no
    time (standing consent)."""
    defn = current_definition()
    sites = list(dict.fromkeys(sites))
    result = []
    reviews = list(reviews)
    for required, organisation in zip(reviews, organisations_for(reviews), strict=True):
        kind = defn.review_kind(required.kind_code)
        instant = route == FAST_TRACK and kind.approved_by_standing_consent
        owned = tuple(site for site in sites
                      if required.owner_org_id is not None and str(site.owner_organisation_id) == str(required.owner_org_id))
        result.append(ReviewLine(required, organisation, 0 if instant else kind.sla_business_days, owned))
    return result
