"""Money: invoices (each reissue a new version), the ledger of what was
invoiced, waived, paid, refunded and cancelled, imported bank statements, and
fee waiver requests.

The rules (when an invoice is issued, its lines, waiver shares, refunds) are
:mod:`workflows.money`; these rows are what happened.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, UTCDateTime, utcnow

AMOUNT = Numeric(12, 2)


class Invoice(Model):
    """One version of an invoice. A waiver reissues the invoice as a new
    version (same number and payment reference); the old one stays readable.
    An amendment that adds days or sites gets a supplementary invoice (a new
    number) for the difference only."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("number", "version"),
        Index("ix_invoices_company_issued", "company_id", "issued_at"),
        Index("ix_invoices_application", "application_id", "number", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), nullable=True)
    number: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The same for every version of a number: a bank transfer made against
    # an older version still finds the invoice.
    reference: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="fee")  # fee | supplementary
    is_current: Mapped[bool] = mapped_column(default=True)
    # [{"code", "quantity", "unit_amount", "amount"}], amounts as decimal strings.
    lines: Mapped[list] = mapped_column(JSON, default=list)
    subtotal: Mapped[Decimal] = mapped_column(AMOUNT)
    waived: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(AMOUNT)
    waiver_ground: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(3), default="AZN")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application")


class MoneyEntry(Model):
    """One line of an application's ledger (:class:`workflows.money.EntryKind`):
    the balance is invoiced - waived - cancelled - paid + refunded."""

    __tablename__ = "money_entries"
    __table_args__ = (
        Index("ix_money_entries_application", "application_id", "id"),
        Index("ix_money_entries_company", "company_id", "id"),
        Index("ix_money_entries_kind_on", "kind", "occurred_on"),
        # A bank transaction is recorded once, whether typed or imported.
        Index(
            "uq_money_entries_bank_reference", "kind", "bank_reference", unique=True,
            sqlite_where=text("bank_reference != ''"), postgresql_where=text("bank_reference != ''"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # invoiced | waived | paid | refunded | cancelled
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    occurred_on: Mapped[dt.date] = mapped_column(Date)  # the bank's date of a payment or refund
    bank_reference: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="system")  # system | manual | statement
    note: Mapped[str] = mapped_column(Text, default="")
    # A receipt's number, for payments (AZR-2027-000007).
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice = relationship("Invoice")
    application = relationship("Application")
    recorded_by = relationship("User")


class StatementImport(Model):
    """An imported bank statement; its content's hash makes a second import
    of the same file a no-op."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list[StatementLine]] = relationship(back_populates="statement", order_by="StatementLine.line_no")
    imported_by = relationship("User")


class StatementLine(Model):
    """One credit line of a statement and what became of it: matched (a
    payment recorded), or left for a person (unknown reference, partial,
    overpaid, after cancellation) until resolved."""

    __tablename__ = "statement_lines"
    __table_args__ = (Index("ix_statement_lines_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement_imports.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    reference: Mapped[str] = mapped_column(String(80), default="")
    bank_reference: Mapped[str] = mapped_column(String(64), default="")
    payer: Mapped[str] = mapped_column(String(255), default="")
    # The workflows.money.MatchOutcome, or "duplicate" (already recorded).
    outcome: Mapped[str] = mapped_column(String(24))
    # open: for a person to look at | done: nothing left to do
    status: Mapped[str] = mapped_column(String(8), default="done")
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("money_entries.id"), nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    statement: Mapped[StatementImport] = relationship(back_populates="lines")
    invoice = relationship("Invoice")


class FeeWaiverRequest(Model):
    """A producer asks to pay less on one of the definition's grounds, with
    a document as proof; a supervisor of the film commission decides."""

    __tablename__ = "fee_waiver_requests"
    __table_args__ = (Index("ix_fee_waiver_requests_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    ground: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="requested")  # requested | granted | refused
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    application = relationship("Application")
    document = relationship("Document")
