"""Issuing permits: number, verification token, conditions, PDF versions.

A permit has one or more ``PermitVersion`` rows: version 1 when the final
review approves, one more for every approved amendment (rider). Each version's
PDF is made by a Celery task after the commit (the database is the truth: a
periodic catch-up renders anything still pending), and its SHA-256 is kept so
the public verification page can show it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import logging
import secrets
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, or_, select, update

from permits import dispatch
from permits.database import lock_row
from permits.extensions import db
from permits.formats import OFFICIAL_LANGUAGE, side_by_side
from permits.labels import ACTIVITIES, PRODUCTION_TYPES, REGION_NAMES
from permits.models import (
    Amendment,
    Application,
    Booking,
    Deadline,
    DeadlineKind,
    Organisation,
    Permit,
    PermitVersion,
    ReviewTask,
)
from permits.notifications.render import amendment_summary
from permits.services import notify, summaries
from permits.services.context import calendar, definition_of, now_utc
from permits.storage import storage
from workflows import APPROVING_REVIEW_STATES, current_definition, state_values

log = logging.getLogger(__name__)

# Without look-alike characters (0/O, 1/I/L), so it can be read out and typed.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# A version still pending after this long is picked up by the catch-up task.
CATCH_UP_AFTER = dt.timedelta(minutes=2)
# The Celery task that draws a version's PDF (registered in permits.tasks).
RENDER_TASK = "permits.tasks.render_permit_pdf"


# ----------------------------------------------------------------------------- conditions and bookings


def _counted_review(review: ReviewTask, approved_amendments: set[int]) -> bool:
    return review.amendment_id is None or review.amendment_id in approved_amendments


def approved_amendment_ids(application: Application) -> set[int]:
    return set(
        db.session.execute(
            select(Amendment.id).where(Amendment.application_id == application.id, Amendment.state == "approved")
        ).scalars()
    )


def conditions_of(application: Application, up_to_amendment: int | None = None) -> list[dict]:
    """The conditions of every approving review, grouped by organisation:
    the original reviews and those of approved amendments (up to one)."""
    approved = approved_amendment_ids(application)
    if up_to_amendment is not None:
        approved = {a for a in approved if a <= up_to_amendment} | {up_to_amendment}
    reviews = db.session.execute(
        select(ReviewTask)
        .where(ReviewTask.application_id == application.id, ReviewTask.state == "approved_with_conditions")
        .order_by(ReviewTask.id)
    ).scalars()
    return [
        {"organisation_id": review.organisation_id, "review_kind": review.kind, "conditions": list(review.conditions)}
        for review in reviews
        if review.conditions and _counted_review(review, approved)
    ]


def grouped_conditions(conditions: list[dict], language: str | None = None, *,
                       official: str | None = None) -> list[tuple[str, list[str]]]:
    """[(organisation name, [condition, ...]), ...] in first-seen order; with
    ``official`` (the permit's Azerbaijani) the name in both languages."""
    groups: dict[int, list[str]] = {}
    for item in conditions or []:
        groups.setdefault(item["organisation_id"], []).extend(item.get("conditions") or [])
    result = []
    for organisation_id, texts in groups.items():
        organisation = db.session.get(Organisation, organisation_id)
        name = organisation.translated("name", language) if organisation is not None else ""
        if official and organisation is not None:
            name = side_by_side(organisation.translated("name", official), name)
        result.append((name, texts))
    return result


def permitted_bookings(application: Application, version: PermitVersion | None = None) -> list[Booking]:
    """The bookings a version of the permit covers: the original active ones
    and those of amendments approved up to that version's amendment."""
    result = []
    for booking in application.bookings:
        if not booking.active:
            continue
        later = version is not None and booking.amendment_id is not None and (
            version.amendment_id is None or booking.amendment_id > version.amendment_id
        )
        if later:
            continue
        result.append(booking)
    return result


# ----------------------------------------------------------------------------- issuing


def issue(application: Application, now: dt.datetime) -> Permit:
    """Give the approved application its permit; the PDF is made by a task."""
    existing = db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    active = [b for b in application.bookings if b.active]
    year = calendar().local_date(now).year
    permit = Permit(
        application_id=application.id,
        number=f"AZP-{year}-{application.id:06d}",
        verification_token=secrets.token_urlsafe(24),  # 192 bits
        short_code="".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8)),
        status="valid",
        valid_from=min(b.start_date for b in active),
        valid_until=max(b.end_date for b in active),
        conditions=conditions_of(application),
        issued_at=now,
        current_version=1,
    )
    db.session.add(permit)
    db.session.flush()
    summaries.count_permit(permit)
    _add_version(permit, 1, now)
    schedule_permit_deadlines(application, permit)
    return permit


