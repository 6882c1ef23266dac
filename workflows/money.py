"""The money rules of the process, as data and pure functions.

What a commission charges and gives back is policy, so it lives here beside
the review process and is versioned the same way (:class:`MoneyPolicy`):

* **when** the invoice is issued (when the screening accepts, or at submission),
  and in how many business days it is due;
* **the lines** of an invoice, from the same quote the producer saw before
  applying (tier fee, each site's days x rate) plus each agency's fee where the
  policy names one;
* **waiver grounds** (a student film, a non-profit documentary, a film about the
  country's heritage): what each reduces and what proof it asks for;
* **refunds**: what share of what was paid comes back, by how far the
  application had gone when it ended;
* **the ledger**: one balance from invoices, waivers, payments and refunds, and
  what a bank statement line means for an invoice (paid, partly paid, overpaid,
  unknown).

Every amount is :class:`~decimal.Decimal` AZN rounded to the cent; floats are
refused (:func:`workflows.tiers.money`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal

from .tiers import Quote, money

__all__ = [
    "DEFAULT_MONEY_POLICY",
    "EntryKind",
    "InvoiceLine",
    "LedgerEntry",
    "MatchOutcome",
    "MoneyPolicy",
    "RefundStage",
    "WaiverGround",
    "balance",
    "cancellation",
    "invoice_lines",
    "match_payment",
    "payment_reference",
    "reference_is_valid",
    "refund_due",
    "waived_amount",
]

ZERO = Decimal("0.00")


class InvoiceMoment(str, enum.Enum):
    """When the invoice is issued."""

    SCREENING_ACCEPTED = "screening_accepted"
    SUBMITTED = "submitted"

    def __str__(self) -> str:
        return self.value


class RefundStage(str, enum.Enum):
    """How far an application had gone when it ended (withdrawn, refused, lapsed)."""

    BEFORE_SCREENING = "before_screening"  # still in the commission's screening
    UNDER_REVIEW = "under_review"  # the parallel reviews or the final decision
    DECIDED = "decided"  # approved (the permit was issued) or refused after review

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class WaiverGround:
    """A reason a producer may give for paying less: ``share`` of the fee
    waived (1 = all of it), with the proof asked for (a document kind)."""

    code: str
    share: Decimal
    proof_document_kind: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", Decimal(self.share))
        if not Decimal(0) < self.share <= Decimal(1):
            raise ValueError(f"a waiver's share must be above 0 and at most 1 ({self.code!r})")


@dataclasses.dataclass(frozen=True)
class MoneyPolicy:
    invoice_at: InvoiceMoment = InvoiceMoment.SCREENING_ACCEPTED
    due_business_days: int = 10
    reminder_before_business_days: int = 2
    # Fees some reviews add to the invoice (review kind code -> AZN).
    review_fees: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    waiver_grounds: tuple[WaiverGround, ...] = ()
    # The share of what was paid that comes back, by stage.
    refund_shares: Mapping[RefundStage, Decimal] = dataclasses.field(default_factory=dict)
    invoice_prefix: str = "AZI"

    def __post_init__(self) -> None:
        object.__setattr__(self, "invoice_at", InvoiceMoment(self.invoice_at))
        object.__setattr__(self, "review_fees", {k: money(v) for k, v in dict(self.review_fees).items()})
        object.__setattr__(self, "refund_shares", {RefundStage(k): Decimal(v) for k, v in dict(self.refund_shares).items()})
        object.__setattr__(self, "waiver_grounds", tuple(self.waiver_grounds))
        if self.due_business_days < 1 or self.reminder_before_business_days < 0:
            raise ValueError("an invoice is due at least a business day after it is issued")
        if any(not Decimal(0) <= share <= Decimal(1) for share in self.refund_shares.values()):
            raise ValueError("a refund share is between 0 and 1")
        codes = [g.code for g in self.waiver_grounds]
        if len(codes) != len(set(codes)):
            raise ValueError("waiver grounds must be unique")

    def __hash__(self) -> int:  # the mappings are not hashable; equality is by value
        return hash((self.invoice_at, self.due_business_days, tuple(sorted(self.review_fees.items())),
                     self.waiver_grounds, tuple(sorted(self.refund_shares.items())), self.invoice_prefix))

    def waiver_ground(self, code: str) -> WaiverGround:
        for ground in self.waiver_grounds:
            if ground.code == code:
                return ground
        raise KeyError(f"no waiver ground {code!r}")


DEFAULT_MONEY_POLICY = MoneyPolicy(
    invoice_at=InvoiceMoment.SCREENING_ACCEPTED,
    due_business_days=10,
    reminder_before_business_days=2,
    review_fees={"police": Decimal("50.00"), "aviation": Decimal("80.00"), "emergency": Decimal("60.00")},
    waiver_grounds=(
        WaiverGround("student", Decimal("1"), "school_letter"),
        WaiverGround("non_profit_documentary", Decimal("0.5"), "non_profit_certificate"),
        WaiverGround("heritage_film", Decimal("0.5"), "synopsis"),
    ),
    refund_shares={
        RefundStage.BEFORE_SCREENING: Decimal("1"),
        RefundStage.UNDER_REVIEW: Decimal("0.5"),
        RefundStage.DECIDED: Decimal("0"),
    },
)


# ------------------------------------------------------------------------------------ invoices


@dataclasses.dataclass(frozen=True)
class InvoiceLine:
    """One line: ``code`` says what it is (``tier``, ``site:<name>``,
    ``review:<kind>``), for the services to name it in the reader's language."""

    code: str
    quantity: int
    unit_amount: Decimal
    amount: Decimal


