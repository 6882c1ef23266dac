"""Invoices and receipts as PDF: plain values in (``InvoiceDocument``,
``ReceiptDocument``), bytes out.

Like the permit (:mod:`permits.pdf.render`) nothing here touches the
database: :mod:`permits.services.money_documents` gathers the values, already
named in the reader's language (sites, tiers, agencies, the waiver's ground).
The labels are the catalogues' (gettext), in the document's language: the
drawing runs inside ``force_locale``; amounts are Decimal, formatted as that
language writes money.

Safety: the layout uses Platypus Paragraphs, which read a small markup
language, so every value is escaped before it goes into one: a title or a
company name with ``<img>`` or ``<a>`` in it is printed as typed, and nothing
is ever fetched. Deterministic: the same values give the same bytes (no
creation date or random document id in the file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from xml.sax.saxutils import escape

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from permits.formats import date_text
from permits.pdf.render import BOLD, BRAND, FONT, MANAT, MANAT_BOLD, MUTED, RULE, register_fonts
from permits.templating import money as format_money

INK = HexColor("#0b0c0c")
PANEL = HexColor("#f3f2f1")
LEFT_MARGIN = RIGHT_MARGIN = 18 * mm
BAND = 30 * mm
# What the page's frame leaves for the content (Platypus frames pad by 6 points a side).
WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN - 12
# The manat sign is not in DejaVu Sans: it is drawn from a one-glyph subset of
# Noto Sans (permits/pdf/fonts/NotoSans-Manat*.ttf, 1.5 KB each, OFL).
MANAT_SIGN = "₼"


@dataclasses.dataclass(frozen=True)
class BankDetails:
    """The account fees are paid into."""

    beneficiary: str
    iban: str
    bic: str
    tax_id: str


@dataclasses.dataclass(frozen=True)
class InvoiceLineText:
    """One line as printed: ``quantity`` and ``unit`` already in words
    ("3 days", "100.00 AZN per day" is made here from ``unit_amount``)."""

    description: str
    quantity: int
    unit_amount: Decimal
    amount: Decimal
    per_day: bool = False  # a site's line: quantity is shoot days, the unit a day's rate


@dataclasses.dataclass(frozen=True)
class InvoiceDocument:
    language: str
    commission: str
    bank: BankDetails
    number: str
    version: int
    supplementary: bool
    issued_on: dt.date
    due_on: dt.date
    company: str
    company_country: str
    application_reference: str
    title: str
    lines: tuple[InvoiceLineText, ...]
    subtotal: Decimal
    waived: Decimal
    waiver_ground: str  # its name in the document's language ("" without a waiver)
    total: Decimal
    payment_reference: str
    currency: str = "AZN"


@dataclasses.dataclass(frozen=True)
class ReceiptDocument:
    language: str
    commission: str
    receipt_number: str
    paid_on: dt.date
    amount: Decimal
    bank_reference: str
    invoice_number: str
    payment_reference: str
    application_reference: str
    title: str
    company: str
    company_country: str
    # The application's balance once this payment is counted (negative: owed back).
    balance_after: Decimal
    currency: str = "AZN"


# ----------------------------------------------------------------------------- helpers


def _date(value: dt.date) -> str:
    """In the document's language (drawn inside ``force_locale``): permits.formats."""
    return date_text(value)


