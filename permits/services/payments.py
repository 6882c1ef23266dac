"""The finance verbs: payments recorded by hand or from a bank statement,
refunds, and fee waivers (asked by the producer, decided by a supervisor of
the film commission).

Each verb flushes and never commits. A payment or a waiver that brings an
approved application's balance to zero issues its permit
(:func:`permits.services.workflow.settle`).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from permits.extensions import db
from permits.models import (
    Application,
    Deadline,
    DeadlineKind,
    FeeWaiverRequest,
    Invoice,
    MoneyEntry,
    StatementImport,
    StatementLine,
    User,
)
from permits.models.base import MAX_ID
from permits.services import PermissionDenied, ServiceError, documents, ledger, notify, workflow
from permits.services.context import calendar, now_utc, process_for
from workflows import TERMINAL_APPLICATION_STATES, current_definition, state_values
from workflows.money import ZERO, EntryKind, MatchOutcome, match_payment

MAX_AMOUNT = Decimal("10000000.00")
MAX_STATEMENT_BYTES = 2 * 1024 * 1024
MAX_STATEMENT_LINES = 5000
MAX_NOTE = 2000
WAIVER_STATES = ("requested", "granted", "refused")
# States in which a fee waiver may still be asked (the fee not yet settled).
WAIVER_OPEN_STATES = ("draft", "submitted", "in_review", "final_review", "awaiting_payment")


# ----------------------------------------------------------------------------- who may


def _commission_role(user: User | None) -> str | None:
    if user is None:
        return None
    commission = current_definition().commission_org_kind
    for membership in user.organisation_memberships:
        if membership.organisation.kind == commission:
            return membership.role
    return None


def is_finance_officer(user: User | None) -> bool:
    return _commission_role(user) == "finance"


def is_commission_supervisor(user: User | None) -> bool:
    return _commission_role(user) in ("supervisor", "admin")


def require_finance(user: User | None) -> None:
    if not is_finance_officer(user):
        raise PermissionDenied(_("Only the film commission's finance officers record payments and refunds."))


# ----------------------------------------------------------------------------- input


def _normalise_number(text: str) -> str:
    """1 234,50 / 1.234,50 / 1,234.50 / 1234.5 -> 1234.50 (the last separator
    followed by one or two digits is the decimal mark; the others group thousands)."""
    raw = re.sub(r"[^\d,.\-]", "", text)
    match = re.search(r"[.,](\d{1,2})$", raw)
    if match:
        whole = re.sub(r"[.,]", "", raw[: match.start()])
        return f"{whole}.{match.group(1)}"
    return re.sub(r"[.,]", "", raw)


def parse_amount(text: str | Decimal | None, *, field_name: str = "amount") -> Decimal:
    """An amount as people and banks write it: 1234.5, 1 234,50, 1.234,50, 1,234.50 AZN."""
    if isinstance(text, Decimal):
        value = text
    else:
        raw = _normalise_number(str(text or ""))
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ServiceError(_("Enter the amount in manats, for example 150.00."), field=field_name) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ServiceError(_("Enter the amount in manats with at most two decimals."), field=field_name)
    return value.quantize(Decimal("0.01"))


def _positive(amount: Decimal, field_name: str = "amount") -> Decimal:
    if amount <= 0:
        raise ServiceError(_("The amount must be more than zero."), field=field_name)
    if amount > MAX_AMOUNT:
        raise ServiceError(_("The amount is too large. Check it."), field=field_name)
    return amount


def _bank_date(day: dt.date | None, now: dt.datetime, field_name: str = "paid_on") -> dt.date:
    if day is None:
        raise ServiceError(_("Enter the date the bank booked it."), field=field_name)
    today = calendar().local_date(now)
    if day > today:
        raise ServiceError(_("The date cannot be in the future."), field=field_name)
    if day < today - dt.timedelta(days=3 * 366):
        raise ServiceError(_("The date is more than three years ago. Check it."), field=field_name)
    return day


def _bank_reference(text: str | None, field_name: str = "bank_reference") -> str:
    value = " ".join((text or "").split())[:64]
    if not value:
        raise ServiceError(_("Enter the bank's reference of the transfer."), field=field_name)
    return value


def _already_recorded(kind: EntryKind, bank_reference: str) -> bool:
    return db.session.execute(
        select(MoneyEntry.id).where(MoneyEntry.kind == kind.value, MoneyEntry.bank_reference == bank_reference)
    ).first() is not None


# ----------------------------------------------------------------------------- payments


def _transfer(amount, paid_on: dt.date | None, bank_reference: str | None, now: dt.datetime) -> tuple[Decimal, dt.date, str]:
    """What a bank transfer needs, checked: an amount, the bank's date and its reference."""
    return _positive(parse_amount(amount)), _bank_date(paid_on, now), _bank_reference(bank_reference)


