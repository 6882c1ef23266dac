"""The documents of the producers' writes: a draft's sections, its bookings
and documents, the task list, answers, withdrawals and invoices.

The bodies carry types only: the rules (lengths, ranges, what a section
needs to be complete) are the pages' forms' and services', which the views
feed with these bodies. A text's documented ``maxLength`` is read from the
page's form, so the document and the rule cannot drift apart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from spectree.model_adapter.pydantic_adapter import BaseFile
from wtforms.validators import Length

from permits.api.schemas import BookingInfo, Coded, Document, Translated
from permits.portal import forms as f
from permits.services.documents import MAX_DOCUMENTS_PER_APPLICATION


def form_limit(form_class, name: str) -> int | None:
    """The most characters the page's form takes in a field (its Length validator)."""
    unbound = getattr(form_class, name)
    limits = [v.max for v in unbound.kwargs.get("validators") or () if isinstance(v, Length) and v.max is not None and v.max >= 0]
    return min(limits) if limits else None


def text(form_class, name: str, description: str = "", default: str = "") -> Any:
    """A text member checked by the page's form (its limit documented here)."""
    limit = form_limit(form_class, name)
    extra = {"maxLength": limit} if limit is not None else None
    return Field(default, description=description or None, json_schema_extra=extra)


def _empty_is_none(value):
    return None if value in ("", None) else value


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


COMPLETE = "Mark the section as completed: what it needs is checked (422 names what is missing)."


# ----------------------------------------------------------------------------- the sections


class ContactsSection(Body):
    """The draft's "Company and contacts" section, as on its page."""

    contact_name: str = text(f.ContactsForm, "contact_name", "The contact person for this shoot.")
    contact_email: str = text(f.ContactsForm, "contact_email")
    contact_phone: str = text(f.ContactsForm, "contact_phone", "Reviewers and the site may call it during the shoot.")
    local_contact: str = text(f.ContactsForm, "local_contact",
                              "A name and number residents can call, shown on the site's public page during the shoot.")
    complete: bool = Field(False, description=COMPLETE)


class ActivitiesSection(Body):
    """The draft's "Activities and safety" section."""

    activities: list[str] = Field(default_factory=list, max_length=50,
                                  description="Activity codes (drone, pyrotechnics, road_closure...).")
    safety_notes: str = text(f.ActivitiesForm, "safety_notes",
                             "For each activity: who is responsible, the precautions, any licences.")
    complete: bool = Field(False, description=COMPLETE)


class CrewSection(Body):
    """The draft's "Crew and equipment" section."""

    crew_total: int | None = Field(None, description="Everyone working on the production in Azerbaijan, cast included "
                                                     "(0 to 10000).")
    equipment_notes: str = text(f.CrewForm, "equipment_notes")
    complete: bool = Field(False, description=COMPLETE)


class DeclarationSection(Body):
    """The declaration: signing it completes the section."""

    declaration_name: str = text(f.DeclarationForm, "declaration_name", "Your full name.")
    confirm: bool = Field(False, description="The information is true and complete, and the production will follow "
                                             "the sites' rules and the permit's conditions.")


class SectionMark(Body):
    """A section whose items have their own operations (sites: bookings; documents)."""

    complete: bool = Field(description=COMPLETE)


# ----------------------------------------------------------------------------- the task list


class SectionProblem(Document):
    field: str
    detail: str


class SectionInfo(Document):
    section: Literal["company", "production", "sites", "activities", "crew", "documents", "declaration"]
    title: Translated
    status: Coded = Field(description="not_started, in_progress or completed.")
    problems: list[SectionProblem] = Field(description="What keeps the section from being completed now.")


class MissingItem(Document):
    section: str
    detail: str


class TaskList(Document):
    version: int = Field(description="The application's row version (its ETag).")
    sections: list[SectionInfo]
    ready: bool = Field(description="Every section is completed and nothing is missing: it can be submitted.")
    missing: list[MissingItem] = Field(description="The check page's list: what keeps it from being submitted.")
    warnings: list[str] = Field(description="What does not block submission but should be known (late, a clash).")


# ----------------------------------------------------------------------------- bookings