def _money(value: Decimal, currency: str) -> str:
    return format_money(value, currency)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "label": ParagraphStyle("label", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "strong": ParagraphStyle("strong", parent=base, fontName=BOLD),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "right_strong": ParagraphStyle("right_strong", parent=base, fontName=BOLD, alignment=2),
        "heading": ParagraphStyle("heading", parent=base, fontName=BOLD, fontSize=11.5, leading=15, textColor=BRAND,
                                  spaceBefore=5 * mm, spaceAfter=2 * mm),
        "number": ParagraphStyle("number", parent=base, fontName=BOLD, fontSize=18, leading=23),
        "reference": ParagraphStyle("reference", parent=base, fontName=BOLD, fontSize=22, leading=28, textColor=BRAND),
        "total": ParagraphStyle("total", parent=base, fontName=BOLD, fontSize=12, leading=16),
        "total_right": ParagraphStyle("total_right", parent=base, fontName=BOLD, fontSize=12, leading=16, alignment=2),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, so nothing in it is markup; the
    manat sign in the face that has it (the only markup added here)."""
    markup = escape(text or "")
    if MANAT_SIGN in markup:
        face = MANAT_BOLD if style.fontName == BOLD else MANAT
        markup = markup.replace(MANAT_SIGN, f'<font name="{face}">{MANAT_SIGN}</font>')
    return Paragraph(markup, style)


def _pairs(rows: list[tuple[str, str]], styles, *, label_width: float = 55 * mm, width: float | None = None) -> Table:
    width = width or WIDTH
    table = Table(
        [[_p(label, styles["label"]), _p(value, styles["base"])] for label, value in rows],
        colWidths=[label_width, width - label_width], hAlign="LEFT",
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]))
    return table


class _Pages:
    """The band at the top of every page and the footer with the number."""

    def __init__(self, title: str, commission: str, number: str):
        self.title, self.commission, self.number = title, commission, number
        # Drawn by the canvas, outside the paragraphs' own language: made now.
        self.page_word = _("Page")

    def __call__(self, canvas, doc) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(BRAND)
        canvas.rect(0, height - BAND, width, BAND, stroke=0, fill=1)
        canvas.setFillColor(white)
        canvas.setFont(FONT, 9)
        canvas.drawString(LEFT_MARGIN, height - 11 * mm, self.commission)
        canvas.setFont(BOLD, 18)
        canvas.drawString(LEFT_MARGIN, height - 22 * mm, self.title)
        canvas.setFont(BOLD, 11)
        canvas.drawRightString(width - RIGHT_MARGIN, height - 22 * mm, self.number)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(LEFT_MARGIN, 15 * mm, width - RIGHT_MARGIN, 15 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(LEFT_MARGIN, 11 * mm, f"{self.commission} · {self.number}")
        canvas.drawRightString(width - RIGHT_MARGIN, 11 * mm, f"{self.page_word} {doc.page}")
        canvas.restoreState()


def _build(story: list, *, title: str, commission: str, number: str, subject: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN, topMargin=BAND + 8 * mm,
        bottomMargin=22 * mm, title=f"{title} {number}", author=commission, subject=subject,
        creator="Film Permits of Azerbaijan", invariant=1, pageCompression=1,
    )
    pages = _Pages(title, commission, number)
    document.build(story, onFirstPage=pages, onLaterPages=pages)
    return buffer.getvalue()


def _panel(flowables: list, width: float) -> Table:
    """A shaded box around a few flowables (the payment instructions)."""
    table = Table([[flowables]], colWidths=[width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), PANEL),
        ("LINEBEFORE", (0, 0), (0, -1), 3, BRAND),
        ("LEFTPADDING", (0, 0), (-1, -1), 5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
    ]))
    return table


# ----------------------------------------------------------------------------- the invoice


def _version_line(doc: InvoiceDocument) -> str:
    if doc.version > 1:
        return _("version %(version)s — reissued with a fee waiver", version=doc.version)
    return _("version %(version)s", version=doc.version)


def _lines_table(doc: InvoiceDocument, styles, width: float) -> Table:
    cur = doc.currency
    rows = [[_p(_("Description"), styles["label"]), _p(_("Quantity"), styles["label"]),
             _p(_("Unit price"), styles["label"]), _p(_("Amount"), styles["label"])]]
    for line in doc.lines:
        if line.per_day:
            quantity = ngettext("%(num)s day", "%(num)s days", line.quantity)
            unit = _("%(amount)s per day", amount=_money(line.unit_amount, cur))
        else:
            quantity, unit = str(line.quantity), _money(line.unit_amount, cur)
        rows.append([_p(line.description, styles["base"]), _p(quantity, styles["base"]),
                     _p(unit, styles["right"]), _p(_money(line.amount, cur), styles["right"])])
    first_total = len(rows)
    rows.append([_p(_("Subtotal"), styles["base"]), "", "", _p(_money(doc.subtotal, cur), styles["right"])])
    if doc.waived:
        rows.append([_p(_("Fee waiver: %(ground)s", ground=doc.waiver_ground), styles["base"]), "", "",
                     _p("−" + _money(doc.waived, cur), styles["right"])])
    rows.append([_p(_("Total to pay"), styles["total"]), "", "", _p(_money(doc.total, cur), styles["total_right"])])
    last = len(rows) - 1
    table = Table(rows, colWidths=[width - 105 * mm, 27 * mm, 42 * mm, 36 * mm], repeatRows=1,
                  hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
        ("LINEBELOW", (0, 1), (-1, first_total - 1), 0.3, RULE),
        ("LINEABOVE", (0, first_total), (-1, first_total), 0.8, INK),
        ("LINEABOVE", (0, last), (-1, last), 0.8, INK),
        ("BACKGROUND", (0, last), (-1, last), PANEL),
        ("TOPPADDING", (0, last), (-1, last), 4),
        ("BOTTOMPADDING", (0, last), (-1, last), 5),
    ]
    for row in range(first_total, last + 1):
        style.append(("SPAN", (0, row), (2, row)))
    table.setStyle(TableStyle(style))
    return table


def render_invoice(doc: InvoiceDocument) -> bytes:
    register_fonts()
    with force_locale(doc.language):
        return _render_invoice(doc)


def _render_invoice(doc: InvoiceDocument) -> bytes:
    styles = _styles()
    width = WIDTH
    title = _("Supplementary invoice") if doc.supplementary else _("Invoice")
    story: list = [
        _p(_("Invoice number"), styles["label"]),
        _p(doc.number, styles["number"]),
        _p(_version_line(doc), styles["strong"] if doc.version > 1 else styles["small"]),
        Spacer(1, 3 * mm),
    ]
    facts = [
        (_("Issued on"), _date(doc.issued_on)),
        (_("Due on"), _date(doc.due_on)),
        (_("Application"), doc.application_reference),
        (_("Production"), doc.title),
    ]
    company = doc.company + (f" ({doc.company_country})" if doc.company_country else "")
    billed = [(_("Billed to"), company), (_("Issued by"), doc.commission)]
    story += [_pairs(billed + facts, styles)]
    if doc.supplementary:
        story += [Spacer(1, 2 * mm),
                  _p(_("For the days and sites an amendment added; the first invoice stands as it was."), styles["small"])]

    story += [_p(_("What you pay for"), styles["heading"]), _lines_table(doc, styles, width)]

    payment = [
        _p(_("Payment reference"), styles["label"]),
        _p(doc.payment_reference, styles["reference"]),
        _p(_("Quote this reference on your bank transfer, exactly as printed: it is how your payment is matched "
             "to this invoice."), styles["strong"]),
        Spacer(1, 3 * mm),
        _pairs([
            (_("Amount"), _money(doc.total, doc.currency)),
            (_("Pay by"), _date(doc.due_on)),
            (_("Beneficiary"), doc.bank.beneficiary),
            (_("IBAN"), doc.bank.iban),
            (_("BIC / SWIFT"), doc.bank.bic),
            (_("Tax identification number"), doc.bank.tax_id),
        ], styles, label_width=50 * mm, width=width - 10 * mm),
    ]
    story += [Spacer(1, 2 * mm), KeepTogether([_p(_("How to pay"), styles["heading"]), _panel(payment, width)])]
    return _build(story, title=title, commission=doc.commission, number=doc.number, subject=doc.title)


# ----------------------------------------------------------------------------- the receipt


def render_receipt(doc: ReceiptDocument) -> bytes:
    register_fonts()
    with force_locale(doc.language):
        return _render_receipt(doc)


def _render_receipt(doc: ReceiptDocument) -> bytes:
    styles = _styles()
    cur = doc.currency
    company = doc.company + (f" ({doc.company_country})" if doc.company_country else "")
    story: list = [
        _p(_("Receipt number"), styles["label"]),
        _p(doc.receipt_number, styles["number"]),
        Spacer(1, 3 * mm),
        _p(_("Amount received"), styles["label"]),
        _p(_money(doc.amount, cur), styles["reference"]),
        Spacer(1, 3 * mm),
        _pairs([
            (_("Received from"), company),
            (_("Received by"), doc.commission),
            (_("Date paid"), _date(doc.paid_on)),
            (_("Bank reference"), doc.bank_reference),
            (_("For invoice"), doc.invoice_number),
            (_("Payment reference"), doc.payment_reference),
            (_("Application"), doc.application_reference),
            (_("Production"), doc.title),
        ], styles),
        _p(_("The application's account after this payment"), styles["heading"]),
    ]
    if doc.balance_after < 0:
        rows = [(_("Balance still due"), _money(Decimal("0"), cur)),
                (_("Paid in excess, to be refunded"), _money(-doc.balance_after, cur))]
    else:
        rows = [(_("Balance still due"), _money(doc.balance_after, cur))]
    story.append(_pairs(rows, styles))
    if doc.balance_after == 0:
        story += [Spacer(1, 2 * mm), _p(_("The fee is paid in full."), styles["strong"])]
    return _build(story, title=_("Receipt"), commission=doc.commission, number=doc.receipt_number, subject=doc.title)
