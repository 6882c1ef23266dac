"""The money rules: invoice lines from the quote, waivers, refunds, payment
references and the ledger's balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows import DEFINITION_V2, ApplicationFacts, BookingFacts, impact_tier_for, quote
from workflows.money import (
    DEFAULT_MONEY_POLICY,
    EntryKind,
    InvoiceLine,
    LedgerEntry,
    MatchOutcome,
    MoneyPolicy,
    RefundStage,
    WaiverGround,
    balance,
    cancellation,
    invoice_lines,
    match_payment,
    payment_reference,
    reference_is_valid,
    refund_due,
    waived_amount,
)

P = DEFAULT_MONEY_POLICY


def _quote():
    facts = ApplicationFacts("feature", "FR", bookings=(BookingFacts("L1", "ORG", crew=20, activities={"drone"}),))
    return quote(impact_tier_for(facts), [(Decimal("200.00"), 3, "Maiden Tower"), (Decimal("0"), 1, "Yanar Dag")],
                 DEFINITION_V2)


def test_invoice_lines_come_from_the_quote_and_the_reviews_that_charge():
    q = _quote()
    lines = invoice_lines(P, q, ["site_owner", "aviation", "aviation", "tourism"])
    assert lines == [
        InvoiceLine("tier:medium", 1, Decimal("150.00"), Decimal("150.00")),
        InvoiceLine("site:Maiden Tower", 3, Decimal("200.00"), Decimal("600.00")),
        InvoiceLine("site:Yanar Dag", 1, Decimal("0.00"), Decimal("0.00")),
        InvoiceLine("review:aviation", 1, Decimal("80.00"), Decimal("80.00")),
    ]
    assert sum(line.amount for line in lines) == q.total + Decimal("80.00")
    assert all(isinstance(line.amount, Decimal) for line in lines)


def test_waivers_and_refunds_follow_the_policy():
    assert waived_amount(P, "student", Decimal("830.00")) == Decimal("830.00")
    assert waived_amount(P, "non_profit_documentary", Decimal("830.01")) == Decimal("415.01")  # half up, to the cent
    with pytest.raises(KeyError):
        waived_amount(P, "friend_of_the_minister", Decimal("100"))
    assert refund_due(P, "before_screening", Decimal("830.00")) == Decimal("830.00")
    assert refund_due(P, RefundStage.UNDER_REVIEW, Decimal("830.00")) == Decimal("415.00")
    assert refund_due(P, RefundStage.DECIDED, Decimal("830.00")) == Decimal("0.00")


def test_policies_are_validated():
    with pytest.raises(ValueError, match="share"):
        WaiverGround("all_and_more", Decimal("1.5"), "letter")
    with pytest.raises(ValueError, match="refund share"):
        MoneyPolicy(refund_shares={RefundStage.DECIDED: Decimal("2")})
    with pytest.raises(ValueError, match="unique"):
        MoneyPolicy(waiver_grounds=(WaiverGround("a", Decimal("1"), "x"), WaiverGround("a", Decimal("0.5"), "y")))
    with pytest.raises(TypeError):
        LedgerEntry(EntryKind.PAID, 10.5)  # never a float
    with pytest.raises(ValueError):
        LedgerEntry(EntryKind.PAID, Decimal("-1"))


def test_payment_references_carry_check_digits():
    reference = payment_reference("AZI-2027-000042")
    assert reference.startswith("RF") and reference.endswith("AZI2027000042")
    assert reference_is_valid(reference)
    assert reference_is_valid(reference.lower().replace("rf", "RF ", 1))  # spaces and case do not matter
    mistyped = reference[:-1] + ("3" if reference[-1] != "3" else "4")
    assert not reference_is_valid(mistyped)
    assert not reference_is_valid("AZI-2027-000042") and not reference_is_valid("")


@given(st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20), min_size=1, max_size=1))
def test_every_reference_is_valid_and_one_mistyped_digit_is_caught(bodies):
    # MOD 97-10 catches every single wrong digit (a letter read as a digit may slip through;
    # invoice numbers are digits after their prefix).
    reference = payment_reference(bodies[0])
    assert reference_is_valid(reference)
    for i in range(2, len(reference)):
        if not reference[i].isdigit():
            continue
        changed = reference[:i] + ("0" if reference[i] != "0" else "1") + reference[i + 1:]
        assert not reference_is_valid(changed)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
entries = st.lists(st.tuples(st.sampled_from(list(EntryKind)), amounts), max_size=30)


@given(entries)
def test_the_balance_is_invoiced_less_waived_less_paid_plus_refunded(sequence):
    ledger = [LedgerEntry(kind, amount) for kind, amount in sequence]
    total = {kind: sum((e.amount for e in ledger if e.kind is kind), Decimal("0")) for kind in EntryKind}
    expected = (total[EntryKind.INVOICED] - total[EntryKind.WAIVED] - total[EntryKind.CANCELLED]
                - total[EntryKind.PAID] + total[EntryKind.REFUNDED])
    assert balance(ledger) == expected
    assert balance(reversed(ledger)) == balance(ledger)  # order does not matter


@given(st.decimals(min_value=Decimal("1"), max_value=Decimal("5000"), places=2), st.lists(amounts, max_size=10))
def test_random_payments_settle_an_invoice_or_leave_a_credit_to_refund(invoiced, payments):
    ledger = [LedgerEntry(EntryKind.INVOICED, invoiced)]
    for amount in payments:
        due = balance(ledger)
        outcome = match_payment(amount, due)
        ledger.append(LedgerEntry(EntryKind.PAID, amount))
        after = balance(ledger)
        assert outcome is {0: MatchOutcome.PAID, 1: MatchOutcome.PARTIAL, -1: MatchOutcome.OVERPAID}[
            (after > 0) - (after < 0)]
        if after < 0:  # a credit: refunding it brings the balance back to zero, never below
            assert balance([*ledger, LedgerEntry(EntryKind.REFUNDED, -after)]) == 0
    assert match_payment(Decimal("10"), None) is MatchOutcome.UNKNOWN_REFERENCE
    assert match_payment(Decimal("10"), Decimal("10"), cancelled=True) is MatchOutcome.AFTER_CANCELLATION


@given(
    st.decimals(min_value=Decimal("1"), max_value=Decimal("5000"), places=2),
    st.lists(amounts, max_size=6),
    st.sampled_from(list(RefundStage)),
)
def test_an_ended_application_owes_nothing_and_gets_back_its_overpayment_and_the_policy_share(invoiced, payments, stage):
    ledger = [LedgerEntry(EntryKind.INVOICED, invoiced), *(LedgerEntry(EntryKind.PAID, p) for p in payments)]
    paid = sum(payments, Decimal("0"))
    towards_fee = min(paid, invoiced)
    cancelled = cancellation(DEFAULT_MONEY_POLICY, stage, ledger)
    assert cancelled >= 0
    after = balance([*ledger, LedgerEntry(EntryKind.CANCELLED, cancelled)] if cancelled else ledger)
    # Nothing is owed any more; what comes back is the overpayment and the stage's share.
    assert after == -((paid - towards_fee) + refund_due(DEFAULT_MONEY_POLICY, stage, towards_fee))
    assert after <= 0
