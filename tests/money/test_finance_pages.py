"""The finance pages (/finance): payments by hand, bank statements, statement
lines, refunds, fee waivers, who may do what, and the commission's dashboard."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from permits.extensions import db as database
from permits.models import FeeWaiverRequest, Invoice, MoneyEntry, Permit, StatementImport, StatementLine
from permits.services import documents, ledger, payments
from tests import clock
from tests.money.finance_world import awaiting_payment, fee_invoice, sign_in, statement, token, upload
from tests.security.conftest import pdf_bytes
from tests.services.scenario import MONDAY, build_world

TODAY = clock.today().isoformat()  # the suite's frozen day (tests/clock.py), whatever moment CI picks
LATER = clock.days_ahead(12).isoformat()  # a day in the future


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def english(app):
    def make(user=None):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return sign_in(client, user) if user is not None else client

    return make


def _paid_entries() -> int:
    database.session.rollback()
    return database.session.scalar(select(func.count(MoneyEntry.id)).where(MoneyEntry.kind == "paid"))


def _state(application) -> str:
    database.session.rollback()
    return database.session.get(type(application), application.id).state


def _permits(application) -> int:
    return database.session.scalar(select(func.count(Permit.id)).where(Permit.application_id == application.id))


# ----------------------------------------------------------------------------- payments by hand


def test_a_finance_officer_records_a_payment_by_hand_and_the_permit_is_issued(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    balance = ledger.balance_of(application)
    client = english(world.finance)
    page = client.get(f"/finance/invoices/{invoice.id}/payment")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert invoice.number in html and invoice.reference in html and 'type="date"' in html
    response = client.post(f"/finance/invoices/{invoice.id}/payment", data={
        "csrf_token": token(client), "paid_on": TODAY, "amount": f"{balance:.2f}", "bank_reference": "TRX-1001", "note": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _state(application) == "approved"
    assert _permits(application) == 1
    assert "the permit is issued" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_payment_form_shows_its_errors_and_keeps_what_was_typed(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    client = english(world.finance)
    url = f"/finance/invoices/{invoice.id}/payment"
    response = client.post(url, data={"csrf_token": token(client), "paid_on": "", "amount": "twelve",
                                      "bank_reference": "TRX-KEEP-ME", "note": "typed note"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and 'href="#paid_on"' in html
    assert "TRX-KEEP-ME" in html and "typed note" in html and "twelve" in html
    # The service's refusals land next to their fields: a date in the future, an amount that is not one.
    response = client.post(url, data={"csrf_token": token(client), "paid_on": LATER, "amount": "12,345.678",
                                      "bank_reference": "TRX-2"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#amount"' in html or 'href="#paid_on"' in html
    response = client.post(url, data={"csrf_token": token(client), "paid_on": LATER, "amount": "10.00",
                                      "bank_reference": "TRX-2"})
    assert response.status_code == 400 and 'href="#paid_on"' in response.get_data(as_text=True)
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert _paid_entries() == 0 and _state(application) == "awaiting_payment"


def test_the_same_bank_reference_is_refused_on_its_field(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    client = english(world.finance)
    url = f"/finance/invoices/{invoice.id}/payment"
    data = {"paid_on": TODAY, "amount": "10.00", "bank_reference": "TRX-SAME"}
    assert client.post(url, data={"csrf_token": token(client), **data}).status_code == 302
    response = client.post(url, data={"csrf_token": token(client), **data})
    assert response.status_code == 400
    assert 'href="#bank_reference"' in response.get_data(as_text=True)
    assert _paid_entries() == 1


def test_an_invoice_is_found_by_its_number_or_payment_reference(world, english):
    invoice = fee_invoice(awaiting_payment(world))
    client = english(world.finance)
    for text in (invoice.number, invoice.reference.lower()):
        response = client.get("/finance/find", query_string={"q": text})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/finance/invoices/{invoice.id}/payment")
    response = client.get("/finance/find", query_string={"q": "AZI-1999-000000"})
    assert response.status_code == 404 and "No invoice has this number" in response.get_data(as_text=True)


def test_the_commissions_application_page_links_to_the_payment_form(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    html = english(world.finance).get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert f"/finance/invoices/{invoice.id}/payment" in html
    html = english(world.ministry_reviewer).get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert "/finance/invoices/" not in html


# ----------------------------------------------------------------------------- bank statements


def test_a_statement_marks_an_invoice_paid_and_the_permit_is_issued(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    balance = ledger.balance_of(application)
    client = english(world.finance)
    page = client.get("/finance/statements")
    assert page.status_code == 200 and "1 234,50" in page.get_data(as_text=True)  # the format is documented
    data = statement(f"19.04.2027;{balance:.2f};Payment for {invoice.reference}, thank you;BANK-77;Lumière SAS")
    response = upload(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _state(application) == "approved" and _permits(application) == 1
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Paid" in result and "No line is left open" in result


def test_the_same_statement_twice_records_nothing_twice(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    client = english(world.finance)
    data = statement(f"2027-04-16;10.00;{invoice.reference};BANK-1", "2027-04-16;5,00;unknown;BANK-2")
    first = upload(client, data)
    assert first.status_code == 302
    assert _paid_entries() == 1
    second = upload(client, data)
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert "already imported" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert _paid_entries() == 1
    assert database.session.scalar(select(func.count(StatementImport.id))) == 1
    assert database.session.scalar(select(func.count(StatementLine.id))) == 2


def test_an_unknown_reference_is_listed_and_resolved_onto_an_invoice(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    balance = ledger.balance_of(application)
    client = english(world.finance)
    assert upload(client, statement(f"2027-04-16;{balance:.2f};film permit Silk Road;BANK-9;Lumière")).status_code == 302
    line = database.session.execute(select(StatementLine)).scalar_one()
    assert (line.status, line.outcome) == ("open", "unknown_reference")
    page = client.get("/finance/").get_data(as_text=True)
    assert "film permit Silk Road" in page and f"/finance/lines/{line.id}" in page
    # A reference that names nothing is refused on its field; nothing is lost.
    response = client.post(f"/finance/lines/{line.id}", data={"csrf_token": token(client), "reference": "RF00NOPE",
                                                              "note": "by phone"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#reference"' in html and "by phone" in html
    response = client.post(f"/finance/lines/{line.id}", data={"csrf_token": token(client), "reference": invoice.number,
                                                              "note": "The producer called"})
    assert response.status_code == 302
    database.session.rollback()
    line = database.session.get(StatementLine, line.id)
    assert line.status == "done" and line.invoice_id == invoice.id and line.entry_id is not None
    assert _state(application) == "approved"


def test_an_open_line_is_closed_with_a_note(world, english):
    awaiting_payment(world)
    client = english(world.finance)
    upload(client, statement("2027-04-16;3.00;a gift;BANK-5"))
    line = database.session.execute(select(StatementLine)).scalar_one()
    response = client.post(f"/finance/lines/{line.id}", data={"csrf_token": token(client), "reference": "", "note": ""})
    assert response.status_code == 400 and 'href="#note"' in response.get_data(as_text=True)
    response = client.post(f"/finance/lines/{line.id}", data={"csrf_token": token(client), "note": "Returned to the sender"})
    assert response.status_code == 302
    database.session.rollback()
    assert database.session.get(StatementLine, line.id).status == "done"


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00\x01\x02\xff\xfe binary", "must be a CSV text file"),
    (b"date;amount\n2027-04-16;10.00\n", "missing: reference, bank_reference"),
    (b"date;amount;reference;bank reference\n2027-13-45;10.00;RF1;B-1\n", "Line 2: the date"),
    (b"", "must be a CSV text file"),
])
def test_a_bad_statement_is_a_clear_message_not_a_500(world, english, data, message):
    client = english(world.finance)
    response = upload(client, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html and 'href="#file"' in html
    assert database.session.scalar(select(func.count(StatementImport.id))) == 0


def test_a_statement_is_asked_for(world, english):
    client = english(world.finance)
    response = client.post("/finance/statements", data={"csrf_token": token(client)}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose the statement" in response.get_data(as_text=True)


def test_a_statement_too_large_is_refused(world, english):
    client = english(world.finance)
    data = statement("2027-04-16;1.00;x;B-1") + b"#" * (payments.MAX_STATEMENT_BYTES + 10)
    response = upload(client, data)
    assert response.status_code == 400 and "larger than 2 MB" in response.get_data(as_text=True)


# ----------------------------------------------------------------------------- refunds


def test_an_overpayment_is_a_credit_to_refund(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    balance = ledger.balance_of(application)
    payments.record_payment(world.finance, invoice, amount=balance + Decimal("25.00"), paid_on=MONDAY.date(),
                            bank_reference="OVER-1", now=MONDAY)
    database.session.commit()
    client = english(world.finance)
    page = client.get("/finance/").get_data(as_text=True)
    assert f"/finance/applications/{application.id}/refund" in page
    refund_page = client.get(f"/finance/applications/{application.id}/refund")
    assert refund_page.status_code == 200 and 'value="25.00"' in refund_page.get_data(as_text=True)
    response = client.post(f"/finance/applications/{application.id}/refund", data={
        "csrf_token": token(client), "paid_on": TODAY, "amount": "30.00", "bank_reference": "REF-1"})
    assert response.status_code == 400 and "At most" in response.get_data(as_text=True)
    response = client.post(f"/finance/applications/{application.id}/refund", data={
        "csrf_token": token(client), "paid_on": TODAY, "amount": "25.00", "bank_reference": "REF-1"})
    assert response.status_code == 302
    database.session.rollback()
    assert ledger.balance_of(application) == 0
    assert f"/finance/applications/{application.id}/refund" not in client.get("/finance/").get_data(as_text=True)


# ----------------------------------------------------------------------------- fee waivers


def _waiver(world, application) -> FeeWaiverRequest:
    database.session.rollback()
    request = payments.request_waiver(
        world.producer, application, ground="student", reason="A graduation film of the Baku film school.",
        upload=documents.Upload(stream=io.BytesIO(pdf_bytes("letter")), filename="letter.pdf"), now=MONDAY,
    )
    database.session.commit()
    return request


def test_a_supervisor_grants_a_waiver_and_the_invoice_is_reissued(world, english):
    application = awaiting_payment(world)
    waiver = _waiver(world, application)
    url = f"/finance/waivers/{waiver.id}"
    supervisor = english(world.ministry_supervisor)
    page = supervisor.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "A student film" in html and "graduation film" in html
    assert f"/review/applications/{application.id}/documents/{waiver.document_id}" in html
    assert supervisor.get(f"/review/applications/{application.id}/documents/{waiver.document_id}").status_code == 200
    # A refusal needs a reason, shown next to the note.
    response = supervisor.post(url, data={"csrf_token": token(supervisor), "decision": "refuse", "note": ""})
    assert response.status_code == 400 and 'href="#note"' in response.get_data(as_text=True)
    response = supervisor.post(url, data={"csrf_token": token(supervisor), "decision": "grant", "note": "Letter checked"})
    assert response.status_code == 302
    database.session.rollback()
    versions = database.session.execute(
        select(Invoice).where(Invoice.application_id == application.id).order_by(Invoice.version)).scalars().all()
    assert [v.version for v in versions] == [1, 2] and versions[1].is_current and versions[1].total == 0
    assert database.session.get(FeeWaiverRequest, waiver.id).state == "granted"
    assert _state(application) == "approved"  # nothing left to pay: the permit is issued


def test_only_a_supervisor_of_the_commission_decides_a_waiver(world, english):
    application = awaiting_payment(world)
    waiver = _waiver(world, application)
    url = f"/finance/waivers/{waiver.id}"
    for user, status in ((world.ministry_reviewer, 403), (world.owner_a_reviewer, 404), (world.producer, 404),
                         (world.other_producer, 404)):
        client = english(user)
        assert client.get(url).status_code == status, user.email
        assert client.post(url, data={"csrf_token": token(client), "decision": "grant"}).status_code == status, user.email
    # The finance officer sees it, read-only.
    finance = english(world.finance)
    page = finance.get(url)
    assert page.status_code == 200 and 'name="decision"' not in page.get_data(as_text=True)
    assert finance.post(url, data={"csrf_token": token(finance), "decision": "grant"}).status_code == 403
    database.session.rollback()
    assert database.session.get(FeeWaiverRequest, waiver.id).state == "requested"
    assert english(world.ministry_supervisor).get("/finance/").status_code == 200


# ----------------------------------------------------------------------------- who may


def test_reviewers_and_producers_are_refused(world, english):
    application = awaiting_payment(world)
    invoice = fee_invoice(application)
    posts = {
        f"/finance/invoices/{invoice.id}/payment": {"paid_on": TODAY, "amount": "1.00", "bank_reference": "X-1"},
        f"/finance/applications/{application.id}/refund": {"paid_on": TODAY, "amount": "1.00", "bank_reference": "X-2"},
        "/finance/statements": {},
    }
    for user in (world.ministry_reviewer, world.ministry_supervisor, world.owner_a_reviewer, world.producer):
        client = english(user)
        for url, data in posts.items():
            assert client.get(url).status_code == 403, (user.email, url)
            assert client.post(url, data={"csrf_token": token(client), **data}).status_code == 403, (user.email, url)
        assert client.get("/finance/find", query_string={"q": invoice.number}).status_code == 403
    for user in (world.ministry_reviewer, world.owner_a_reviewer, world.producer):
        assert english(user).get("/finance/").status_code == 403
    assert english().get("/finance/").status_code == 302  # anonymous: sign in
    assert _paid_entries() == 0


def test_the_finance_link_is_in_the_menu_of_finance_officers_and_supervisors(world, english):
    for user, shown in ((world.finance, True), (world.ministry_supervisor, True), (world.ministry_reviewer, False),
                        (world.producer, False)):
        html = english(user).get("/account/").get_data(as_text=True)
        assert ('href="/finance/"' in html) is shown, user.email


# ----------------------------------------------------------------------------- the lists and the dashboard


def test_the_ministry_dashboard_shows_what_is_left_to_reconcile(world, english):
    application = awaiting_payment(world)
    client = english(world.finance)
    upload(client, statement("2027-04-16;3.00;a gift;BANK-5", "2027-04-16;4.00;another;BANK-6"))
    _waiver(world, application)
    for user in (world.ministry_supervisor, world.ministry_reviewer, world.finance):
        html = english(user).get("/review/").get_data(as_text=True)
        stat = re.search(r'app-stat__value">(\d+)</span>\s*(?:<a[^>]*>|<span[^>]*>)To reconcile', html)
        assert stat and stat.group(1) == "3", user.email  # two open lines and a waiver
    assert 'href="/finance/"' in english(world.ministry_supervisor).get("/review/").get_data(as_text=True)


def _queries(client, url: str) -> int:
    engine = database.engine
    seen = []

    def listener(conn, cursor, statement_, parameters, context, executemany):
        seen.append(statement_)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_reconcile_page_asks_a_fixed_number_of_queries(world, english):
    client = english(world.finance)
    first = awaiting_payment(world)
    upload(client, statement("2027-04-16;3.00;a gift;BANK-5"))
    _waiver(world, first)
    small = _queries(client, "/finance/")
    for week in (1, 2):
        awaiting_payment(world, start=dt.date(2027, 6, 7) + dt.timedelta(weeks=week))
    upload(client, statement("2027-04-16;3.00;again;BANK-7", "2027-04-16;8.00;more;BANK-8", "2027-04-16;9.00;x;BANK-9"))
    large = _queries(client, "/finance/")
    assert large == small