def _record(invoice: Invoice, actor: User | None, amount: Decimal, paid_on: dt.date, bank_reference: str, *,
            source: str, note: str, now: dt.datetime) -> tuple[MoneyEntry, MatchOutcome]:
    """Record a payment of ``invoice`` (under the application's lock): its
    receipt, the audit, the producer told, and the permit when nothing is owed."""
    application = invoice.application
    due = ledger.balance_of(application)
    outcome = match_payment(amount, due, cancelled=application.state in state_values(TERMINAL_APPLICATION_STATES))
    entry = ledger.add_entry(application, EntryKind.PAID, amount, paid_on, invoice=invoice, actor=actor, source=source,
                             bank_reference=bank_reference, note=note[:MAX_NOTE], now=now)
    entry.receipt_number = f"AZR-{paid_on.year}-{entry.id:06d}"
    balance = due - amount
    ledger.audit(application, "payment_recorded", actor, {
        "invoice": invoice.number, "amount": str(amount), "paid_on": paid_on.isoformat(), "bank_reference": bank_reference,
        "source": source, "outcome": str(outcome), "balance": str(balance),
    })
    context = notify.base_context(application)
    context.update({"amount": str(amount), "balance": str(max(balance, ZERO)), "receipt": entry.receipt_number,
                    "attachment": {"kind": "receipt", "id": entry.id}})
    event = "payment_received" if balance > 0 else "payment_received_in_full"
    notify.tell_producers(application, event, f"payment:{entry.id}", context)
    if balance <= 0 and application.state == "awaiting_payment":
        workflow.settle(application, now)
    return entry, outcome


def record_payment(actor: User, invoice: Invoice, *, amount, paid_on: dt.date | None, bank_reference: str,
                   note: str = "", now: dt.datetime | None = None) -> MoneyEntry:
    """A finance officer records a transfer by hand."""
    now = now or now_utc()
    require_finance(actor)
    amount, paid_on, bank_reference = _transfer(amount, paid_on, bank_reference, now)
    workflow.lock_application(invoice.application_id)
    if _already_recorded(EntryKind.PAID, bank_reference):
        raise ServiceError(_("A payment with this bank reference is already recorded."), field="bank_reference")
    entry, _outcome = _record(invoice, actor, amount, paid_on, bank_reference, source="manual", note=note, now=now)
    return entry


