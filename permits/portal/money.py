"""The producer's money (issue 15): the company's money page (``/money``,
blueprint ``money``). The fee waiver request is the portal's
(``portal.request_waiver``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from permits.access import company_ids, producer_required
from permits.labels import MONEY_ENTRY_KINDS, WAIVER_GROUNDS, WAIVER_STATES
from permits.portal import fees

bp = Blueprint("money", __name__)


@bp.app_context_processor
def money_labels():
    return {"waiver_grounds": WAIVER_GROUNDS, "waiver_states": WAIVER_STATES, "money_entry_kinds": MONEY_ENTRY_KINDS}


@bp.route("/money")
@producer_required
def index():
    """Every invoice (each version), payment, refund and credit of the company."""
    data = fees.company_money(company_ids(current_user), invoices_before=request.args.get("invoices_before"),
                              entries_before=request.args.get("entries_before"))
    return render_template("portal/money.html", company=current_user.company, receipt_pdf_url=fees.receipt_pdf_url,
                           invoice_pdf_url=fees.invoice_pdf_url, **data)