def _add_version(permit: Permit, number: int, now: dt.datetime, *, amendment: Amendment | None = None) -> PermitVersion:
    version = PermitVersion(
        permit_id=permit.id,
        version=number,
        status="pending",
        created_at=now,
        amendment_id=amendment.id if amendment is not None else None,
        summary=amendment.summary if amendment is not None else "",
    )
    db.session.add(version)
    db.session.flush()
    dispatch.after_commit(RENDER_TASK, version.id)
    return version


def add_rider(application: Application, amendment: Amendment, now: dt.datetime) -> PermitVersion:
    """An approved amendment: the next version of the permit, longer validity,
    the amendment's conditions, and the expiry moved to the new last day."""
    permit = permit_of(application)
    if permit is None:
        raise RuntimeError(f"application {application.id} has no permit to amend")
    permit = lock_row(db.session, Permit, permit.id)
    bookings = [b for b in application.bookings if b.active]
    permit.valid_from = min(b.start_date for b in bookings)
    permit.valid_until = max(b.end_date for b in bookings)
    permit.conditions = conditions_of(application)
    permit.current_version = (permit.current_version or 1) + 1
    version = _add_version(permit, permit.current_version, now, amendment=amendment)
    reschedule_permit_deadlines(application, permit)
    return version


def schedule_permit_deadlines(application: Application, permit: Permit) -> None:
    zone = ZoneInfo(calendar().tz)
    # Expired from the first minute after the last shoot day, local time.
    end = dt.datetime.combine(permit.valid_until + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone).astimezone(dt.UTC)
    db.session.add(Deadline(kind=DeadlineKind.PERMIT_EXPIRY, application_id=application.id, due_at=end))
    warn = end - dt.timedelta(days=2)
    if warn > now_utc():
        db.session.add(Deadline(kind=DeadlineKind.PERMIT_EXPIRING, application_id=application.id, due_at=warn))


