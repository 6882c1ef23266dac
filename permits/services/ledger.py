"""Invoices and the ledger of an application: what the process definition's
money policy (:mod:`workflows.money`) says is owed, and what became of it.

The workflow calls these at its moments (the screening accepts, an amendment
is approved, the application ends); the finance verbs
(:mod:`permits.services.payments`) add payments and refunds. Every amount is
Decimal AZN; the balance is always invoiced - waived - cancelled - paid +
refunded (:func:`workflows.money.balance`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from permits.extensions import db
from permits.models import (
    Application,
    Deadline,
    DeadlineKind,
    FeeWaiverRequest,
    Invoice,
    MoneyEntry,
    User,
    WorkflowEvent,
)
from permits.services import notify, summaries
from permits.services.audit import event_values, record_event
from permits.services.context import calendar, definition_of, facts_for, now_utc
from permits.services.quotes import fee_lines
from workflows import STAGES, STANDARD, impact_tier_for, quote, required_reviews
from workflows.money import (
    ZERO,
    EntryKind,
    InvoiceMoment,
    LedgerEntry,
    MoneyPolicy,
    RefundStage,
    balance,
    cancellation,
    invoice_lines,
    payment_reference,
    waived_amount,
)

PAYMENT_DEADLINES = (DeadlineKind.PAYMENT_REMINDER, DeadlineKind.PAYMENT_LAPSE)


def policy_of(application: Application) -> MoneyPolicy | None:
    """The money policy the application's process version carries (None: it takes no money)."""
    return definition_of(application).money


def entries_of(application_id: int) -> list[MoneyEntry]:
    query = select(MoneyEntry).where(MoneyEntry.application_id == application_id).order_by(MoneyEntry.id)
    return list(db.session.execute(query).scalars())


def _ledger(entries: list[MoneyEntry]) -> list[LedgerEntry]:
    return [LedgerEntry(e.kind, e.amount) for e in entries]


def balance_of(application: Application) -> Decimal:
    """What the producer still owes (positive) or is owed back (negative)."""
    return balance_in(entries_of(application.id))


def balance_in(entries: list[MoneyEntry]) -> Decimal:
    """The balance of these ledger entries (an application's, loaded already)."""
    return balance(_ledger(entries))


def entries_of_all(application_ids) -> dict[int, list[MoneyEntry]]:
    """:func:`entries_of` for many applications in one query."""
    ids = list(set(application_ids))
    by_application: dict[int, list[MoneyEntry]] = {application_id: [] for application_id in ids}
    if ids:
        query = select(MoneyEntry).where(MoneyEntry.application_id.in_(ids)).order_by(MoneyEntry.id)
        for entry in db.session.execute(query).scalars():
            by_application[entry.application_id].append(entry)
    return by_application


def balances_of(application_ids) -> dict[int, Decimal]:
    """:func:`balance_of` for many applications in one query."""
    return {application_id: balance_in(entries) for application_id, entries in entries_of_all(application_ids).items()}


def fee_invoices(application_ids) -> dict[int, Invoice]:
    """:func:`fee_invoice` for many applications in one query."""
    ids = list(set(application_ids))
    if not ids:
        return {}
    query = select(Invoice).where(Invoice.application_id.in_(ids), Invoice.kind == "fee", Invoice.is_current.is_(True))
    return {invoice.application_id: invoice for invoice in db.session.execute(query).scalars()}


def current_invoices(application_id: int) -> list[Invoice]:
    """The current version of each invoice of the application, oldest first."""
    query = select(Invoice).where(Invoice.application_id == application_id, Invoice.is_current.is_(True)).order_by(Invoice.id)
    return list(db.session.execute(query).scalars())


def invoice_versions(application_id: int) -> list[Invoice]:
    query = select(Invoice).where(Invoice.application_id == application_id).order_by(Invoice.number, Invoice.version)
    return list(db.session.execute(query).scalars())


def fee_invoice(application_id: int) -> Invoice | None:
    """The application's own invoice (current version), not a supplementary one."""
    return db.session.execute(
        select(Invoice).where(Invoice.application_id == application_id, Invoice.kind == "fee", Invoice.is_current.is_(True))
    ).scalar_one_or_none()