def record_refund(actor: User, application: Application, *, amount, paid_on: dt.date | None, bank_reference: str,
                  note: str = "", now: dt.datetime | None = None) -> MoneyEntry:
    """A finance officer records that a refund was paid to the producer."""
    now = now or now_utc()
    require_finance(actor)
    amount, paid_on, bank_reference = _transfer(amount, paid_on, bank_reference, now)
    application = workflow.lock_application(application.id)
    credit = -ledger.balance_of(application)
    if credit <= 0:
        raise ServiceError(_("Nothing is owed back on this application."), field="amount")
    if amount > credit:
        raise ServiceError(_("At most %(amount)s is owed back.", amount=str(credit)), field="amount")
    if _already_recorded(EntryKind.REFUNDED, bank_reference):
        raise ServiceError(_("A refund with this bank reference is already recorded."), field="bank_reference")
    entry = ledger.add_entry(application, EntryKind.REFUNDED, amount, paid_on, actor=actor, source="manual",
                             bank_reference=bank_reference, note=(note or "")[:MAX_NOTE], now=now)
    ledger.audit(application, "refund_recorded", actor,
                 {"amount": str(amount), "paid_on": paid_on.isoformat(), "bank_reference": bank_reference})
    context = notify.base_context(application)
    context.update({"amount": str(amount), "bank_reference": bank_reference})
    notify.tell_producers(application, "refund_paid", f"refund:{entry.id}", context)
    return entry


# ----------------------------------------------------------------------------- bank statements

# The columns a statement may name, in the languages banks use.
COLUMNS = {
    "date": ("date", "booking date", "value date", "tarix", "дата"),
    "amount": ("amount", "credit", "məbləğ", "mebleg", "сумма"),
    "reference": ("reference", "payment reference", "details", "purpose", "təyinat", "teyinat", "назначение", "описание"),
    "bank_reference": ("bank reference", "transaction id", "transaction", "id", "əməliyyat", "номер"),
    "payer": ("payer", "from", "ödəyici", "odeyici", "плательщик"),
}
REFERENCE_PATTERN = re.compile(r"RF\s?\d{2}(?:\s?[A-Z0-9]){4,30}", re.IGNORECASE)


@dataclass
class ParsedLine:
    line_no: int
    booked_on: dt.date
    amount: Decimal
    reference: str
    bank_reference: str
    payer: str


@dataclass
class ImportResult:
    statement: StatementImport
    already_imported: bool = False
    counts: dict = field(default_factory=dict)


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _header_map(header: list[str]) -> dict[str, int]:
    names = [" ".join(h.strip().lower().replace("_", " ").split()) for h in header]
    found = {}
    for column, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases and index not in found.values():
                found[column] = index
                break
    return found


