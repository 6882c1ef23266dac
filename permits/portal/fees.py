"""The producer's view of money (issue 15): the fees box of an application
(its invoices, payments, balance, how to pay, a fee waiver request) and the
company's money page. Read-only: the verbs are :mod:`permits.services.payments`."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from permits.extensions import db
from permits.labels import WAIVER_GROUNDS, WAIVER_PROOFS, invoice_line_label
from permits.models import Application, Invoice, Location, MoneyEntry
from permits.services import ledger, payments
from permits.services.documents import DOCUMENT_KINDS
from workflows.money import ZERO, LedgerEntry, balance

# The company's money page shows this many invoices and ledger lines at a time.
PAGE_SIZE = 50


def _url(endpoint: str, fallback: str, **values) -> str:
    """The URL of a route another part of the issue builds (its PDFs); the
    path it will have until then."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def invoice_pdf_url(invoice: Invoice) -> str:
    return _url("portal.invoice_pdf", f"/applications/{invoice.application_id}/invoices/{invoice.id}.pdf",
                application_id=invoice.application_id, invoice_id=invoice.id)


def receipt_pdf_url(entry: MoneyEntry) -> str:
    return _url("portal.receipt_pdf", f"/applications/{entry.application_id}/receipts/{entry.id}.pdf",
                application_id=entry.application_id, entry_id=entry.id)


def bank_details() -> dict:
    config = current_app.config
    return {
        "name": config.get("COMMISSION_BANK_NAME", ""),
        "iban": config.get("COMMISSION_BANK_IBAN", ""),
        "bic": config.get("COMMISSION_BANK_BIC", ""),
        "tax_id": config.get("COMMISSION_BANK_TAX_ID", ""),
    }


def _sites_of(invoices: list[Invoice]) -> dict[int, Location]:
    """The sites the invoices' lines name (one query), to name them in the reader's language."""
    ids = {int(line["code"][5:]) for invoice in invoices for line in (invoice.lines or [])
           if str(line.get("code", "")).startswith("site:") and line["code"][5:].isdigit()}
    if not ids:
        return {}
    return {site.id: site for site in db.session.execute(select(Location).where(Location.id.in_(ids))).scalars()}


def named_lines(invoice: Invoice, sites: dict[int, Location]) -> list[dict]:
    return [{**line, "label": invoice_line_label(line.get("code", ""), sites),
             "amount": Decimal(str(line.get("amount", "0"))), "unit_amount": Decimal(str(line.get("unit_amount", "0")))}
            for line in (invoice.lines or [])]


def waiver_choices(application: Application) -> list[dict]:
    """The grounds the application's process offers: code, label, and the proof it asks for."""
    return [
        {"code": ground.code, "label": str(WAIVER_GROUNDS.get(ground.code, ground.code)),
         "proof": str(WAIVER_PROOFS.get(ground.code) or DOCUMENT_KINDS.get(ground.proof_document_kind, ""))}
        for ground in payments.waiver_grounds(application)
    ]


def fees_box(application: Application) -> dict:
    """What the application's fees box shows (``has_money`` False: nothing to show)."""
    invoices = ledger.invoice_versions(application.id)
    entries = ledger.entries_of(application.id) if invoices else []
    requests = payments.waiver_requests(application.id)
    owed = balance([LedgerEntry(e.kind, e.amount) for e in entries]) if entries else ZERO
    sites = _sites_of(invoices)
    current = [i for i in invoices if i.is_current]
    earlier = [i for i in invoices if not i.is_current]
    lapse = ledger.pending_lapse(application) if application.state == "awaiting_payment" else None
    lapse_day = ledger.last_day_to_pay(lapse) if lapse is not None else None
    settled = bool(invoices) and owed <= 0
    open_request = any(r.state in ("requested", "granted") for r in requests)
    choices = waiver_choices(application)
    can_ask = (bool(choices) and application.state in payments.WAIVER_OPEN_STATES and not settled and not open_request)
    return {
        "has_money": bool(invoices or requests or can_ask),
        "invoices": current,
        "earlier_invoices": earlier,
        "lines": {i.id: named_lines(i, sites) for i in current},
        "payments": [e for e in entries if e.kind == "paid"],
        "refunds": [e for e in entries if e.kind == "refunded"],
        "balance": owed,
        "settled": settled,
        "lapse_at": lapse,
        "lapse_day": lapse_day,
        "reference": current[0].reference if current else "",
        "bank": bank_details(),
        "waiver_requests": requests,
        "waiver_choices": choices,
        "can_ask_waiver": can_ask,
        "invoice_pdf_url": invoice_pdf_url,
        "receipt_pdf_url": receipt_pdf_url,
    }


