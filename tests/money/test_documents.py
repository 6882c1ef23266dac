"""The invoice and receipt PDFs: what they print, in the producer's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import force_locale

from permits.formats import date_text
from permits.pdf.money import (
    BankDetails,
    InvoiceDocument,
    InvoiceLineText,
    ReceiptDocument,
    render_invoice,
    render_receipt,
)
from permits.services import ledger, money_documents
from permits.templating import money
from tests.money.helpers import SITE_NAMES, invoiced, name_site_a, pdf_text
from tests.services.scenario import MONDAY, build_world, pay_in_full


def amount(value, language: str) -> str:
    """An amount as the PDF prints it in ``language``: as the pages write it, manat sign and all."""
    with force_locale(language):
        return money(value)


def normalised(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_the_invoice_prints_its_number_reference_lines_total_and_bank_details(db, app):
    world = build_world()
    name_site_a(world)
    application, invoice = invoiced(world, "en")
    text = normalised(pdf_text(money_documents.invoice_pdf(invoice, "en")))
    assert invoice.number in text and "version 1" in text
    assert invoice.reference.startswith("RF") and invoice.reference in text
    assert "Quote this reference on your bank transfer" in text
    assert "Total to pay" in text and normalised(amount(invoice.total, "en")) in text
    assert "Lumière SAS (France)" in text
    assert application.reference in text and "The Silk Road" in text
    assert "Filming at Maiden Tower" in text and "3 days" in text and "per day" in text
    assert "Permit fee: Medium impact" in text
    assert app.config["COMMISSION_BANK_IBAN"] in text and app.config["COMMISSION_BANK_BIC"] in text
    assert app.config["COMMISSION_BANK_TAX_ID"] in text
    # Dates as the document's language writes them (permits.formats).
    assert "19 Apr 2027" in text and date_text(invoice.due_on, "en") in text
    assert "Fee waiver" not in text


def test_site_names_and_money_are_in_the_readers_language(db, app):
    world = build_world()
    name_site_a(world)
    _application, invoice = invoiced(world, "ru")
    for language in ("az", "ru"):
        text = normalised(pdf_text(money_documents.invoice_pdf(invoice, language)))
        assert SITE_NAMES[language] in text
        assert SITE_NAMES["en"] not in text
        assert normalised(amount(invoice.total, language)) in text
    # Azerbaijani amounts carry the manat sign, drawn from the font that has it.
    az = money_documents.invoice_pdf(invoice, "az")
    assert "1.350,00 ₼" in normalised(pdf_text(az))
    assert "Франция" in normalised(pdf_text(money_documents.invoice_pdf(invoice, "ru")))
    # The tier's name comes from the catalogue.
    with force_locale("ru"):
        from permits.labels import TIERS

        tier = str(TIERS[invoice.lines[0]["code"].split(":")[1]])
    # The longer Russian line wraps in its cell: compare with the line breaks as spaces.
    assert tier in " ".join(pdf_text(money_documents.invoice_pdf(invoice, "ru")).split())


def test_a_reissued_version_shows_the_waiver_and_the_first_stays_as_it_was(db, app):
    world = build_world()
    application, first = invoiced(world, "en")
    second = ledger.reissue_with_waiver(application, "heritage_film", MONDAY)
    db.session.commit()
    text = normalised(pdf_text(money_documents.invoice_pdf(second, "en")))
    assert "version 2 — reissued with a fee waiver" in text
    assert "Fee waiver: Film about the country's heritage" in text
    assert second.waived == first.subtotal / 2
    assert "−" + normalised(amount(second.waived, "en")) in text
    assert normalised(amount(second.total, "en")) in text
    assert second.reference in text  # the same reference on every version
    old = normalised(pdf_text(money_documents.invoice_pdf(first, "en")))
    assert "version 1" in old and "Fee waiver" not in old


def test_the_receipt_prints_its_number_amount_invoice_and_balance(db, app):
    world = build_world()
    application, invoice = invoiced(world, "en")
    entry = pay_in_full(world, application, bank_reference="TRF-2027-0419")
    assert entry.receipt_number.startswith("AZR-2027-")
    text = normalised(pdf_text(money_documents.receipt_pdf(entry, "en")))
    assert entry.receipt_number in text
    assert normalised(amount(entry.amount, "en")) in text
    assert "TRF-2027-0419" in text and invoice.number in text and invoice.reference in text
    assert application.reference in text and "19 Apr 2027" in text
    assert "Balance still due" in text and normalised(amount(0, "en")) in text
    assert "The fee is paid in full." in text


def test_a_partial_payments_receipt_shows_what_is_still_due(db, app):
    from permits.services import payments

    world = build_world()
    _application, invoice = invoiced(world, "ru")
    entry = payments.record_payment(world.finance, invoice, amount=Decimal("100.00"), paid_on=MONDAY.date(),
                                    bank_reference="TRF-100", now=MONDAY)
    db.session.commit()
    text = normalised(pdf_text(money_documents.receipt_pdf(entry, "ru")))
    assert entry.receipt_number in text
    assert normalised(amount(Decimal("100.00"), "ru")) in text
    assert normalised(amount(invoice.total - Decimal("100.00"), "ru")) in text
    # A later payment does not change the earlier receipt.
    later = payments.record_payment(world.finance, invoice, amount=invoice.total - Decimal("100.00"),
                                    paid_on=MONDAY.date(), bank_reference="TRF-REST", now=MONDAY)
    db.session.commit()
    assert money_documents.balance_after(entry) == invoice.total - Decimal("100.00")
    assert money_documents.balance_after(later) == 0


def test_the_same_document_is_the_same_bytes(db, app):
    world = build_world()
    application, invoice = invoiced(world, "az")
    entry = pay_in_full(world, application)
    assert money_documents.invoice_pdf(invoice, "az") == money_documents.invoice_pdf(invoice, "az")
    assert money_documents.receipt_pdf(entry, "az") == money_documents.receipt_pdf(entry, "az")


HOSTILE = '<img src="http://attacker.test/x.png"/><a href="http://attacker.test">click</a> & <b>bold</b>'


def _invoice_doc(**changes) -> InvoiceDocument:
    values = {
        "language": "en", "commission": "Film Commission", "bank": BankDetails("Film Commission", "AZ00TEST", "TESTAZ2X", "1"),
        "number": "AZI-2027-000042", "version": 1, "supplementary": False, "issued_on": dt.date(2027, 4, 19),
        "due_on": dt.date(2027, 5, 3), "company": HOSTILE, "company_country": "France", "application_reference": "AZF-2027-000042",
        "title": HOSTILE, "lines": (InvoiceLineText(HOSTILE, 1, Decimal("150.00"), Decimal("150.00")),),
        "subtotal": Decimal("150.00"), "waived": Decimal("0.00"), "waiver_ground": "", "total": Decimal("150.00"),
        "payment_reference": "RF18AZI2027000042",
    }
    values.update(changes)
    return InvoiceDocument(**values)


def test_user_text_is_printed_as_typed_never_as_markup(app_ctx):
    data = render_invoice(_invoice_doc())
    text = pdf_text(data)
    assert '<img src="http://attacker.test/x.png"/>' in text.replace("\n", "")
    assert b"/URI" not in data and b"/Annot" not in data and b"/XObject" not in data  # no link, no image fetched
    receipt = render_receipt(ReceiptDocument(
        language="en", commission="Film Commission", receipt_number="AZR-2027-000007", paid_on=dt.date(2027, 4, 19),
        amount=Decimal("150.00"), bank_reference=HOSTILE, invoice_number="AZI-2027-000042",
        payment_reference="RF18AZI2027000042", application_reference="AZF-2027-000042", title=HOSTILE, company=HOSTILE,
        company_country="", balance_after=Decimal("-20.00"),
    ))
    assert b"/Annot" not in receipt and b"/XObject" not in receipt
    text = pdf_text(receipt)
    assert "<b>bold</b>" in text
    assert "to be refunded" in text


def test_a_long_invoice_runs_onto_more_pages(app_ctx):
    lines = tuple(InvoiceLineText(f"Filming at site {i}", 2, Decimal("10.00"), Decimal("20.00"), per_day=True)
                  for i in range(60))
    text = pdf_text(render_invoice(_invoice_doc(company="Lumière SAS", title="The Silk Road", lines=lines)))
    assert "Filming at site 59" in text and "Page 2" in text and "RF18AZI2027000042" in text