def invoice_by_reference(reference: str) -> Invoice | None:
    """The current version of the invoice a payment reference names (spaces and case ignored)."""
    text = "".join(c for c in (reference or "").upper() if c.isalnum())
    if not text:
        return None
    return db.session.execute(
        select(Invoice).where(Invoice.reference == text, Invoice.is_current.is_(True)).order_by(Invoice.id).limit(1)
    ).scalar_one_or_none()


def add_entry(application: Application, kind: EntryKind, amount: Decimal, on: dt.date, *, invoice: Invoice | None = None,
           actor: User | None = None, source: str = "system", bank_reference: str = "", note: str = "",
           now: dt.datetime | None = None) -> MoneyEntry:
    entry = MoneyEntry(
        application_id=application.id,
        company_id=application.company_id,
        invoice_id=invoice.id if invoice is not None else None,
        kind=kind.value,
        amount=amount,
        occurred_on=on,
        bank_reference=bank_reference,
        source=source,
        note=note,
        recorded_by_id=actor.id if actor is not None else None,
        recorded_at=now or now_utc(),
    )
    db.session.add(entry)
    db.session.flush()
    summaries.count_money(entry)
    # The balance kept on the application (the finance lists read it, never
    # summing the ledger): one atomic increment, the entry's signed amount.
    signed = amount if kind in (EntryKind.INVOICED, EntryKind.REFUNDED) else -amount
    db.session.execute(
        update(Application.__table__).where(Application.__table__.c.id == application.id)
        .values(balance=Application.__table__.c.balance + signed)
    )
    db.session.expire(application, ["balance"])
    return entry


def audit(application: Application, action: str, actor: User | None, payload: dict) -> None:
    """Every money event goes into the application's audit trail."""
    role = "system" if actor is None else actor.membership.role if actor.membership is not None else "producer"
    record_event(application, actor=actor, actor_role=role, subject="money", action=action,
                 from_state=application.state, to_state=application.state, payload=payload)


# ----------------------------------------------------------------------------- invoices


def _site_lines(application: Application, bookings) -> list[tuple[Decimal, int, str]]:
    # The site's id, not its name: the invoice names it in the reader's language.
    return fee_lines((b.location, b.shoot_days) for b in bookings)


def lines_for(application: Application, bookings=None, review_kinds=None) -> list[dict]:
    """An invoice's lines: the same quote the producer saw, plus the agencies' fees."""
    defn = definition_of(application)
    policy = defn.money
    bookings = [b for b in application.bookings if b.active] if bookings is None else bookings
    facts = facts_for(application, bookings)
    the_quote = quote(impact_tier_for(facts), _site_lines(application, bookings), defn)
    if review_kinds is None:
        required = required_reviews(defn, facts, stages=STAGES, route=application.route or STANDARD)
        review_kinds = [r.kind_code for r in required]
    return [
        {"code": line.code, "quantity": line.quantity, "unit_amount": str(line.unit_amount), "amount": str(line.amount)}
        for line in invoice_lines(policy, the_quote, review_kinds)
    ]


def _total(lines: list[dict]) -> Decimal:
    return sum((Decimal(line["amount"]) for line in lines), ZERO)


def due_date(policy: MoneyPolicy, issued_on: dt.date) -> dt.date:
    return calendar().add_business_days_to_date(issued_on, policy.due_business_days)


def _local_moment(day: dt.date, hour: int) -> dt.datetime:
    zone = ZoneInfo(calendar().tz)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=zone).astimezone(dt.UTC)


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the commission's time zone."""
    return _local_moment(day + dt.timedelta(days=1), 0)


def _new_invoice(application: Application, *, kind: str, lines: list[dict], now: dt.datetime,
                 amendment_id: int | None = None) -> Invoice:
    policy = policy_of(application)
    issued_on = calendar().local_date(now)
    invoice = Invoice(
        application_id=application.id, company_id=application.company_id, amendment_id=amendment_id,
        # The number is made from the row's id: the row is written first under a
        # unique temporary one (within the column's 32 characters).
        number=f"~{secrets.token_hex(12)}", version=1, reference="", kind=kind, is_current=True,
        lines=lines, subtotal=_total(lines), waived=ZERO, total=_total(lines),
        issued_on=issued_on, due_on=due_date(policy, issued_on), issued_at=now,
    )
    db.session.add(invoice)
    db.session.flush()
    invoice.number = f"{policy.invoice_prefix}-{issued_on.year}-{invoice.id:06d}"
    invoice.reference = payment_reference(invoice.number)
    db.session.flush()
    return invoice


