"""The e-mails about an invoice and a payment carry its PDF; producers and
the film commission download them, nobody else."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from permits.extensions import db
from permits.models import OutboxMessage
from permits.notifications.delivery import build_email
from permits.services import ledger, payments
from tests.factories import PASSWORD
from tests.helpers import login
from tests.money.helpers import SITE_NAMES, invoiced, name_site_a, pdf_text
from tests.services.scenario import MONDAY, build_world, pay_in_full


def _message(template: str, recipient: str) -> OutboxMessage:
    return db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == template, OutboxMessage.recipient_email == recipient)
        .order_by(OutboxMessage.id.desc()).limit(1)
    ).scalar_one()


def _pdf_parts(email) -> list:
    return [part for part in email.iter_attachments() if part.get_content_type() == "application/pdf"]


def test_the_invoice_email_carries_the_invoice_in_the_producers_language(db, app):
    world = build_world()
    name_site_a(world)
    _application, invoice = invoiced(world, "ru")
    message = _message("invoice_issued", world.producer.email)
    assert message.context["attachment"] == {"kind": "invoice", "id": invoice.id}
    email = build_email(message)
    [attachment] = _pdf_parts(email)
    assert attachment.get_filename() == f"{invoice.number}-v1.pdf"
    assert attachment.get_content_disposition() == "attachment"
    text = pdf_text(attachment.get_content())
    assert invoice.number in text and invoice.reference in text and SITE_NAMES["ru"] in text
    # The message itself is unchanged: both parts, in the language.
    assert email.get_body(preferencelist=("plain",)) is not None
    assert email.get_body(preferencelist=("html",)) is not None
    assert email["Content-Language"] == "ru"


def test_the_reissued_invoice_email_carries_the_new_version(db, app):
    world = build_world()
    application, _invoice = invoiced(world, "en")
    second = ledger.reissue_with_waiver(application, "student", MONDAY)
    db.session.commit()
    [attachment] = _pdf_parts(build_email(_message("invoice_reissued", world.producer.email)))
    assert attachment.get_filename() == f"{second.number}-v2.pdf"
    assert "reissued with a fee waiver" in pdf_text(attachment.get_content())


def test_the_payment_email_carries_the_receipt(db, app):
    world = build_world()
    _application, invoice = invoiced(world, "az")
    entry = payments.record_payment(world.finance, invoice, amount=Decimal("100.00"), paid_on=MONDAY.date(),
                                    bank_reference="TRF-100", now=MONDAY)
    db.session.commit()
    message = _message("payment_received", world.producer.email)
    [attachment] = _pdf_parts(build_email(message))
    assert attachment.get_filename() == f"{entry.receipt_number}.pdf"
    text = pdf_text(attachment.get_content())
    assert entry.receipt_number in text and invoice.number in text and "TRF-100" in text


def test_an_email_about_an_invoice_that_is_gone_is_sent_without_it(db, app):
    world = build_world()
    _application, invoice = invoiced(world, "en")
    message = _message("invoice_issued", world.producer.email)
    message.context = {**message.context, "attachment": {"kind": "invoice", "id": invoice.id + 1000}}
    db.session.commit()
    email = build_email(message)
    assert _pdf_parts(email) == [] and email.get_body(preferencelist=("plain",)) is not None


def test_an_email_without_an_attachment_has_none(db, app):
    world = build_world()
    invoiced(world, "en")
    message = _message("application_received", world.producer.email)
    assert "attachment" not in message.context
    assert list(build_email(message).iter_attachments()) == []


# ----------------------------------------------------------------------------- downloads


def _paid_world():
    world = build_world()
    for user in (world.producer, world.other_producer, world.ministry_reviewer, world.finance, world.owner_a_reviewer):
        user.language = "en"
    db.session.commit()
    application, invoice = invoiced(world, "en")
    entry = pay_in_full(world, application)
    return world, application, invoice, entry


def _is_pdf_download(response, filename: str) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "application/pdf"
        and response.data.startswith(b"%PDF")
        and response.headers["Content-Disposition"].startswith("attachment")
        and filename in response.headers["Content-Disposition"]
        and "no-store" in response.headers["Cache-Control"]
        and response.headers["X-Content-Type-Options"] == "nosniff"
    )


def test_the_producer_downloads_the_invoice_and_the_receipt(db, client):
    world, application, invoice, entry = _paid_world()
    login(client, world.producer.email, PASSWORD)
    response = client.get(f"/applications/{application.id}/invoices/{invoice.id}.pdf")
    assert _is_pdf_download(response, f"{invoice.number}-v1.pdf")
    assert invoice.reference in pdf_text(response.data)
    response = client.get(f"/applications/{application.id}/receipts/{entry.id}.pdf")
    assert _is_pdf_download(response, f"{entry.receipt_number}.pdf")
    assert entry.receipt_number in pdf_text(response.data)


def test_another_company_and_wrong_pairs_get_404(db, app, client):
    world, application, invoice, entry = _paid_world()
    other, other_invoice = invoiced(world, "en", start=application.bookings[0].start_date.replace(month=9))
    login(client, world.other_producer.email, PASSWORD)
    assert client.get(f"/applications/{application.id}/invoices/{invoice.id}.pdf").status_code == 404
    assert client.get(f"/applications/{application.id}/receipts/{entry.id}.pdf").status_code == 404

    client = app.test_client()
    login(client, world.producer.email, PASSWORD)
    # An invoice of another application of the same company, under this one's id: 404.
    assert client.get(f"/applications/{application.id}/invoices/{other_invoice.id}.pdf").status_code == 404
    assert client.get(f"/applications/{other.id}/receipts/{entry.id}.pdf").status_code == 404
    # A ledger entry that is not a payment has no receipt.
    invoiced_entry = next(e for e in ledger.entries_of(application.id) if e.kind == "invoiced")
    assert client.get(f"/applications/{application.id}/receipts/{invoiced_entry.id}.pdf").status_code == 404
    assert client.get(f"/applications/{application.id}/invoices/999999.pdf").status_code == 404


def test_the_film_commission_downloads_them_other_reviewers_do_not(db, app, client):
    world, application, invoice, entry = _paid_world()
    login(client, world.finance.email, PASSWORD)
    response = client.get(f"/review/applications/{application.id}/invoices/{invoice.id}.pdf")
    assert _is_pdf_download(response, f"{invoice.number}-v1.pdf")
    response = client.get(f"/review/applications/{application.id}/receipts/{entry.id}.pdf")
    assert _is_pdf_download(response, f"{entry.receipt_number}.pdf")
    client = app.test_client()
    login(client, world.owner_a_reviewer.email, PASSWORD)
    assert client.get(f"/review/applications/{application.id}/invoices/{invoice.id}.pdf").status_code in (403, 404)
    assert client.get(f"/applications/{application.id}/invoices/{invoice.id}.pdf").status_code in (403, 404)


def test_the_money_emails_name_a_day_to_pay_by_and_a_payment_in_full(db, app):
    world = build_world()
    _application, invoice = invoiced(world, "en")
    text = build_email(_message("invoice_issued", world.producer.email)).get_body(("plain",)).get_content()
    day = f"{invoice.due_on.day} {invoice.due_on:%B %Y}"
    assert f"due by {day}." in text  # a date, never the midnight UTC of it in Baku's time
    payments.record_payment(world.finance, invoice, amount=invoice.total, paid_on=MONDAY.date(), bank_reference="TRF-ALL",
                            now=MONDAY)
    db.session.commit()
    paid = build_email(_message("payment_received_in_full", world.producer.email)).get_body(("plain",)).get_content()
    assert "The fee is paid in full." in paid and "Still to pay" not in paid