class NewBooking(Body):
    """A site and its dates, as on the "Add a site" page."""

    site: str = Field(min_length=1, max_length=100, description="The site's slug.")
    first_day: dt.date
    last_day: dt.date
    daily_start: str = Field("08:00", max_length=20, description="HH:MM, Baku time, 24-hour clock.")
    daily_end: str = Field("20:00", max_length=20, description="HH:MM; past midnight needs the night_work activity.")
    crew_on_site: int = Field(description="People on site (1 to the site's limit).")
    vehicles: int = Field(0, description="0 to 500.")
    notes: str = text(f.BookingForm, "notes", "For the site owner.")


class BookingResult(Document):
    booking: BookingInfo
    version: int = Field(description="The application's new row version (its ETag).")
    warnings: list[str] = Field(description="What does not block the booking but should be known (a clash, late).")


# ----------------------------------------------------------------------------- documents

DocumentDate = Annotated[dt.date | None, BeforeValidator(_empty_is_none)]


class DocumentUpload(Body):
    """One file and what it is (multipart/form-data), as on the documents page."""

    kind: str = Field(max_length=40, description="insurance, registration, drone_licence, synopsis, site_plan, ...")
    file: BaseFile = Field(description="PDF, JPEG or PNG, checked by its bytes.")
    expires_on: DocumentDate = Field(None, description="Required for an insurance certificate and a licence.")
    insured_name: str = text(f.ApplicationUploadForm, "insured_name",
                             "Insurance certificates: the insured company, as written on the certificate.")
    keep: bool = Field(False, description="Also keep it in the company's production passport.")


class DocumentInfo(Document):
    id: int
    kind: Coded
    filename: str
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: int
    sha256: str
    expires_on: dt.date | None
    insured_name: str
    in_passport: bool
    with_answer: bool = Field(description="Sent with an answer to a request for information.")
    uploaded_at: dt.datetime


class DocumentCheckInfo(Document):
    detail: str
    blocking: bool = Field(description="Keeps the draft from being submitted.")


class DocumentList(Document):
    version: int = Field(description="The application's row version (its ETag).")
    items: list[DocumentInfo]
    limit: int = Field(MAX_DOCUMENTS_PER_APPLICATION, description="The most documents an application has.")
    checks: list[DocumentCheckInfo] = Field(description="The documents the reviews need that are missing, expiry, "
                                                        "the insured name (the passport's documents count).")


# ----------------------------------------------------------------------------- after submission


class AnswerBody(Body):
    """An answer to a review's request for information."""

    body: str = text(f.AnswerForm, "body", "Your answer.")
    document_ids: list[int] = Field(default_factory=list, max_length=MAX_DOCUMENTS_PER_APPLICATION,
                                    description="Documents of your company (passport or another application) to "
                                                "send with it.")


class AnswerUpload(AnswerBody):
    """The same answer as multipart/form-data, with files uploaded now."""

    files: list[BaseFile] = Field(default_factory=list, max_length=MAX_DOCUMENTS_PER_APPLICATION,
                                  description="PDF, JPEG or PNG files.")


class Withdrawal(Body):
    reason: str = text(f.WithdrawForm, "reason", "Why you withdraw (optional; the reviewers read it).")


# ----------------------------------------------------------------------------- invoices


class InvoiceLine(Document):
    code: str = Field(description="tier:<tier>, site:<site id> or review:<kind>.")
    label: Translated
    quantity: Decimal
    unit_amount: Decimal
    amount: Decimal


class InvoiceInfo(Document):
    id: int
    number: str
    version: int
    kind: str = Field(description="fee, or supplementary (an amendment's).")
    current: bool = Field(description="The version in force (a waiver reissues the invoice as a new version).")
    reference: str = Field(description="The payment reference to quote on the transfer.")
    currency: str
    subtotal: Decimal
    waived: Decimal
    total: Decimal
    issued_on: dt.date
    due_on: dt.date
    lines: list[InvoiceLine]
    pdf_url: str


class InvoiceList(Document):
    items: list[InvoiceInfo]
    balance: Decimal = Field(description="What is still owed (negative: owed to you).")