def issue_invoice(application: Application, now: dt.datetime | None = None) -> Invoice | None:
    """Invoice the application's fee (once; None when its process takes no money).
    A waiver granted before the invoice is already applied to it."""
    now = now or now_utc()
    policy = policy_of(application)
    if policy is None:
        return None
    existing = fee_invoice(application.id)
    if existing is not None:
        return existing
    invoice = _new_invoice(application, kind="fee", lines=lines_for(application), now=now)
    add_entry(application, EntryKind.INVOICED, invoice.subtotal, invoice.issued_on, invoice=invoice, now=now)
    granted = db.session.execute(
        select(FeeWaiverRequest).where(FeeWaiverRequest.application_id == application.id, FeeWaiverRequest.state == "granted")
        .order_by(FeeWaiverRequest.id.desc()).limit(1)
    ).scalar_one_or_none()
    if granted is not None:
        _apply_waiver(invoice, granted.ground, now)
    audit(application, "invoice_issued", None, {"number": invoice.number, "total": str(invoice.total)})
    _schedule_reminder(application, invoice)
    _tell_invoice(application, invoice, "invoice_issued")
    return invoice


def invoice_when(application: Application, moment: str, now: dt.datetime) -> Invoice | None:
    """The workflow's moments (``submitted``, ``screening_accepted``): the
    invoice is issued at the one the policy names."""
    policy = policy_of(application)
    if policy is None or policy.invoice_at != InvoiceMoment(moment):
        return None
    return issue_invoice(application, now)


