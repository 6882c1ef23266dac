"""The permit application aggregate: the application, its bookings of
filming sites and its documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, UTCDateTime, utcnow
from permits.models.companies import Company
from permits.models.locations import Location


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_company_state", "company_id", "state"),
        Index("ix_applications_state_submitted", "state", "submitted_at"),
        # A producer's home: the company's applications, last updated first.
        Index("ix_applications_company_updated", "company_id", "updated_at", "id"),
        # The finance page's credits to refund: only the accounts owed money back.
        Index("ix_applications_credit", "balance", "id",
              postgresql_where=text("balance < 0"), sqlite_where=text("balance < 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    # Production
    title: Mapped[str] = mapped_column(String(255), default="")
    production_type: Mapped[str] = mapped_column(String(32), default="", index=True)
    country_of_origin: Mapped[str] = mapped_column(String(2), default="AZ", index=True)
    synopsis: Mapped[str] = mapped_column(Text, default="")
    # Contacts for this shoot (prefilled from the company)
    contact_name: Mapped[str] = mapped_column(String(255), default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    contact_phone: Mapped[str] = mapped_column(String(64), default="")
    local_contact: Mapped[str] = mapped_column(String(255), default="")  # a line for residents on the site page
    # Activities and safety
    activities: Mapped[list] = mapped_column(JSON, default=list)
    safety_notes: Mapped[str] = mapped_column(Text, default="")
    # Crew and equipment
    crew_total: Mapped[int] = mapped_column(Integer, default=0)
    equipment_notes: Mapped[str] = mapped_column(Text, default="")
    # Declaration
    declaration_name: Mapped[str] = mapped_column(String(255), default="")
    declared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Which task-list sections the producer has marked as completed.
    completed_sections: Mapped[list] = mapped_column(JSON, default=list)

    # Derived at submission, kept for filtering and the permit
    impact_tier: Mapped[str] = mapped_column(String(16), default="low", index=True)
    fee_total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    # The ledger's balance (invoiced - waived - cancelled - paid + refunded),
    # kept by permits.services.ledger.add_entry with every entry it writes, so
    # that the finance lists and counts never sum the whole ledger.
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"), server_default="0")

    # Workflow
    state: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    definition_version: Mapped[int] = mapped_column(Integer, default=1)
    # The route it takes through the stages (workflows.ROUTES), fixed when filed.
    route: Mapped[str] = mapped_column(String(16), default="standard")
    # True while the final review decides on a parallel review's rejection.
    needs_ministry_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    company: Mapped[Company] = relationship()
    created_by = relationship("User")
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Booking.start_date, Booking.id"
    )
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    reviews = relationship(
        "ReviewTask", back_populates="application", order_by="ReviewTask.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_reference(self) -> str:
        return self.reference or f"DRAFT-{self.id}"

    @property
    def first_shoot_date(self) -> dt.date | None:
        return min((b.start_date for b in self.bookings), default=None)

    @property
    def last_shoot_date(self) -> dt.date | None:
        return max((b.end_date for b in self.bookings), default=None)

    def __repr__(self) -> str:
        return f"<Application {self.display_reference} {self.state}>"


# The ministry's list of every application, newest first: the index is in the
# list's own order (submitted_at DESC NULLS LAST, id DESC; migration 0010).
Index("ix_applications_submitted_desc", Application.submitted_at.desc().nulls_last(), Application.id.desc())


class Booking(Model):
    """One site for one date range of an application."""

    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_location_dates", "location_id", "start_date", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    daily_start: Mapped[dt.time] = mapped_column(Time, default=dt.time(8, 0))
    daily_end: Mapped[dt.time] = mapped_column(Time, default=dt.time(20, 0))
    crew_on_site: Mapped[int] = mapped_column(Integer, default=1)
    vehicles: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Set when an amendment added this booking; null for the original ones.
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), nullable=True)
    # False while the amendment that adds it is under review.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    application: Mapped[Application] = relationship(back_populates="bookings")
    location: Mapped[Location] = relationship()

    @property
    def shoot_days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Document(Model):
    """An uploaded file. Company documents (the production passport) are
    uploaded once and attached to any application of that company."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64))
    in_passport: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    insured_name: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship()


class ApplicationDocument(Model):
    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # Set when the document answers a reviewer's request for information.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")
    document: Mapped[Document] = relationship()