def parse_statement(data: bytes) -> list[ParsedLine]:
    """The credit lines of a CSV statement (a header row naming date, amount,
    reference and the bank's reference; comma or semicolon separated)."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise ServiceError(_("The statement is larger than 2 MB. Split it into smaller files."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise ServiceError(_("The statement must be a CSV text file (UTF-8)."), field="file") from None
    if "\x00" in text or not text.strip():
        raise ServiceError(_("The statement must be a CSV text file (UTF-8)."), field="file")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise ServiceError(_("The statement has no lines."), field="file")
    columns = _header_map(rows[0])
    missing = [c for c in ("date", "amount", "reference", "bank_reference") if c not in columns]
    if missing:
        raise ServiceError(
            _("The first line must name the columns date, amount, reference and bank reference (missing: %(missing)s).",
              missing=", ".join(missing)), field="file")
    if len(rows) - 1 > MAX_STATEMENT_LINES:
        raise ServiceError(_("The statement has more than %(count)d lines. Split it into smaller files.",
                             count=MAX_STATEMENT_LINES), field="file")
    lines: list[ParsedLine] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(column: str, row=row) -> str:
            index = columns.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        booked_on = _parse_date(cell("date"))
        if booked_on is None:
            raise ServiceError(_("Line %(line)d: the date “%(value)s” is not a date (write 2027-03-15 or 15.03.2027).",
                                 line=number, value=cell("date")[:40]), field="file")
        try:
            amount = parse_amount(cell("amount"))
        except ServiceError:
            raise ServiceError(_("Line %(line)d: the amount “%(value)s” is not an amount.", line=number,
                                 value=cell("amount")[:40]), field="file") from None
        if amount <= 0:
            continue  # a debit: not a payment to the commission
        bank_reference = " ".join(cell("bank_reference").split())[:64]
        if not bank_reference:
            raise ServiceError(_("Line %(line)d has no bank reference.", line=number), field="file")
        lines.append(ParsedLine(number, booked_on, min(amount, MAX_AMOUNT), cell("reference")[:80], bank_reference,
                                cell("payer")[:255]))
    return lines


def _invoice_named_in(text: str) -> Invoice | None:
    """The invoice whose payment reference the line's text carries (anywhere
    in it, written whole or in groups: "Fee RF18 AZI2 0270 0004 2, thanks")."""
    for found in [text, *REFERENCE_PATTERN.findall(text or "")]:
        words = (found or "").split()
        # The pattern may run on into the words after the reference: try it shorter.
        for end in range(len(words), 0, -1):
            invoice = ledger.invoice_by_reference("".join(words[:end]))
            if invoice is not None:
                return invoice
    return None


def import_statement(actor: User, filename: str, data: bytes, now: dt.datetime | None = None) -> ImportResult:
    """Import a bank statement: each credit line whose reference names an
    invoice is recorded as its payment; the rest (and partial, overpaid or
    late payments) are listed for a person. The same file twice, or a line
    already recorded, records nothing twice."""
    now = now or now_utc()
    require_finance(actor)
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.execute(select(StatementImport).where(StatementImport.sha256 == digest)).scalar_one_or_none()
    if existing is not None:
        return ImportResult(existing, already_imported=True, counts=_counts(existing))
    parsed = parse_statement(data)
    statement = StatementImport(sha256=digest, filename=documents.sanitise_filename(filename, "text/csv")[:255],
                                line_count=len(parsed), imported_by_id=actor.id, imported_at=now)
    db.session.add(statement)
    db.session.flush()
    for line in parsed:
        row = StatementLine(statement_id=statement.id, line_no=line.line_no, booked_on=line.booked_on, amount=line.amount,
                            reference=line.reference, bank_reference=line.bank_reference, payer=line.payer,
                            outcome="", status="done")
        invoice = _invoice_named_in(line.reference)
        if _already_recorded(EntryKind.PAID, line.bank_reference):
            row.outcome, row.invoice_id = "duplicate", invoice.id if invoice else None
        elif invoice is None:
            row.outcome, row.status = str(MatchOutcome.UNKNOWN_REFERENCE), "open"
        else:
            workflow.lock_application(invoice.application_id)
            entry, outcome = _record(invoice, actor, line.amount, line.booked_on, line.bank_reference,
                                     source="statement", note=line.payer, now=now)
            row.outcome, row.invoice_id, row.entry_id = str(outcome), invoice.id, entry.id
            row.status = "done" if outcome is MatchOutcome.PAID else "open"
        db.session.add(row)
    db.session.flush()
    return ImportResult(statement, counts=_counts(statement))


def _counts(statement: StatementImport) -> dict:
    counts: dict[str, int] = {}
    for line in db.session.execute(select(StatementLine).where(StatementLine.statement_id == statement.id)).scalars():
        counts[line.outcome] = counts.get(line.outcome, 0) + 1
    return counts


def resolve_line(actor: User, line: StatementLine, *, reference: str = "", note: str = "",
                 now: dt.datetime | None = None) -> StatementLine:
    """A person resolves a listed line: an unknown one is recorded against
    the invoice they name (its number or payment reference); any open line
    can be closed with a note of what was done (returned to the sender, the
    producer asked for the rest...)."""
    now = now or now_utc()
    require_finance(actor)
    line = db.session.get(StatementLine, line.id, with_for_update=True) or line
    if line.status != "open":
        raise ServiceError(_("This line is already resolved."))
    note = (note or "").strip()[:MAX_NOTE]
    reference = (reference or "").strip()
    if line.entry_id is None and reference:
        invoice = find_invoice(reference)
        if invoice is None:
            raise ServiceError(_("No invoice has this number or payment reference."), field="reference")
        workflow.lock_application(invoice.application_id)
        if _already_recorded(EntryKind.PAID, line.bank_reference):
            raise ServiceError(_("A payment with this bank reference is already recorded."), field="reference")
        entry, outcome = _record(invoice, actor, line.amount, line.booked_on, line.bank_reference, source="statement",
                                 note=note or line.payer, now=now)
        line.invoice_id, line.entry_id, line.outcome = invoice.id, entry.id, str(outcome)
    elif not note:
        raise ServiceError(_("Say what was done about this line."), field="note")
    line.status, line.resolution, line.resolved_by_id, line.resolved_at = "done", note, actor.id, now
    db.session.flush()
    return line


# ----------------------------------------------------------------------------- fee waivers


def waiver_grounds(application: Application):
    policy = process_for(application).money  # a draft: the version it will be filed on
    return policy.waiver_grounds if policy is not None else ()


def waiver_requests(application_id: int) -> list[FeeWaiverRequest]:
    query = select(FeeWaiverRequest).where(FeeWaiverRequest.application_id == application_id).order_by(FeeWaiverRequest.id)
    return list(db.session.execute(query).scalars())


def request_waiver(actor: User, application: Application, *, ground: str, reason: str, upload: documents.Upload | None,
                   now: dt.datetime | None = None) -> FeeWaiverRequest:
    """The producer asks to pay less, on one of the definition's grounds, with proof."""
    now = now or now_utc()
    application = workflow.lock_application(application.id)
    workflow.producer_role(actor, application)
    grounds = {g.code: g for g in waiver_grounds(application)}
    if not grounds:
        raise ServiceError(_("This application's process has no fee waivers."))
    if application.state not in WAIVER_OPEN_STATES:
        raise ServiceError(_("A fee waiver can only be asked before the fee is settled."))
    if ground not in grounds:
        raise ServiceError(_("Choose the ground of your request."), field="ground")
    reason = (reason or "").strip()[:MAX_NOTE]
    if len(reason) < 10:
        raise ServiceError(_("Explain in a sentence or two why the ground applies."), field="reason")
    if any(w.state in ("requested", "granted") for w in waiver_requests(application.id)):
        raise ServiceError(_("A fee waiver was already asked for this application."))
    if ledger.policy_of(application) is not None and ledger.fee_invoice(application.id) is not None and ledger.balance_of(application) <= 0:
        raise ServiceError(_("The fee is already paid; a waiver can no longer be asked."))
    document = documents.upload_to_application(application, actor, upload, kind=grounds[ground].proof_document_kind) \
        if upload is not None else None
    if document is None:
        raise ServiceError(_("Attach the document that proves the ground."), field="file")
    request = FeeWaiverRequest(application_id=application.id, ground=ground, reason=reason, document_id=document.id,
                               state="requested", requested_by_id=actor.id, requested_at=now)
    db.session.add(request)
    db.session.flush()
    ledger.audit(application, "waiver_requested", actor, {"ground": ground})
    context = notify.base_context(application)
    notify.tell(notify.ministry_supervisors(), "waiver_requested", f"waiver-requested:{request.id}", context,
                path=f"/finance/waivers/{request.id}", application=application)
    return request


