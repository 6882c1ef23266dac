"""Documents: the production passport and the files of an application.

Uploads are checked by their bytes, never by their name or the browser's
content type: PDF, JPEG and PNG only. Files are stored through
``permits.storage`` under random keys outside the static folder; the database
keeps a sanitised original name, the detected content type, the size and the
SHA-256. The checks of a passport before submission (insurance, drone
licence, expiry, insured name) live here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from permits.extensions import db
from permits.formats import date_text
from permits.labels import review_kind_name
from permits.models import Application, ApplicationDocument, Document, User
from permits.services import PermissionDenied, ServiceError
from permits.services.context import calendar, definition_of, facts_for, now_utc, process_for
from permits.storage import storage
from workflows import documents_needed

DOCUMENT_KINDS = {
    "insurance": _l("Insurance certificate"),
    "registration": _l("Company registration certificate"),
    "drone_licence": _l("Drone licence"),
    "synopsis": _l("Synopsis or script"),
    "site_plan": _l("Site plan"),
    # What the agencies need (process version 2):
    "uav_registration": _l("UAV registration certificate"),
    "remote_pilot_certificate": _l("Remote pilot certificate"),
    "flight_plan": _l("Drone flight plan (area, maximum altitude, times)"),
    "pyrotechnician_licence": _l("Pyrotechnician's licence"),
    "safety_plan": _l("Fire and explosives safety plan"),
    "traffic_management_plan": _l("Traffic management plan"),
    "armourer_licence": _l("Armourer's licence"),
    "prop_weapons_list": _l("List of prop weapons"),
    # The proof of a fee waiver ground (process version 3).
    "school_letter": _l("Letter from the film school"),
    "non_profit_certificate": _l("Non-profit registration certificate"),
    "other": _l("Other document"),
}
# Kept in the production passport and used again on every application.
PASSPORT_KINDS = ("insurance", "registration", "drone_licence", "uav_registration", "remote_pilot_certificate",
                  "pyrotechnician_licence", "armourer_licence", "other")
# Licences and certificates that end: the end date is asked on upload and checked
# against the shoot dates, as for insurance.
EXPIRING_KINDS = frozenset({"insurance", "uav_registration", "remote_pilot_certificate", "pyrotechnician_licence",
                            "armourer_licence"})
MAX_DOCUMENTS_PER_APPLICATION = 20
# Documents a company keeps at once: in its passport or on an application.
# Removed ones that nothing uses are deleted by the hourly clean-up
# (permits.services.housekeeping) and free their place.
MAX_DOCUMENTS_PER_COMPANY = 100
EXPIRY_WARNING_DAYS = 30
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# The extensions a name may keep for each detected type (the first is added otherwise).
SUFFIXES = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}

# Legal-form words ignored when comparing a company's name with the name on
# an insurance certificate (Azerbaijani, Russian/Kazakh, English, French...).
LEGAL_FORMS = frozenset(
    {
        "llc", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company",
        "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as",
        "mmc", "asc", "qsc", "ooo", "zao", "oao", "pao", "ao", "too", "tov", "llp",
        "ооо", "зао", "оао", "пао", "ао", "тоо", "ип",
    }
)


# ----------------------------------------------------------------------------- bytes


def sniff(head: bytes, tail: bytes) -> str | None:
    """The content type of a file from its first and last bytes, or None."""
    if head.startswith(b"%PDF-"):
        # A real PDF ends with %%EOF (possibly followed by a newline); a file
        # that merely starts like one, or HTML posing as one, is refused.
        return PDF if b"%%EOF" in tail else None
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def sanitise_filename(name: str | None, content_type: str | None = None) -> str:
    """The last path part of a file name, without control or format characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = _CONTROL.sub("", name)
    # Invisible format characters (U+202E right-to-left override, zero-width
    # spaces...) would let "invoice\u202efdp.exe" read as "invoiceexe.pdf".
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = re.split(r"[\\/]", name)[-1]
    name = name.strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    if not name:
        name = "document" + EXTENSIONS.get(content_type or "", "")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def download_name(document: Document) -> str:
    """The name a download is served under: the uploader's, with an extension
    that says what the bytes are ("page.html" holding a JPEG is "page.jpg",
    a PDF named "tool.exe" is "tool.pdf"), so that no program on the
    recipient's computer opens it as something else."""
    name = document.original_filename or f"document-{document.id}"
    wanted = SUFFIXES.get(document.content_type or "")
    if not wanted:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in wanted:
        return name
    if dot and stem and 1 <= len(suffix) <= 5 and suffix.isalnum():
        name = stem  # an extension of another kind: replaced
    return name + wanted[0]


# ----------------------------------------------------------------------------- uploads


class UnsupportedFile(ServiceError):
    """The bytes are not of a kind we accept (a form shows it next to the field)."""


class FileTooLarge(ServiceError):
    """The file is larger than we keep."""


@dataclass
class Upload:
    """What a view hands to the service: the stream and the browser's name."""

    stream: BinaryIO
    filename: str