def _new_version(invoice: Invoice, *, lines: list[dict], ground: str, now: dt.datetime) -> Invoice:
    """Reissue ``invoice`` (same number and payment reference, the next
    version) with these lines and waiver ground; the old one stays readable."""
    subtotal = _total(lines)
    waived = waived_amount(policy_of(invoice.application), ground, subtotal) if ground else ZERO
    invoice.is_current = False
    db.session.flush()  # the unique current version moves to the new row
    version = Invoice(
        application_id=invoice.application_id, company_id=invoice.company_id, amendment_id=invoice.amendment_id,
        number=invoice.number, version=invoice.version + 1, reference=invoice.reference, kind=invoice.kind,
        is_current=True, lines=lines, subtotal=subtotal, waived=waived, total=subtotal - waived,
        waiver_ground=ground, issued_on=calendar().local_date(now), due_on=invoice.due_on, issued_at=now,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _apply_waiver(invoice: Invoice, ground: str, now: dt.datetime) -> Invoice:
    """Reissue ``invoice`` with the waiver on it; the ledger records what was taken off."""
    version = _new_version(invoice, lines=invoice.lines, ground=ground, now=now)
    extra = version.waived - invoice.waived
    if extra > 0:
        add_entry(invoice.application, EntryKind.WAIVED, extra, version.issued_on, invoice=version, now=now, note=ground)
    return version


def reissue_with_waiver(application: Application, ground: str, now: dt.datetime) -> Invoice | None:
    """A granted waiver: the fee invoice is reissued (None: not invoiced yet;
    the invoice will carry the waiver when it is issued)."""
    invoice = fee_invoice(application.id)
    if invoice is None:
        return None
    version = _apply_waiver(invoice, ground, now)
    audit(application, "invoice_reissued", None,
          {"number": version.number, "version": version.version, "waived": str(version.waived), "ground": ground})
    _tell_invoice(application, version, "invoice_reissued")
    return version


def reprice(application: Application, now: dt.datetime | None = None) -> Invoice | None:
    """The sites of an invoiced application changed before its permit (a
    refused site dropped or replaced): the fee invoice is reissued as a new
    version with the new lines, and the ledger records the difference."""
    now = now or now_utc()
    invoice = fee_invoice(application.id)
    if invoice is None or application.state not in ("submitted", "in_review", "final_review", "awaiting_payment"):
        return None
    lines = lines_for(application)
    if lines == invoice.lines:
        return None
    version = _new_version(invoice, lines=lines, ground=invoice.waiver_ground, now=now)
    change = version.total - invoice.total
    if change > 0:
        add_entry(application, EntryKind.INVOICED, change, version.issued_on, invoice=version, now=now, note="repriced")
    elif change < 0:
        add_entry(application, EntryKind.CANCELLED, -change, version.issued_on, invoice=version, now=now, note="repriced")
    audit(application, "invoice_reissued", None,
          {"number": version.number, "version": version.version, "total": str(version.total), "reason": "sites changed"})
    _tell_invoice(application, version, "invoice_repriced")
    return version


def supplementary_invoice(application: Application, amendment, bookings_before, bookings_after,
                          now: dt.datetime | None = None) -> Invoice | None:
    """An amendment that adds days or sites: an invoice for the difference
    only (None when nothing is added or the process takes no money)."""
    now = now or now_utc()
    if policy_of(application) is None or fee_invoice(application.id) is None:
        return None
    before = _by_item(lines_for(application, bookings_before))
    difference = []
    for item, line in _by_item(lines_for(application, bookings_after)).items():
        old = before.get(item)
        amount = Decimal(line["amount"]) - (Decimal(old["amount"]) if old else ZERO)
        if amount > 0:
            added_days = line["quantity"] - old["quantity"] if old and item.startswith("site:") else line["quantity"]
            unit = Decimal(line["unit_amount"])
            difference.append({**line, "quantity": max(added_days, 1), "unit_amount": str(unit if item.startswith("site:") else amount),
                               "amount": str(amount)})
    if not difference:
        return None
    invoice = _new_invoice(application, kind="supplementary", lines=difference, now=now, amendment_id=amendment.id)
    add_entry(application, EntryKind.INVOICED, invoice.subtotal, invoice.issued_on, invoice=invoice, now=now)
    audit(application, "invoice_issued", None,
          {"number": invoice.number, "total": str(invoice.total), "supplementary": True, "amendment": amendment.id})
    _schedule_reminder(application, invoice)
    _tell_invoice(application, invoice, "invoice_issued")
    return invoice


def _by_item(lines: list[dict]) -> dict[str, dict]:
    """Lines summed by what they charge for: each site (several bookings of
    it are one item), each review fee, and the tier (whichever it is)."""
    items: dict[str, dict] = {}
    for line in lines:
        item = "tier" if line["code"].startswith("tier:") else line["code"]
        if item in items:
            known = items[item]
            known["quantity"] += line["quantity"]
            known["amount"] = str(Decimal(known["amount"]) + Decimal(line["amount"]))
        else:
            items[item] = dict(line)
    return items


def _tell_invoice(application: Application, invoice: Invoice, event: str) -> None:
    context = notify.base_context(application)
    context.update({
        "number": invoice.number, "total": str(invoice.total), "due_iso": invoice.due_on.isoformat(),
        "payment_reference": invoice.reference, "attachment": {"kind": "invoice", "id": invoice.id},
    })
    notify.tell_producers(application, event, f"{event}:{invoice.id}", context)


# ----------------------------------------------------------------------------- deadlines


def _schedule_reminder(application: Application, invoice: Invoice) -> None:
    policy = policy_of(application)
    day = calendar().subtract_business_days(invoice.due_on, policy.reminder_before_business_days)
    moment = _local_moment(day, 9)
    if moment > invoice.issued_at:
        db.session.add(Deadline(kind=DeadlineKind.PAYMENT_REMINDER, application_id=application.id, due_at=moment))


def lapse_day(application: Application, now: dt.datetime) -> dt.date:
    """The day after which an approved, unpaid application lapses: the fee
    invoice's due date, but never before the producer had a reminder and a
    business day to pay after approval."""
    policy = policy_of(application)
    invoice = fee_invoice(application.id)
    today = calendar().local_date(now)
    floor = calendar().add_business_days_to_date(today, policy.reminder_before_business_days + 1)
    return max(invoice.due_on if invoice is not None else floor, floor)


def schedule_lapse(application: Application, now: dt.datetime) -> dt.date:
    """Awaiting payment: a reminder before the lapse, and the lapse."""
    policy = policy_of(application)
    day = lapse_day(application, now)
    db.session.add(Deadline(kind=DeadlineKind.PAYMENT_LAPSE, application_id=application.id, due_at=end_of(day)))
    remind = _local_moment(calendar().subtract_business_days(day, policy.reminder_before_business_days), 9)
    if remind > now:
        db.session.add(Deadline(kind=DeadlineKind.PAYMENT_REMINDER, application_id=application.id, due_at=remind))
    return day


def cancel_payment_deadlines(application: Application) -> None:
    db.session.execute(
        update(Deadline)
        .where(Deadline.application_id == application.id, Deadline.kind.in_(PAYMENT_DEADLINES), Deadline.status == "pending")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def last_day_to_pay(lapse_at: dt.datetime) -> dt.date:
    """The lapse runs at the first moment after its day: the day to pay by."""
    return calendar().local_date(lapse_at - dt.timedelta(seconds=1))


def pending_lapse(application: Application) -> dt.datetime | None:
    return db.session.execute(
        select(Deadline.due_at).where(Deadline.application_id == application.id, Deadline.kind == DeadlineKind.PAYMENT_LAPSE,
                                      Deadline.status == "pending").order_by(Deadline.due_at).limit(1)
    ).scalar()


def pending_lapses(application_ids) -> dict[int, dt.datetime]:
    """:func:`pending_lapse` for many applications in one query."""
    ids = list(set(application_ids))
    if not ids:
        return {}
    query = (
        select(Deadline.application_id, Deadline.due_at)
        .where(Deadline.application_id.in_(ids), Deadline.kind == DeadlineKind.PAYMENT_LAPSE, Deadline.status == "pending")
        .order_by(Deadline.due_at.desc())
    )
    return dict(db.session.execute(query).all())  # the earliest wins


# ----------------------------------------------------------------------------- the end of an application


def close_account(application: Application, stage: RefundStage | str, now: dt.datetime | None = None) -> Decimal:
    """The application ended (withdrawn, refused, lapsed): what is no longer
    owed is cancelled, and what comes back by the refund policy is left as a
    credit to refund. Returns the credit (0 when nothing comes back)."""
    now = now or now_utc()
    cancel_payment_deadlines(application)
    closing = account_closing(application, entries_of(application.id), stage, application.state, now)
    if closing.entry is not None:
        entry = closing.entry
        add_entry(application, EntryKind.CANCELLED, entry["amount"], entry["occurred_on"], now=now, note=entry["note"])
    if closing.event is not None:
        db.session.add(WorkflowEvent(**closing.event))
    return closing.credit


@dataclasses.dataclass
class Closing:
    """What :func:`close_account` writes for one application, as rows (the
    sweep closes many accounts at once): the cancellation entry (None when
    nothing is cancelled), the change to the kept balance, the audit event
    (None when the application never had an account), and the credit left
    to refund."""

    entry: dict | None
    balance_change: Decimal
    event: dict | None
    credit: Decimal  # what comes back to the producer


def account_closing(application: Application, entries: list[MoneyEntry], stage: RefundStage | str, state: str,
                    now: dt.datetime) -> Closing:
    """:func:`close_account` of ``application`` (its ledger ``entries``,
    oldest first) without writing it, the application being in ``state`` by
    then; the caller cancels the payment deadlines."""
    policy = policy_of(application)
    if policy is None or not entries:
        return Closing(None, ZERO, None, ZERO)
    lines = _ledger(entries)
    amount = cancellation(policy, stage, lines)
    row = None
    if amount > 0:
        row = {"application_id": application.id, "company_id": application.company_id, "invoice_id": None,
               "kind": EntryKind.CANCELLED.value, "amount": amount, "occurred_on": calendar().local_date(now),
               "bank_reference": "", "source": "system", "note": str(RefundStage(stage)), "recorded_by_id": None,
               "recorded_at": now}
        lines.append(LedgerEntry(EntryKind.CANCELLED, amount))
    credit = -min(balance(lines), ZERO)
    event = event_values(application, actor=None, actor_role="system", subject="money", action="account_closed",
                         from_state=state, to_state=state,
                         payload={"stage": str(RefundStage(stage)), "cancelled": str(amount), "to_refund": str(credit)})
    return Closing(row, -amount, event, credit)


def stage_of(application: Application) -> RefundStage:
    """How far an application had gone, for the refund policy."""
    return stage_for(application.state)


def stage_for(state: str) -> RefundStage:
    """:func:`stage_of` an application in ``state``."""
    if state == "submitted":
        return RefundStage.BEFORE_SCREENING
    if state in ("in_review", "final_review", "awaiting_payment"):
        # Approved but unpaid counts as under review: no permit was issued.
        return RefundStage.UNDER_REVIEW
    return RefundStage.DECIDED
