"""The producer's side of money (issue 15): the fees box of the status page,
the fee waiver request, the company's money page, the fees per month of the
statistics page and the new state in the producer's list."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from permits.extensions import db
from permits.models import FeeWaiverRequest, Invoice, MoneyEntry
from permits.services import ledger
from tests.factories import PASSWORD
from tests.helpers import csrf_token, login
from tests.services.scenario import approve_all, build_world, open_reviews, pay_in_full, submitted


def pdf_bytes(text: str = "proof") -> bytes:
    body = f"1 0 obj << /Type /Catalog >> endobj % {text}\n".encode()
    return b"%PDF-1.4\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client(app):
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


def sign_in(client, user):
    login(client, user.email, PASSWORD)
    db.session.rollback()  # end the test session's read snapshot
    return client


def awaiting_payment(world, **kwargs):
    """Screened, reviewed and approved; the fee not paid."""
    application = submitted(world, **kwargs)
    approve_all(world, application, "ministry_screening")
    for kind in ("site_owner", "tourism", "police", "aviation", "emergency"):
        approve_all(world, application, kind)
    approve_all(world, application, "ministry_final", pay=False)
    assert application.state == "awaiting_payment", application.state
    return application


def screened(world, **kwargs):
    """Invoiced (the screening accepted), still under review."""
    application = submitted(world, **kwargs)
    approve_all(world, application, "ministry_screening")
    assert open_reviews(application)
    return application


# ----------------------------------------------------------------------------- the status page


def test_the_status_page_shows_the_invoice_the_reference_and_the_awaiting_payment_notice(world, client):
    application = awaiting_payment(world)
    invoice = ledger.fee_invoice(application.id)
    lapse = ledger.pending_lapse(application)
    assert lapse is not None
    sign_in(client, world.producer)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert invoice.number in page
    assert invoice.reference in page
    assert f"/applications/{application.id}/invoices/{invoice.id}.pdf" in page
    assert "the permit is issued as soon as the fee is paid" in page
    assert "the application lapses" in page
    assert "Approved, awaiting payment" in page
    # The bank details to pay by transfer, and what is still due.
    assert world.producer and "NABZAZ2X" in page
    assert "Still to pay" in page
    # The sites of the invoice's lines are named, not numbered.
    assert "Maiden Tower" in page


def test_a_payment_is_listed_with_its_receipt_and_the_balance_is_settled(world, client):
    application = awaiting_payment(world)
    entry = pay_in_full(world, application)
    assert application.state == "approved"
    sign_in(client, world.producer)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert entry.receipt_number in page
    assert f"/applications/{application.id}/receipts/{entry.id}.pdf" in page
    assert "Paid in full" in page
    assert "the application lapses" not in page
    assert "Ask to pay less" not in page  # settled: no waiver any more


def test_the_producers_list_puts_an_application_awaiting_payment_under_needs_action(world, client):
    application = awaiting_payment(world)
    sign_in(client, world.producer)
    page = client.get("/applications/").get_data(as_text=True)
    needs_action = page.split('id="needs-action"')[1].split('id="in-progress"')[0] if 'id="in-progress"' in page \
        else page.split('id="needs-action"')[1]
    assert application.display_reference in needs_action
    assert "govuk-tag--yellow" in needs_action


# ----------------------------------------------------------------------------- the fee waiver


def _post_waiver(client, application, data: dict):
    page = client.get(f"/applications/{application.id}")
    return client.post(f"/applications/{application.id}/fee-waiver",
                       data={"csrf_token": csrf_token(page.data), **data}, content_type="multipart/form-data")


def test_the_waiver_form_lists_the_grounds_with_their_proof(world, client):
    application = screened(world)
    sign_in(client, world.producer)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Ask to pay less" in page
    for label in ("Student film", "Non-profit documentary", "Film about the country&#39;s heritage"):
        assert label in page
    assert "letter from the film school" in page


def test_a_waiver_request_with_a_pdf_proof_is_recorded(world, client):
    application = screened(world)
    sign_in(client, world.producer)
    response = _post_waiver(client, application, {
        "ground": "student", "reason": "A graduation film of the Baku film school.",
        "file": (io.BytesIO(pdf_bytes("school letter")), "letter.pdf"),
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    [request] = db.session.execute(select(FeeWaiverRequest)).scalars().all()
    assert (request.application_id, request.ground, request.state) == (application.id, "student", "requested")
    assert request.document.kind == "school_letter"
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Requested" in page
    assert "Ask to pay less" not in page  # one request at a time


def test_a_waiver_request_with_a_file_that_is_not_a_pdf_is_refused_with_a_message(world, client):
    application = screened(world)
    sign_in(client, world.producer)
    response = _post_waiver(client, application, {
        "ground": "non_profit_documentary", "reason": "We are a registered non-profit association.",
        "file": (io.BytesIO(b"just some text, not a document"), "certificate.txt"),
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "must be a PDF, JPEG or PNG" in page
    # Nothing is lost: the ground and the reason are still there.
    assert "We are a registered non-profit association." in page
    assert 'value="non_profit_documentary" aria-describedby="ground-2-hint" checked' in page
    db.session.rollback()
    assert db.session.execute(select(FeeWaiverRequest)).first() is None


def test_a_waiver_request_without_a_ground_or_file_shows_the_error_summary(world, client):
    application = screened(world)
    sign_in(client, world.producer)
    response = _post_waiver(client, application, {"reason": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Choose the ground of your request." in page
    response = _post_waiver(client, application, {"ground": "student", "reason": "A graduation film of the school."})
    assert response.status_code == 400
    assert "Attach the document that proves the ground." in response.get_data(as_text=True)


def test_another_company_cannot_ask_a_waiver_for_the_application(world, client):
    application = screened(world)
    sign_in(client, world.other_producer)
    page = client.get("/applications/")
    response = client.post(f"/applications/{application.id}/fee-waiver", data={
        "csrf_token": csrf_token(page.data), "ground": "student", "reason": "Not my application at all.",
        "file": (io.BytesIO(pdf_bytes()), "letter.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 404


# ----------------------------------------------------------------------------- the money page


def test_the_money_page_lists_the_companys_invoices_and_payments_only(world, client):
    paid = awaiting_payment(world)
    entry = pay_in_full(world, paid)
    open_one = screened(world)
    invoices = db.session.execute(select(Invoice).where(Invoice.application_id.in_([paid.id, open_one.id]))).scalars().all()
    sign_in(client, world.producer)
    page = client.get("/money").get_data(as_text=True)
    for invoice in invoices:
        assert invoice.number in page
    assert entry.receipt_number in page
    assert f"/applications/{paid.id}/receipts/{entry.id}.pdf" in page
    assert "Still to pay" in page
    assert open_one.display_reference in page

    other = sign_in(client.application.test_client(), world.other_producer)
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = other.get("/money").get_data(as_text=True)
    assert other.get("/money").status_code == 200
    for invoice in invoices:
        assert invoice.number not in page
    assert entry.receipt_number not in page


def test_the_money_page_totals(world, client):
    paid = awaiting_payment(world)
    pay_in_full(world, paid)
    sign_in(client, world.producer)
    page = client.get("/money").get_data(as_text=True)
    invoiced = db.session.execute(select(MoneyEntry.amount).where(MoneyEntry.kind == "invoiced")).scalar_one()
    from permits.templating import money

    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        assert money(invoiced) in page


def test_the_money_page_is_in_the_producers_navigation(world, client):
    sign_in(client, world.producer)
    assert 'href="/money"' in client.get("/applications/").get_data(as_text=True)


def _count_queries(client, url):
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


def _add_ledger_rows(application, n, start=0):
    """More invoices and payments for the company (as many versions and transfers would make)."""
    invoice = ledger.fee_invoice(application.id)
    for i in range(start, start + n):
        copy = Invoice(application_id=application.id, company_id=application.company_id, number=f"{invoice.number}-X{i}",
                       version=1, reference=f"{invoice.reference}X{i}", kind="supplementary", is_current=True,
                       lines=invoice.lines, subtotal=Decimal("10.00"), waived=Decimal("0.00"), total=Decimal("10.00"),
                       issued_on=invoice.issued_on, due_on=invoice.due_on)
        db.session.add(copy)
        db.session.flush()
        db.session.add_all([
            MoneyEntry(application_id=application.id, company_id=application.company_id, invoice_id=copy.id,
                       kind="invoiced", amount=Decimal("10.00"), occurred_on=invoice.issued_on),
            MoneyEntry(application_id=application.id, company_id=application.company_id, invoice_id=copy.id,
                       kind="paid", amount=Decimal("10.00"), occurred_on=invoice.issued_on,
                       bank_reference=f"LOAD-{application.id}-{i}", receipt_number=f"AZR-LOAD-{application.id}-{i}"),
        ])
    db.session.commit()


def test_the_money_page_runs_a_fixed_number_of_queries(world, client):
    application = awaiting_payment(world)
    _add_ledger_rows(application, 2)
    sign_in(client, world.producer)
    small = _count_queries(client, "/money")
    db.session.rollback()
    _add_ledger_rows(application, 30, start=2)
    second = awaiting_payment(world, start=application.bookings[0].start_date.replace(month=9))
    pay_in_full(world, second)
    large = _count_queries(client, "/money")
    assert small == large, (small, large)


def test_the_money_page_pages_by_key(world, client):
    application = awaiting_payment(world)
    _add_ledger_rows(application, 55)
    sign_in(client, world.producer)
    page = client.get("/money").get_data(as_text=True)
    assert "Older invoices" in page and "Older payments and refunds" in page
    assert f"AZR-LOAD-{application.id}-54" in page
    assert f"AZR-LOAD-{application.id}-0<" not in page
    older = client.get("/money?entries_before=999999999&invoices_before=garbage")
    assert older.status_code == 200


# ----------------------------------------------------------------------------- statistics


def test_the_statistics_csv_has_the_fees_per_month(world, client):
    application = awaiting_payment(world)
    invoiced = ledger.balance_of(application)
    pay_in_full(world, application)
    sign_in(client, world.ministry_supervisor)
    response = client.get("/review/statistics/fees-by-month.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Month", "Invoiced", "Collected", "Waived", "Refunded"]
    assert rows[1:] == [["2027-04", str(invoiced), str(invoiced), "0.00", "0.00"]]
    page = client.get("/review/statistics").get_data(as_text=True)
    assert 'id="fees-by-month"' in page and "fees-by-month-chart-title" in page


def _ask(world, application, ground="student"):
    from permits.services import documents, payments

    request = payments.request_waiver(world.producer, application, ground=ground, reason="A graduation film of the school.",
                                      upload=documents.Upload(io.BytesIO(pdf_bytes()), "letter.pdf"))
    db.session.commit()
    return request


def test_a_granted_waiver_shows_the_new_version_and_keeps_the_earlier_one_readable(world, client):
    from permits.services import payments

    application = screened(world)
    first = ledger.fee_invoice(application.id)
    payments.decide_waiver(world.ministry_supervisor, _ask(world, application, "heritage_film"), grant=True)
    db.session.commit()
    current = ledger.fee_invoice(application.id)
    assert current.version == 2
    sign_in(client, world.producer)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Granted" in page and "Earlier versions" in page
    assert f"/applications/{application.id}/invoices/{first.id}.pdf" in page
    assert f"/applications/{application.id}/invoices/{current.id}.pdf" in page
    assert "Waived" in page


def test_a_refused_waiver_shows_the_commissions_note(world, client):
    from permits.services import payments

    application = screened(world)
    payments.decide_waiver(world.ministry_supervisor, _ask(world, application), grant=False,
                           note="The letter does not name the production.")
    db.session.commit()
    sign_in(client, world.producer)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Refused" in page and "The letter does not name the production." in page