def _company_id(actor: User) -> int:
    company = actor.company if actor is not None else None
    if company is None:
        raise PermissionDenied(_("Only a producer acting for a company can upload documents."))
    return company.id


def store(actor: User, upload: Upload, *, kind: str, in_passport: bool = False, expires_on: dt.date | None = None,
          insured_name: str = "", field: str = "file") -> Document:
    """Check and store one file; returns the (flushed) Document row."""
    company_id = _company_id(actor)
    if kind not in DOCUMENT_KINDS:
        raise ServiceError(_("Choose the kind of document."), field="kind")
    if upload is None or upload.stream is None or not (upload.filename or "").strip():
        raise ServiceError(_("Choose a file to upload."), field=field)
    _check_company_room(company_id, field)
    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024)
    data = upload.stream.read(limit + 1)
    if not data:
        raise ServiceError(_("The file is empty."), field=field)
    if len(data) > limit:
        raise FileTooLarge(
            _("The file is larger than %(mb)d MB. Send a smaller file.", mb=max(1, limit // (1024 * 1024))), field=field
        )
    content_type = sniff(data[:16], data[-1024:])
    if content_type is None:
        raise UnsupportedFile(_("The file must be a PDF, JPEG or PNG. Other kinds of file are refused."), field=field)
    if kind in EXPIRING_KINDS and expires_on is None:
        if kind == "insurance":
            raise ServiceError(_("Enter the date the insurance ends."), field="expires_on")
        raise ServiceError(_("Enter the date this licence or certificate ends."), field="expires_on")
    if kind == "insurance" and not (insured_name or "").strip():
        raise ServiceError(_("Enter the insured company's name as written on the certificate."), field="insured_name")
    key = storage().save(io.BytesIO(data))
    document = Document(
        company_id=company_id,
        kind=kind,
        original_filename=sanitise_filename(upload.filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        in_passport=in_passport,
        expires_on=expires_on,
        insured_name=(insured_name or "").strip()[:255],
        uploaded_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    return document


def live_documents_of(company_id: int) -> int:
    """How many of the company's documents are kept: in the passport or on an application."""
    attached = select(ApplicationDocument.id).where(ApplicationDocument.document_id == Document.id).exists()
    return db.session.execute(
        select(func.count(Document.id)).where(Document.company_id == company_id, or_(Document.in_passport.is_(True), attached))
    ).scalar_one()


def _check_company_room(company_id: int, field: str) -> None:
    if live_documents_of(company_id) >= MAX_DOCUMENTS_PER_COMPANY:
        raise ServiceError(
            _("Your company already keeps %(n)d documents, the most we store. Remove documents you no longer need from your production passport, then upload again.",
              n=MAX_DOCUMENTS_PER_COMPANY),
            field=field,
        )


def add_to_passport(actor: User, upload: Upload, *, kind: str, expires_on: dt.date | None = None,
                    insured_name: str = "") -> Document:
    if kind not in PASSPORT_KINDS:
        raise ServiceError(_("Choose the kind of document."), field="kind")
    return store(actor, upload, kind=kind, in_passport=True, expires_on=expires_on, insured_name=insured_name)


def remove_from_passport(actor: User, document: Document) -> None:
    """The document stays on the applications it is attached to."""
    if document.company_id != _company_id(actor):
        raise PermissionDenied(_("This document belongs to another company."))
    document.in_passport = False
    db.session.flush()


def passport_of(company_id: int) -> list[Document]:
    return list(
        db.session.execute(
            select(Document)
            .where(Document.company_id == company_id, Document.in_passport.is_(True))
            .order_by(Document.kind, Document.created_at.desc())
        ).scalars()
    )


def _count(application: Application) -> int:
    return db.session.execute(
        select(func.count(ApplicationDocument.id)).where(ApplicationDocument.application_id == application.id)
    ).scalar_one()


def _check_room(application: Application, adding: int = 1, field: str = "file") -> None:
    if _count(application) + adding > MAX_DOCUMENTS_PER_APPLICATION:
        raise ServiceError(
            _("An application can have at most %(n)d documents. Remove one before adding another.",
              n=MAX_DOCUMENTS_PER_APPLICATION),
            field=field,
        )


def attach(application: Application, actor: User, document: Document, *, message_id: int | None = None) -> ApplicationDocument:
    """Attach a company document to an application (once)."""
    if document.company_id != application.company_id or document.company_id != _company_id(actor):
        raise PermissionDenied(_("This document belongs to another company."))
    for link in application.documents:
        if link.document_id == document.id:
            return link
    _check_room(application, field="document_id")
    link = ApplicationDocument(application_id=application.id, document_id=document.id, message_id=message_id)
    db.session.add(link)
    db.session.flush()
    db.session.refresh(application)
    return link


def upload_to_application(application: Application, actor: User, upload: Upload, *, kind: str,
                          expires_on: dt.date | None = None, insured_name: str = "",
                          in_passport: bool = False, message_id: int | None = None) -> Document:
    _check_room(application)
    document = store(actor, upload, kind=kind, in_passport=in_passport, expires_on=expires_on, insured_name=insured_name)
    attach(application, actor, document, message_id=message_id)
    return document


def detach(application: Application, actor: User, document: Document) -> None:
    for link in list(application.documents):
        if link.document_id == document.id and link.message_id is None:
            db.session.delete(link)
    db.session.flush()
    db.session.refresh(application)


def read(document: Document) -> BinaryIO:
    return storage().open(document.storage_key)


# ----------------------------------------------------------------------------- checks


def normalise_company_name(name: str) -> str:
    """Lower case, no accents or punctuation, no legal-form words."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[.'’`]", "", text)  # S.A.S. -> sas, O'Neil -> oneil
    text = re.sub(r"[^\w\s]", " ", text)
    words = [w for w in text.split() if w not in LEGAL_FORMS]
    return " ".join(words)


def names_match(company_name: str, insured_name: str) -> bool:
    return normalise_company_name(company_name) == normalise_company_name(insured_name)


@dataclass(frozen=True)
class DocumentCheck:
    """A finding about the documents of an application: blocking or a warning."""

    message: str
    blocking: bool = True


# What to say when a needed document is missing; any other kind gets the general sentence.
MISSING = {
    "insurance": _l("Attach an insurance certificate: every application needs one."),
    "drone_licence": _l("You declared drone filming: attach a drone licence."),
}


def _missing(review_kind: str, document_kind: str) -> str:
    if document_kind in MISSING:
        return str(MISSING[document_kind])
    return _("%(review)s needs this document: %(document)s.", review=review_kind_name(review_kind),
             document=DOCUMENT_KINDS.get(document_kind, document_kind))


def needed_documents(application: Application) -> list[tuple]:
    """(review kind, document need) pairs the application's reviews need, as
    the process definition says, for the activities it declares."""
    return documents_needed(process_for(application), facts_for(application), application.activities or ())


def documents_for_review(application: Application, review_kind: str | None = None) -> list[tuple[ApplicationDocument, bool]]:
    """The application's documents, each with whether it concerns the given
    review (a kind of document its review kind needs, as the definition
    says): those come first, so each agency sees its own papers at the top."""
    concerning: set[str] = set()
    if review_kind is not None:
        concerning = {need.document_kind for need in definition_of(application).review_kind(review_kind).documents}
    links = sorted(application.documents, key=lambda link: (link.document.kind not in concerning, link.id))
    return [(link, link.document.kind in concerning) for link in links]


def passport_documents_for(application: Application, needed: list[tuple] | None = None) -> list[Document]:
    """The production passport's documents that stand for needed documents
    (``needed_documents`` unless given) not attached to the application (the
    newest of each kind): they count."""
    needed = needed_documents(application) if needed is None else needed
    attached = {link.document.kind for link in application.documents}
    missing = {need.document_kind for _kind, need in needed} - attached
    chosen: dict[str, Document] = {}
    for document in passport_of(application.company_id):  # newest first within a kind
        if document.kind in missing and document.kind not in chosen:
            chosen[document.kind] = document
    return list(chosen.values())


def attach_passport_documents(application: Application, actor: User) -> list[ApplicationDocument]:
    """On filing, the passport's documents that count are attached, so that
    the reviewers see them with the application."""
    return [attach(application, actor, document) for document in passport_documents_for(application)]


def document_checks(application: Application, today: dt.date | None = None) -> list[DocumentCheck]:
    """What keeps the documents from being filed (blocking) or should be known.
    Every missing document is named; the passport's documents count."""
    today = today or calendar().local_date(now_utc())
    needed = needed_documents(application)
    documents = [link.document for link in application.documents] + passport_documents_for(application, needed)
    last_day = application.last_shoot_date
    checks: list[DocumentCheck] = []
    present = {d.kind for d in documents}
    for kind, need in needed:
        if need.document_kind not in present:
            checks.append(DocumentCheck(_missing(kind.code, need.document_kind)))
    insurances = [d for d in documents if d.kind == "insurance"]
    for document in documents:
        if document.expires_on is None:
            continue
        label = str(DOCUMENT_KINDS.get(document.kind, document.kind))
        when = date_text(document.expires_on)
        if document.expires_on < today:
            checks.append(DocumentCheck(_("%(doc)s “%(name)s” expired on %(date)s. Attach a valid one.",
                                          doc=label, name=document.original_filename, date=when)))
        elif last_day is not None and document.expires_on < last_day:
            checks.append(DocumentCheck(_("%(doc)s “%(name)s” ends on %(date)s, before your last shoot day. Attach one that covers the whole shoot.",
                                          doc=label, name=document.original_filename, date=when)))
        elif document.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
            checks.append(DocumentCheck(_("%(doc)s “%(name)s” ends soon, on %(date)s.",
                                          doc=label, name=document.original_filename, date=when), blocking=False))
    legal_name = application.company.legal_name
    for document in insurances:
        if document.insured_name and not names_match(legal_name, document.insured_name):
            checks.append(DocumentCheck(_("The insurance certificate “%(name)s” is in the name of “%(insured)s”, not of your company “%(company)s”. Attach a certificate in your company's name.",
                                          name=document.original_filename, insured=document.insured_name, company=legal_name)))
    return checks
