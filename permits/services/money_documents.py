"""The invoice and receipt PDFs: the values of one invoice version or one
payment, gathered from the database in the reader's language, drawn by
:mod:`permits.pdf.money`.

They are made on demand (downloads, e-mail attachments) and never stored:
every value comes from rows that do not change once written (an invoice
version, a paid entry and the ledger entries before it), so the same
document in the same language is the same bytes every time.
"""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from permits.extensions import db
from permits.i18n import LANGUAGE_NAMES
from permits.labels import TIERS, WAIVER_GROUNDS, review_kind_name
from permits.models import Application, Invoice, Location, MoneyEntry, Organisation
from permits.services.context import definition_of
from workflows.money import EntryKind, LedgerEntry, balance

PDF = "application/pdf"


def language_of(language: str | None) -> str:
    """One of the product's languages (the default one for anything else)."""
    if language in LANGUAGE_NAMES:
        return language
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "az")


# ----------------------------------------------------------------------------- lookups


def invoice_of_application(application_id: int, invoice_id: int) -> Invoice | None:
    """A version of one of the application's invoices (None: not there, or another's)."""
    invoice = db.session.get(Invoice, invoice_id)
    return invoice if invoice is not None and invoice.application_id == application_id else None


def receipt_of_application(application_id: int, entry_id: int) -> MoneyEntry | None:
    """A payment of the application (None: not a payment, or another application's)."""
    entry = db.session.get(MoneyEntry, entry_id)
    if entry is None or entry.application_id != application_id or not _is_receipt(entry):
        return None
    return entry


def _is_receipt(entry: MoneyEntry) -> bool:
    return entry.kind == EntryKind.PAID.value and bool(entry.receipt_number) and entry.invoice_id is not None


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.number}-v{invoice.version}.pdf"


def receipt_filename(entry: MoneyEntry) -> str:
    return f"{entry.receipt_number}.pdf"


# ----------------------------------------------------------------------------- the values


def _commission(application: Application, language: str) -> str:
    """The film commission's name in the language (the account's holder when none is recorded)."""
    kind = definition_of(application).commission_org_kind
    organisation = db.session.execute(
        select(Organisation).where(Organisation.kind == kind).order_by(Organisation.id).limit(1)
    ).scalar_one_or_none()
    if organisation is not None:
        return organisation.translated("name", language)
    return current_app.config["COMMISSION_BANK_NAME"]


def _country(code: str, language: str) -> str:
    """The company's country named in the language (its code when Babel has no name)."""
    code = (code or "").upper()
    return Locale.parse(language).territories.get(code, code) if code else ""


def _describe(line: dict, language: str):
    """An invoice line in words, in the language (inside ``force_locale``)."""
    from permits.pdf.money import InvoiceLineText

    code = str(line["code"])
    what, _sep, detail = code.partition(":")
    per_day = False
    if what == "tier":
        description = _("Permit fee: %(tier)s", tier=str(TIERS.get(detail, detail)))
    elif what == "site":
        location = db.session.get(Location, int(detail)) if detail.isdigit() else None
        name = location.translated("name", language) if location is not None else detail
        description = _("Filming at %(site)s", site=name)
        per_day = True
    elif what == "review":
        description = _("Review fee: %(review)s", review=review_kind_name(detail))
    else:
        description = code
    return InvoiceLineText(description=description, quantity=int(line["quantity"]),
                           unit_amount=Decimal(line["unit_amount"]), amount=Decimal(line["amount"]), per_day=per_day)


def invoice_document(invoice: Invoice, language: str):
    """The plain values printed on one version of an invoice."""
    # permits.pdf loads reportlab: only the processes that draw a PDF pay for it.
    from permits.pdf.money import BankDetails, InvoiceDocument

    language = language_of(language)
    application = invoice.application
    config = current_app.config
    with force_locale(language):
        lines = tuple(_describe(line, language) for line in invoice.lines or [])
        ground = str(WAIVER_GROUNDS.get(invoice.waiver_ground, invoice.waiver_ground)) if invoice.waiver_ground else ""
    return InvoiceDocument(
        language=language,
        commission=_commission(application, language),
        bank=BankDetails(beneficiary=config["COMMISSION_BANK_NAME"], iban=config["COMMISSION_BANK_IBAN"],
                         bic=config["COMMISSION_BANK_BIC"], tax_id=config["COMMISSION_BANK_TAX_ID"]),
        number=invoice.number,
        version=invoice.version,
        supplementary=invoice.kind == "supplementary",
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        company=application.company.legal_name,
        company_country=_country(application.company.country, language),
        application_reference=application.display_reference,
        title=application.title,
        lines=lines,
        subtotal=Decimal(invoice.subtotal),
        waived=Decimal(invoice.waived or 0),
        waiver_ground=ground,
        total=Decimal(invoice.total),
        payment_reference=invoice.reference,
        currency=invoice.currency or "AZN",
    )


def balance_after(entry: MoneyEntry) -> Decimal:
    """The application's balance once ``entry`` is counted (the entries up to it, in order)."""
    entries = db.session.execute(
        select(MoneyEntry).where(MoneyEntry.application_id == entry.application_id, MoneyEntry.id <= entry.id)
        .order_by(MoneyEntry.id)
    ).scalars()
    return balance(LedgerEntry(e.kind, e.amount) for e in entries)


def receipt_document(entry: MoneyEntry, language: str):
    """The plain values printed on the receipt of one payment."""
    from permits.pdf.money import ReceiptDocument

    language = language_of(language)
    application = entry.application
    invoice = entry.invoice
    return ReceiptDocument(
        language=language,
        commission=_commission(application, language),
        receipt_number=entry.receipt_number,
        paid_on=entry.occurred_on,
        amount=Decimal(entry.amount),
        bank_reference=entry.bank_reference,
        invoice_number=invoice.number,
        payment_reference=invoice.reference,
        application_reference=application.display_reference,
        title=application.title,
        company=application.company.legal_name,
        company_country=_country(application.company.country, language),
        balance_after=balance_after(entry),
        currency=invoice.currency or "AZN",
    )


# ----------------------------------------------------------------------------- the PDFs


def invoice_pdf(invoice: Invoice, language: str) -> bytes:
    from permits.pdf.money import render_invoice

    return render_invoice(invoice_document(invoice, language))


def receipt_pdf(entry: MoneyEntry, language: str) -> bytes:
    from permits.pdf.money import render_receipt

    return render_receipt(receipt_document(entry, language))


def email_attachment(kind: str, object_id: int, language: str) -> tuple[str, str, bytes] | None:
    """What an e-mail about an invoice or a payment carries: (filename,
    content type, bytes), or None when the invoice or payment is gone.

    The notifications layer imports no services: ``create_app`` hands it
    this function (``app.extensions["email_attachments"]``)."""
    if kind == "invoice":
        invoice = db.session.get(Invoice, object_id)
        return (invoice_filename(invoice), PDF, invoice_pdf(invoice, language)) if invoice is not None else None
    if kind == "receipt":
        entry = db.session.get(MoneyEntry, object_id)
        if entry is None or not _is_receipt(entry):
            return None
        return receipt_filename(entry), PDF, receipt_pdf(entry, language)
    raise ValueError(f"no attachment of kind {kind!r}")