def decide_waiver(actor: User, request: FeeWaiverRequest, *, grant: bool, note: str = "",
                  now: dt.datetime | None = None) -> FeeWaiverRequest:
    """A supervisor of the film commission grants or refuses a waiver; a
    granted one reissues the invoice (and may settle an approved application)."""
    now = now or now_utc()
    if not is_commission_supervisor(actor):
        raise PermissionDenied(_("Only a supervisor of the film commission decides fee waivers."))
    application = workflow.lock_application(request.application_id)
    request = db.session.get(FeeWaiverRequest, request.id, with_for_update=True) or request
    if request.state != "requested":
        raise ServiceError(_("This request is already decided."))
    note = (note or "").strip()[:MAX_NOTE]
    if not grant and not note:
        raise ServiceError(_("Give the reason for the refusal; the producer will read it."), field="note")
    if grant and application.state in state_values(TERMINAL_APPLICATION_STATES):
        raise ServiceError(_("The application has ended; there is no fee to waive."))
    request.state = "granted" if grant else "refused"
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, now, note
    ledger.audit(application, "waiver_granted" if grant else "waiver_refused", actor, {"ground": request.ground, "note": note})
    if grant:
        ledger.reissue_with_waiver(application, request.ground, now)
    context = notify.base_context(application)
    context["note"] = note
    notify.tell_producers(application, "waiver_granted" if grant else "waiver_refused", f"waiver:{request.id}", context)
    if grant and application.state == "awaiting_payment" and ledger.balance_of(application) <= 0:
        workflow.settle(application, now)
    db.session.flush()
    return request