# ----------------------------------------------------------------------------- the company's money page


def _before(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def company_money(company_ids: set[int], *, invoices_before=None, entries_before=None, size: int = PAGE_SIZE) -> dict:
    """Every invoice version and ledger line of the companies, newest first,
    ``size`` at a time (keyset: ids below ``*_before``), with the totals by
    kind and each application's balance. A fixed number of queries."""
    ids = sorted(company_ids) or [-1]
    invoices_before, entries_before = _before(invoices_before), _before(entries_before)

    query = (select(Invoice, Application.reference, Application.title)
             .join(Application, Application.id == Invoice.application_id)
             .where(Invoice.company_id.in_(ids)))
    if invoices_before:
        query = query.where(Invoice.id < invoices_before)
    invoice_rows = db.session.execute(query.order_by(Invoice.id.desc()).limit(size + 1)).all()

    query = (select(MoneyEntry, Application.reference, Application.title)
             .join(Application, Application.id == MoneyEntry.application_id)
             .where(MoneyEntry.company_id.in_(ids), MoneyEntry.kind != "invoiced"))
    if entries_before:
        query = query.where(MoneyEntry.id < entries_before)
    entry_rows = db.session.execute(query.order_by(MoneyEntry.id.desc()).limit(size + 1)).all()

    # Each application's sums by kind: the totals and the balances at once.
    sums = db.session.execute(
        select(MoneyEntry.application_id, Application.reference, Application.title, MoneyEntry.kind,
               func.sum(MoneyEntry.amount))
        .join(Application, Application.id == MoneyEntry.application_id)
        .where(MoneyEntry.company_id.in_(ids))
        .group_by(MoneyEntry.application_id, Application.reference, Application.title, MoneyEntry.kind)
    ).all()
    totals = dict.fromkeys(("invoiced", "waived", "cancelled", "paid", "refunded"), ZERO)
    accounts: dict[int, dict] = {}
    for application_id, reference, title, kind, amount in sums:
        amount = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
        totals[kind] = totals.get(kind, ZERO) + amount
        account = accounts.setdefault(application_id, {"application_id": application_id, "reference": reference,
                                                       "title": title, "entries": []})
        account["entries"].append(LedgerEntry(kind, amount))
    for account in accounts.values():
        account["balance"] = balance(account.pop("entries"))
    totals["balance"] = balance([LedgerEntry(kind, amount) for kind, amount in totals.items()
                                 if kind in ("invoiced", "waived", "cancelled", "paid", "refunded")])
    open_accounts = sorted((a for a in accounts.values() if a["balance"] != 0),
                           key=lambda a: (a["balance"] > 0, a["application_id"]), reverse=True)
    return {
        "invoices": invoice_rows[:size],
        "more_invoices": invoice_rows[size - 1][0].id if len(invoice_rows) > size else None,
        "entries": entry_rows[:size],
        "more_entries": entry_rows[size - 1][0].id if len(entry_rows) > size else None,
        "totals": totals,
        "accounts": open_accounts,
        "paged": bool(invoices_before or entries_before),
    }
