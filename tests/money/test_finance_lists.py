"""The finance lists page by key, and read the balance the ledger keeps on
each application instead of summing the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from permits.extensions import db as database
from permits.models import Application
from permits.services import ledger, payments
from tests.money.finance_world import awaiting_payment, fee_invoice, sign_in
from tests.services.scenario import MONDAY, build_world


@pytest.fixture
def world(db):
    return build_world()


def _overpay(world, application, extra: str):
    invoice = fee_invoice(application)
    payments.record_payment(world.finance, invoice, amount=ledger.balance_of(application) + Decimal(extra),
                            paid_on=MONDAY.date(), bank_reference=f"TRF-{application.id}", now=MONDAY)
    database.session.commit()


def _kept(application) -> Decimal:
    database.session.expire_all()
    return database.session.get(Application, application.id).balance


def test_the_balance_kept_on_the_application_follows_every_ledger_entry(world):
    application = awaiting_payment(world)
    assert _kept(application) == ledger.balance_of(application) > 0
    _overpay(world, application, "7.50")
    assert _kept(application) == ledger.balance_of(application) == Decimal("-7.50")
    payments.record_refund(world.finance, application, amount=Decimal("7.50"), paid_on=MONDAY.date(),
                           bank_reference="REF-1", now=MONDAY)
    database.session.commit()
    assert _kept(application) == ledger.balance_of(application) == 0


def test_credits_and_awaiting_payment_page_by_key(world, app):
    small, large, third = (awaiting_payment(world, start=dt.date(2027, 6, 7) + dt.timedelta(weeks=w)) for w in (0, 1, 2))
    waiting = [awaiting_payment(world, start=dt.date(2027, 6, 7) + dt.timedelta(weeks=w)) for w in (3, 4, 5)]
    _overpay(world, small, "2.00")
    _overpay(world, large, "9.00")
    _overpay(world, third, "9.00")
    # Largest credit first; equal credits by id.
    first = payments.credits_to_refund(2)
    assert [(r.application.id, r.balance) for r in first] == [(large.id, Decimal("-9.00")), (third.id, Decimal("-9.00"))]
    rest = payments.credits_to_refund(2, after=payments.cursor_of("credits", first[-1]))
    assert [r.application.id for r in rest] == [small.id]
    assert payments.reconcile_counts().credits == 3
    # Awaiting payment: the lapse moment first, then the id; the pages join up.
    every = [r.application.id for r in payments.awaiting_payment(10)]
    assert sorted(every) == sorted(a.id for a in waiting)
    page = payments.awaiting_payment(2)
    after = payments.awaiting_payment(10, after=payments.cursor_of("awaiting", page[-1]))
    assert [r.application.id for r in page + after] == every
    # A malformed cursor is the first page.
    assert [r.application.id for r in payments.credits_to_refund(2, after="%%%")] == [large.id, third.id]
    client = sign_in(app.test_client(), world.finance)
    html = client.get("/finance/?show=credits").get_data(as_text=True)
    assert "Every list to reconcile" in html and "Credits to refund" in html and "Statement lines to resolve</h2>" not in html