# ----------------------------------------------------------------------------- the finance page's lists
# Each is one query (counts: one COUNT each), whatever the number of rows.

# The balance is kept on the application by ledger.add_entry: a credit is a
# negative balance (ix_applications_credit holds only those).
_CREDIT = Application.balance < 0


@dataclass
class AccountRow:
    application: Application
    balance: Decimal
    invoice: Invoice | None = None
    lapse_at: dt.datetime | None = None

    @property
    def last_day_to_pay(self) -> dt.date | None:
        return ledger.last_day_to_pay(self.lapse_at) if self.lapse_at is not None else None


def _amount(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# Each list pages by key: ``after`` is the cursor of the last row of the
# page before (:func:`cursor_of`); a malformed cursor means the first page.


def _cursor(value, row_id: int) -> str:
    raw = f"{'' if value is None else value}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _position(cursor: str | None, parse) -> tuple | None:
    """(value or None, id) of a cursor, ``parse`` reading the value; None when malformed."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, _, row_id = raw.partition("|")
        row_id = int(row_id)
        if not 0 < row_id <= MAX_ID:
            return None
        return (parse(value) if value else None), row_id
    except (ValueError, UnicodeDecodeError, ArithmeticError):
        return None


def _moment(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def cursor_of(list_name: str, row) -> str:
    """The cursor that follows ``row`` in one of the finance page's lists."""
    if list_name == "awaiting":
        return _cursor(row.lapse_at.isoformat() if row.lapse_at else None, row.application.id)
    if list_name == "credits":
        return _cursor(row.balance, row.application.id)
    return _cursor(None, row.id)


def open_lines(limit: int = 100, after: str | None = None) -> list[StatementLine]:
    """Statement lines for a person to resolve, oldest first, each with its statement and invoice."""
    query = (
        select(StatementLine).where(StatementLine.status == "open").order_by(StatementLine.id).limit(limit)
        .options(selectinload(StatementLine.statement), selectinload(StatementLine.invoice))
    )
    position = _position(after, str)
    if position is not None:
        query = query.where(StatementLine.id > position[1])
    return list(db.session.execute(query).scalars())


def awaiting_payment(limit: int = 100, after: str | None = None) -> list[AccountRow]:
    """Approved applications waiting for the fee: balance, fee invoice and lapse moment, soonest lapse first."""
    lapse = (
        select(Deadline.application_id.label("application_id"), func.min(Deadline.due_at).label("due_at"))
        .where(Deadline.kind == DeadlineKind.PAYMENT_LAPSE, Deadline.status == "pending")
        .group_by(Deadline.application_id)
        .subquery()
    )
    query = (
        select(Application, Invoice, lapse.c.due_at)
        .join(Invoice, (Invoice.application_id == Application.id) & (Invoice.kind == "fee") & Invoice.is_current.is_(True),
              isouter=True)
        .join(lapse, lapse.c.application_id == Application.id, isouter=True)
        .where(Application.state == "awaiting_payment")
        .order_by(lapse.c.due_at.is_(None), lapse.c.due_at, Application.id)
        .limit(limit)
        .options(selectinload(Application.company))
    )
    position = _position(after, _moment)
    if position is not None:
        moment, row_id = position
        if moment is None:  # in the tail of those with no lapse moment
            query = query.where(lapse.c.due_at.is_(None), Application.id > row_id)
        else:
            query = query.where(or_(lapse.c.due_at > moment, and_(lapse.c.due_at == moment, Application.id > row_id),
                                    lapse.c.due_at.is_(None)))
    return [AccountRow(application, _amount(application.balance), invoice, due)
            for application, invoice, due in db.session.execute(query)]


def credits_to_refund(limit: int = 100, after: str | None = None) -> list[AccountRow]:
    """Applications owed money back (a negative balance), largest credit first."""
    query = (
        select(Application).where(_CREDIT).order_by(Application.balance, Application.id).limit(limit)
        .options(selectinload(Application.company))
    )
    position = _position(after, Decimal)
    if position is not None and position[0] is not None:
        amount, row_id = position
        query = query.where(or_(Application.balance > amount, and_(Application.balance == amount, Application.id > row_id)))
    return [AccountRow(application, _amount(application.balance)) for application in db.session.execute(query).scalars()]


def pending_waivers(limit: int = 100, after: str | None = None) -> list[FeeWaiverRequest]:
    """Fee waiver requests to decide, oldest first, each with its application and company."""
    query = (
        select(FeeWaiverRequest).where(FeeWaiverRequest.state == "requested").order_by(FeeWaiverRequest.id).limit(limit)
        .options(selectinload(FeeWaiverRequest.application).selectinload(Application.company))
    )
    position = _position(after, str)
    if position is not None:
        query = query.where(FeeWaiverRequest.id > position[1])
    return list(db.session.execute(query).scalars())


@dataclass
class ReconcileCounts:
    open_lines: int
    pending_waivers: int
    credits: int
    awaiting_payment: int = 0

    @property
    def total(self) -> int:
        """What the commission's dashboard shows: lines, waivers and credits to act on."""
        return self.open_lines + self.pending_waivers + self.credits


def reconcile_counts(*, awaiting: bool = False) -> ReconcileCounts:
    """One COUNT each: open statement lines, pending waivers, credits to refund
    (and, asked for, applications awaiting payment)."""
    scalar = db.session.scalar
    return ReconcileCounts(
        open_lines=scalar(select(func.count(StatementLine.id)).where(StatementLine.status == "open")) or 0,
        pending_waivers=scalar(select(func.count(FeeWaiverRequest.id)).where(FeeWaiverRequest.state == "requested")) or 0,
        credits=scalar(select(func.count(Application.id)).where(_CREDIT)) or 0,
        awaiting_payment=(scalar(select(func.count(Application.id)).where(Application.state == "awaiting_payment")) or 0)
        if awaiting else 0,
    )


def find_invoice(text: str) -> Invoice | None:
    """The current invoice a person names by its number (AZI-2027-000012) or payment reference."""
    text = (text or "").strip()
    if not text:
        return None
    return ledger.invoice_by_reference(text) or db.session.execute(
        select(Invoice).where(Invoice.number == text.upper(), Invoice.is_current.is_(True)).order_by(Invoice.id).limit(1)
    ).scalar_one_or_none()


__all__ = [
    "ImportResult",
    "awaiting_payment",
    "credits_to_refund",
    "decide_waiver",
    "find_invoice",
    "import_statement",
    "is_commission_supervisor",
    "is_finance_officer",
    "open_lines",
    "parse_amount",
    "parse_statement",
    "pending_waivers",
    "reconcile_counts",
    "record_payment",
    "record_refund",
    "request_waiver",
    "resolve_line",
]