def invoice_lines(policy: MoneyPolicy, quote: Quote, review_kinds: Iterable[str] = ()) -> list[InvoiceLine]:
    """The lines of an invoice: the quote's (the tier's fee, each site's days x
    rate) and a fee for each review the policy charges for (each kind once)."""
    lines = [InvoiceLine(f"tier:{quote.tier.value}", 1, quote.base_fee, quote.base_fee)]
    lines += [InvoiceLine(f"site:{line.site_name}", line.shoot_days, line.fee_per_day, line.amount) for line in quote.lines]
    for kind in dict.fromkeys(review_kinds):
        fee = policy.review_fees.get(kind)
        if fee:
            lines.append(InvoiceLine(f"review:{kind}", 1, fee, fee))
    return lines


def waived_amount(policy: MoneyPolicy, ground_code: str, invoiced: Decimal) -> Decimal:
    """What a granted waiver takes off an invoiced amount."""
    return money(Decimal(invoiced) * policy.waiver_ground(ground_code).share)


def refund_due(policy: MoneyPolicy, stage: RefundStage | str, paid: Decimal) -> Decimal:
    """What comes back of what was paid when an application ends at ``stage``."""
    return money(Decimal(paid) * policy.refund_shares.get(RefundStage(stage), Decimal(0)))


# ------------------------------------------------------------------------------------ references


def _mod97(digits: str) -> int:
    return int(digits) % 97


def _digits(text: str) -> str:
    """Letters as two digits each (A=10 ... Z=35), as in IBANs."""
    return "".join(str(int(c, 36)) for c in text.upper() if c.isalnum())


def payment_reference(invoice_number: str) -> str:
    """A payment reference with ISO 7064 MOD 97-10 check digits (as IBANs and
    the RF creditor reference use), so that a mistyped reference on a bank
    transfer is recognised as such instead of matching another invoice."""
    body = "".join(c for c in invoice_number.upper() if c.isalnum())
    check = 98 - _mod97(_digits(body + "RF") + "00")
    return f"RF{check:02d}{body}"


def reference_is_valid(reference: str) -> bool:
    text = "".join(c for c in (reference or "").upper() if c.isalnum())
    if len(text) < 5 or not text.startswith("RF") or not text[2:4].isdigit():
        return False
    return _mod97(_digits(text[4:] + text[:4])) == 1


# ------------------------------------------------------------------------------------ the ledger


class EntryKind(str, enum.Enum):
    INVOICED = "invoiced"  # an invoice or a supplementary invoice (a new version adds its difference)
    WAIVED = "waived"
    PAID = "paid"
    REFUNDED = "refunded"  # money given back to the producer
    CANCELLED = "cancelled"  # what is no longer owed when the application ended unpaid (or partly paid)

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class LedgerEntry:
    kind: EntryKind
    amount: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EntryKind(self.kind))
        object.__setattr__(self, "amount", money(self.amount))
        if self.amount < 0:
            raise ValueError("a ledger entry's amount is never negative; its kind gives the direction")


def balance(entries: Iterable[LedgerEntry]) -> Decimal:
    """What the producer still owes (positive) or is owed (negative: a credit
    to refund): invoiced - waived - cancelled - paid + refunded."""
    total = ZERO
    for entry in entries:
        if entry.kind is EntryKind.INVOICED or entry.kind is EntryKind.REFUNDED:
            total += entry.amount
        else:
            total -= entry.amount
    return money(total)


class MatchOutcome(str, enum.Enum):
    PAID = "paid"  # the balance reaches zero
    PARTIAL = "partial"  # a balance is still due
    OVERPAID = "overpaid"  # a credit to refund
    AFTER_CANCELLATION = "after_cancellation"  # the application ended: to refund
    UNKNOWN_REFERENCE = "unknown_reference"  # for a person to resolve

    def __str__(self) -> str:
        return self.value


def cancellation(policy: MoneyPolicy, stage: RefundStage | str, entries: Iterable[LedgerEntry]) -> Decimal:
    """What is no longer owed when an application ends at ``stage``.

    After it, the balance is minus what comes back: all of an overpayment,
    and the policy's share of what was paid towards the fee."""
    entries = list(entries)

    def total(kind: EntryKind) -> Decimal:
        return sum((e.amount for e in entries if e.kind is kind), ZERO)

    owed = total(EntryKind.INVOICED) - total(EntryKind.WAIVED) - total(EntryKind.CANCELLED)
    paid = max(total(EntryKind.PAID) - total(EntryKind.REFUNDED), ZERO)
    towards_fee = min(paid, max(owed, ZERO))
    target = -((paid - towards_fee) + refund_due(policy, stage, towards_fee))
    return max(money(balance(entries) - target), ZERO)


def match_payment(amount: Decimal, due: Decimal | None, *, cancelled: bool = False) -> MatchOutcome:
    """What a received payment means for the invoice its reference names
    (``due``: the balance before it; None when no open invoice has that reference)."""
    amount = money(amount)
    if due is None:
        return MatchOutcome.UNKNOWN_REFERENCE
    if cancelled:
        return MatchOutcome.AFTER_CANCELLATION
    due = money(due)
    if amount == due:
        return MatchOutcome.PAID
    return MatchOutcome.PARTIAL if amount < due else MatchOutcome.OVERPAID
