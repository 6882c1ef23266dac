"""The money services against a real database: invoices at the definition's
moment, payments by hand and from a statement (never twice), partial and
over-payments, waivers as invoice versions, refunds by stage, the lapse of
an unpaid approval, and a supplementary invoice for an amendment."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from permits.extensions import db
from permits.models import FeeWaiverRequest, Invoice, MoneyEntry, OutboxMessage
from permits.notifications.delivery import build_email
from permits.services import ServiceError, deadlines, ledger, payments, workflow
from tests.conftest import empty_tables
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted
from workflows import DEFINITION_V3, registry
from workflows.money import DEFAULT_MONEY_POLICY, InvoiceMoment

STAGES = ("ministry_screening", "site_owner", "tourism", "ministry_final")


def _approved_unpaid(world):
    application = submitted(world)
    for kind in STAGES:
        approve_all(world, application, kind, pay=False)
    db.session.refresh(application)
    assert application.state == "awaiting_payment"
    return application


def _statement(*lines: tuple[str, str, str, str]) -> bytes:
    rows = ["date;amount;reference;bank reference;payer", *(";".join(line) for line in lines)]
    return "\n".join(rows).encode()


def _paid_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(MoneyEntry).where(MoneyEntry.kind == "paid"))


def test_the_invoice_is_issued_when_the_screening_accepts_with_the_quote_lines_and_agency_fees(db):
    world = build_world()
    application = submitted(world, activities=["drone"])
    assert ledger.fee_invoice(application.id) is None  # not at submission: at the screening's acceptance
    approve_all(world, application, "ministry_screening")
    invoice = ledger.fee_invoice(application.id)
    codes = [line["code"] for line in invoice.lines]
    assert codes[0].startswith("tier:") and f"site:{world.site_a.id}" in codes and "review:aviation" in codes
    assert invoice.number.startswith("AZI-2027-") and invoice.reference.startswith("RF")
    assert invoice.total == sum(Decimal(line["amount"]) for line in invoice.lines)
    assert invoice.due_on > MONDAY.date() and ledger.balance_of(application) == invoice.total


def test_a_statement_imported_twice_records_nothing_twice_and_issues_the_permit(db):
    world = build_world()
    application = _approved_unpaid(world)
    invoice = ledger.fee_invoice(application.id)
    data = _statement(("2027-04-19", f"{invoice.total}", f"Fee {invoice.reference}", "BANK-1", "Lumière SAS"),
                      ("19.04.2027", "12,50", "no reference here", "BANK-2", "Someone"))
    first = payments.import_statement(world.finance, "april.csv", data, now=MONDAY)
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "approved" and first.counts == {"paid": 1, "unknown_reference": 1}
    again = payments.import_statement(world.finance, "april-again.csv", data, now=MONDAY)
    db.session.commit()
    assert again.already_imported and _paid_entries() == 1
    # A different file that repeats a line already recorded records it once.
    overlapping = payments.import_statement(
        world.finance, "april-2.csv", _statement(("2027-04-19", f"{invoice.total}", invoice.reference, "BANK-1", "x")),
        now=MONDAY)
    db.session.commit()
    assert overlapping.counts == {"duplicate": 1} and _paid_entries() == 1
    # The unknown line is left for a person, who puts it on the invoice.
    [line] = payments.open_lines()
    payments.resolve_line(world.finance, line, reference=invoice.number, now=MONDAY)
    db.session.commit()
    assert ledger.balance_of(application) == Decimal("-12.50")  # a credit to refund


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"date,amount\n2027-04-19,10", b"", b"date;amount;reference;bank reference\n2027-02-30;10;RF;B"])
def test_a_bad_statement_is_refused_with_a_message_and_records_nothing(db, data):
    world = build_world()
    with pytest.raises(ServiceError) as refusal:
        payments.import_statement(world.finance, "bad.csv", data, now=MONDAY)
    assert refusal.value.message and _paid_entries() == 0


def test_only_finance_officers_record_payments(db):
    world = build_world()
    application = _approved_unpaid(world)
    with pytest.raises(ServiceError):
        payments.record_payment(world.ministry_reviewer, ledger.fee_invoice(application.id), amount="10",
                                paid_on=MONDAY.date(), bank_reference="X", now=MONDAY)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shares=st.lists(st.integers(min_value=1, max_value=80), min_size=1, max_size=5), waive=st.booleans())
def test_random_payments_and_a_waiver_keep_the_balance_equal_to_the_ledger(app_ctx, shares, waive):
    db.session.remove()
    empty_tables(app_ctx)
    world = build_world()
    application = _approved_unpaid(world)
    invoice = ledger.fee_invoice(application.id)
    if waive:
        request = FeeWaiverRequest(application_id=application.id, ground="non_profit_documentary", reason="A documentary.",
                                   state="requested")
        db.session.add(request)
        db.session.flush()
        payments.decide_waiver(world.ministry_supervisor, request, grant=True, now=MONDAY)
        db.session.commit()
        versions = ledger.invoice_versions(application.id)
        assert [v.version for v in versions] == [1, 2] and versions[0].total == invoice.total  # the old one stays
        assert versions[1].total == invoice.total - versions[1].waived and versions[1].waived > 0
    for n, share in enumerate(shares):
        current = ledger.fee_invoice(application.id)
        amount = (current.subtotal * share / 100).quantize(Decimal("0.01")) or Decimal("0.01")
        payments.record_payment(world.finance, current, amount=amount, paid_on=MONDAY.date(),
                                bank_reference=f"TRF-{n}", now=MONDAY)
        db.session.commit()
        entries = ledger.entries_of(application.id)
        total = {k: sum((e.amount for e in entries if e.kind == k), Decimal("0")) for k in
                 ("invoiced", "waived", "cancelled", "paid", "refunded")}
        balance = ledger.balance_of(application)
        assert balance == total["invoiced"] - total["waived"] - total["cancelled"] - total["paid"] + total["refunded"]
        db.session.refresh(application)
        # The permit exactly when nothing is owed; below zero is a credit, refunded down to zero and no further.
        assert (application.state == "approved") == (balance <= 0)
        if balance < 0:
            with pytest.raises(ServiceError):
                payments.record_refund(world.finance, application, amount=-balance + Decimal("0.01"),
                                       paid_on=MONDAY.date(), bank_reference=f"R-{n}-x", now=MONDAY)
            payments.record_refund(world.finance, application, amount=-balance, paid_on=MONDAY.date(),
                                   bank_reference=f"R-{n}", now=MONDAY)
            db.session.commit()
            assert ledger.balance_of(application) == 0


def test_an_unpaid_approval_is_reminded_then_lapses_after_its_due_date(db):
    world = build_world()
    application = _approved_unpaid(world)
    lapse_at = ledger.pending_lapse(application)
    assert lapse_at is not None
    # The producer is told the last day to pay (the lapse is the first moment after it).
    last_day = ledger.last_day_to_pay(lapse_at)
    told = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.template == "application_approved_awaiting_payment")).scalars().first()
    with force_locale("en"):
        text = build_email(told).get_body(("plain",)).get_content()
    assert f"Without payment by {last_day.day} {last_day:%B %Y} the application lapses." in text
    deadlines.sweep(lapse_at - dt.timedelta(minutes=1))
    db.session.refresh(application)
    assert application.state == "awaiting_payment"
    deadlines.sweep(lapse_at + dt.timedelta(minutes=1))
    db.session.refresh(application)
    assert application.state == "lapsed" and ledger.balance_of(application) == 0
    templates = set(db.session.execute(select(OutboxMessage.template)).scalars())
    assert {"application_approved_awaiting_payment", "payment_due_soon", "application_lapsed_unpaid"} <= templates


@pytest.mark.parametrize(("when", "share"), [("screening", Decimal("1")), ("in_review", Decimal("0.5"))])
def test_withdrawal_refunds_by_the_definitions_policy(db, when, share):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    invoice = ledger.fee_invoice(application.id)
    payments.record_payment(world.finance, invoice, amount=invoice.total, paid_on=MONDAY.date(), bank_reference="T1",
                            now=MONDAY)
    db.session.commit()
    if when == "screening":  # a withdrawal before the screening accepted: nothing was invoiced yet
        other = submitted(world, start=dt.date(2027, 8, 2))
        workflow.withdraw(other, world.producer, now=MONDAY)
        db.session.commit()
        assert ledger.entries_of(other.id) == []
        share = Decimal("0.5")  # and the paid one, withdrawn under review
    workflow.withdraw(application, world.producer, now=MONDAY)
    db.session.commit()
    assert ledger.balance_of(application) == -(invoice.total * share).quantize(Decimal("0.01"))


def test_an_amendment_adding_a_site_gets_a_supplementary_invoice_for_the_difference(db):
    from permits.services import amendments

    world = build_world()
    application = submitted(world, sites=[world.site_a])
    for kind in STAGES:
        approve_all(world, application, kind)
    db.session.refresh(application)
    assert application.state == "approved"
    amendments.request_amendment(application, world.producer, location=world.site_b, start=dt.date(2027, 6, 10),
                                 end=dt.date(2027, 6, 11), crew_on_site=20, daily_start=dt.time(9), daily_end=dt.time(18),
                                 note="One more site.", now=MONDAY)
    db.session.commit()
    for _ in range(4):
        for review in open_reviews(application):
            workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
            db.session.commit()
    supplementary = db.session.execute(select(Invoice).where(Invoice.kind == "supplementary")).scalar_one()
    assert [line["code"] for line in supplementary.lines] == [f"site:{world.site_b.id}"]
    assert supplementary.total == world.site_b.fee_per_day * 2


def test_a_commission_that_invoices_at_submission_gets_the_invoice_when_filed(db, monkeypatch):
    # The moment is the definition's: a version that says "at submission".
    at_submission = dataclasses.replace(
        DEFINITION_V3, version=93, money=dataclasses.replace(DEFAULT_MONEY_POLICY, invoice_at=InvoiceMoment.SUBMITTED))
    monkeypatch.setitem(registry._DEFINITIONS, 93, at_submission)
    monkeypatch.setattr(workflow, "CURRENT_VERSION", 93)
    world = build_world()
    application = submitted(world)
    invoice = ledger.fee_invoice(application.id)
    assert invoice is not None and invoice.issued_on == MONDAY.date()
    approve_all(world, application, "ministry_screening")
    assert [i.number for i in ledger.invoice_versions(application.id)] == [invoice.number]  # issued once