def reschedule_permit_deadlines(application: Application, permit: Permit) -> None:
    db.session.execute(
        update(Deadline)
        .where(
            Deadline.application_id == application.id,
            Deadline.kind.in_((DeadlineKind.PERMIT_EXPIRY, DeadlineKind.PERMIT_EXPIRING)),
            Deadline.status == "pending",
        )
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    schedule_permit_deadlines(application, permit)


def permit_of(application: Application) -> Permit | None:
    return db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()


def mark_revoked(application: Application, reason: str, now: dt.datetime) -> None:
    permit = permit_of(application)
    if permit is None:
        return
    permit.status = "revoked"
    permit.revoked_at = now
    permit.revoked_reason = reason

    context = notify.base_context(application)
    context.update({"number": permit.number, "reason": reason})
    notify.tell_producers(application, "permit_revoked", f"revoked:{permit.id}", context)


def mark_expired(application: Application, now: dt.datetime) -> None:
    permit = permit_of(application)
    if permit is not None:
        permit.status = "expired"


# ----------------------------------------------------------------------------- the PDF


def verification_url(permit: Permit) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/verify/{permit.verification_token}"


def country_name(code: str, language: str) -> str:
    """A country named in a language (its code when Babel has none)."""
    from babel import Locale

    return Locale.parse(language).territories.get(code, code) if code else ""


def lookup_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify/"


def producer_language(application: Application) -> str:
    user = application.created_by
    language = (user.language if user is not None else None) or current_app.config.get("BABEL_DEFAULT_LOCALE", "az")
    return language if language in ("az", "en", "ru") else "az"


def _authority(application: Application, language: str) -> str:
    """Who issues the permit: the organisation whose final review approved it
    (else the film commission)."""
    defn = definition_of(application)
    final = db.session.execute(
        select(ReviewTask)
        .where(ReviewTask.application_id == application.id,
               ReviewTask.kind.in_([k.code for k in defn.kinds_in_stage("final")]),
               ReviewTask.state.in_(state_values(APPROVING_REVIEW_STATES)))
        .order_by(ReviewTask.id)
        .limit(1)
    ).scalar_one_or_none()
    organisation = final.organisation if final is not None else db.session.execute(
        select(Organisation).where(Organisation.kind == defn.commission_org_kind).order_by(Organisation.id).limit(1)
    ).scalar_one_or_none()
    if organisation is None:
        return "Film Commission of Azerbaijan"
    return side_by_side(organisation.translated("name", OFFICIAL_LANGUAGE), organisation.translated("name", language))


def document_for(version: PermitVersion):
    """The plain values printed on one version of a permit."""
    # permits.pdf loads reportlab: only the processes that draw a PDF pay for it.
    from permits.pdf import ConditionGroup, PermitDocument, SiteLine
    from permits.pdf.labels import translated_code

    permit = version.permit
    application = permit.application
    language = producer_language(application)
    bookings = permitted_bookings(application, version)
    if version.amendment_id is None:
        # Version 1 prints the conditions of the original reviews only.
        conditions = [
            {"organisation_id": r.organisation_id, "review_kind": r.kind, "conditions": list(r.conditions)}
            for r in application.reviews
            if r.amendment_id is None and r.state == "approved_with_conditions" and r.conditions
        ]
    else:
        conditions = conditions_of(application, up_to_amendment=version.amendment_id)

    # Azerbaijani, with the producer's language alongside (permits.pdf.labels).
    def both(mapping, code):
        return side_by_side(translated_code(mapping, code, OFFICIAL_LANGUAGE), translated_code(mapping, code, language))

    def site_name(location):
        return side_by_side(location.translated("name", OFFICIAL_LANGUAGE), location.translated("name", language))

    def region_name(code):
        names = REGION_NAMES.get(code or "")
        if names is None:  # a region the list does not know: its code made readable, never the raw key
            return (code or "").replace("_", " ").title()
        return side_by_side(names.get(OFFICIAL_LANGUAGE, ""), names.get(language, ""))

    return PermitDocument(
        language=language,
        number=permit.number,
        short_code=permit.short_code,
        version=version.version,
        status=permit.status,
        valid_from=min((b.start_date for b in bookings), default=permit.valid_from),
        valid_until=max((b.end_date for b in bookings), default=permit.valid_until),
        issued_on=calendar().local_date(version.created_at or permit.issued_at),
        authority=_authority(application, language),
        title=application.title,
        production_type=both(PRODUCTION_TYPES, application.production_type),
        company=application.company.legal_name,
        company_country=side_by_side(country_name(application.company.country, OFFICIAL_LANGUAGE),
                                     country_name(application.company.country, language)),
        reference=application.display_reference,
        sites=tuple(
            SiteLine(
                name=site_name(b.location),
                region=region_name(b.location.region),
                start=b.start_date,
                end=b.end_date,
                daily_start=b.daily_start,
                daily_end=b.daily_end,
                crew=b.crew_on_site,
                added_by_amendment=b.amendment_id is not None,
            )
            for b in bookings
        ),
        activities=tuple(both(ACTIVITIES, a) for a in (application.activities or [])),
        conditions=tuple(ConditionGroup(name, tuple(texts)) for name, texts in grouped_conditions(conditions, language, official=OFFICIAL_LANGUAGE)),
        verification_url=verification_url(permit),
        lookup_url=lookup_url(),
        amendment_summary=(side_by_side(amendment_summary(version.amendment_id, OFFICIAL_LANGUAGE),
                                        amendment_summary(version.amendment_id, language))
                           if version.amendment_id is not None else "") or version.summary or "",
    )


def render_version(version_id: int, now: dt.datetime | None = None) -> str:
    """Make and store one version's PDF. Idempotent: a ready version is left
    alone; run under a row lock so two workers never both render it."""
    from permits.pdf import render_permit  # reportlab, see document_for

    now = now or now_utc()
    version = lock_row(db.session, PermitVersion, version_id)
    if version is None:
        return "missing"
    if version.status == "ready":
        return "ready"
    try:
        data = render_permit(document_for(version))
    except Exception:
        log.exception("Could not render permit version %s", version_id)
        version.status = "failed"
        return "failed"
    version.storage_key = storage().save(io.BytesIO(data))
    version.sha256 = hashlib.sha256(data).hexdigest()
    version.status = "ready"
    version.ready_at = now
    return "ready"


def pending_version_ids(now: dt.datetime | None = None, *, older_than: dt.timedelta = CATCH_UP_AFTER) -> list[int]:
    """Versions the catch-up should render: pending for a while, or failed."""
    now = now or now_utc()
    return list(
        db.session.execute(
            select(PermitVersion.id)
            .where(or_(and_(PermitVersion.status == "pending", PermitVersion.created_at <= now - older_than),
                       PermitVersion.status == "failed"))
            .order_by(PermitVersion.id)
            .limit(100)
        ).scalars()
    )


def current_version(permit: Permit) -> PermitVersion | None:
    return next((v for v in permit.versions if v.version == permit.current_version), None)


def latest_ready_version(permit: Permit) -> PermitVersion | None:
    ready = [v for v in permit.versions if v.status == "ready"]
    return ready[-1] if ready else None


# ----------------------------------------------------------------------------- public lookup


def normalise_number(number: str) -> str:
    return "".join((number or "").split()).upper()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def find_by_token(token: str) -> Permit | None:
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    permit = db.session.execute(select(Permit).where(Permit.verification_token == token)).scalar_one_or_none()
    if permit is None or not hmac.compare_digest(permit.verification_token, token):
        return None
    return permit


def find_by_number_and_code(number: str, code: str) -> Permit | None:
    """The permit, only when the short code matches too; an unknown number and
    a wrong code look the same to the caller."""
    number, code = normalise_number(number)[:32], normalise_code(code)[:16]
    permit = db.session.execute(select(Permit).where(Permit.number == number)).scalar_one_or_none() if number else None
    expected = permit.short_code if permit is not None else "X" * 8
    matches = hmac.compare_digest(expected.encode(), code.encode())
    return permit if (permit is not None and matches and code) else None


# ----------------------------------------------------------------------------- what is filming here


def filming_at(location, today: dt.date | None = None, limit: int = 10) -> list[dict]:
    """Current and upcoming permitted shoots at a site, from valid permits only."""
    if location is None or getattr(location, "id", None) is None:
        return []
    today = today or calendar().local_date(now_utc())
    rows = db.session.execute(
        select(Booking, Application, Permit)
        .join(Application, Application.id == Booking.application_id)
        .join(Permit, Permit.application_id == Application.id)
        .where(
            Booking.location_id == location.id,
            Booking.active.is_(True),
            Booking.end_date >= today,
            Permit.status == "valid",
            Application.state == "approved",
        )
        .order_by(Booking.start_date, Booking.id)
        .limit(limit)
    ).all()
    result = []
    commission = None
    for booking, application, _permit in rows:
        company = application.company
        # Only what the producer gave for residents is public. Without it the
        # residents get the film commission's number - never, silently, the
        # producer's own (registration) phone or e-mail.
        contact = (application.local_contact or "").strip()
        if not contact and commission is None:
            commission = commission_contact()
        result.append(
            {
                "title": application.title,
                "company": company.legal_name,
                "start": booking.start_date,
                "end": booking.end_date,
                "daily_start": booking.daily_start,
                "daily_end": booking.daily_end,
                "contact": contact or commission,
                "contact_is_commission": not contact,
                "now": booking.start_date <= today <= booking.end_date,
            }
        )
    return result


def commission_contact() -> str:
    """The film commission's public telephone (else e-mail), for residents."""
    commission = db.session.execute(
        select(Organisation).where(Organisation.kind == current_definition().commission_org_kind)
        .order_by(Organisation.id).limit(1)
    ).scalar_one_or_none()
    if commission is None:
        return ""
    return (commission.phone or commission.email or "").strip()
