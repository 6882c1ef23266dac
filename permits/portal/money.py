"""The producer's money (issue 15): the company's money page (``/money``)
and the fee waiver request of an application (blueprint ``money``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from permits.access import application_for_producer_or_404, company_ids, producer_required
from permits.errors import refused
from permits.extensions import db
from permits.labels import MONEY_ENTRY_KINDS, WAIVER_GROUNDS, WAIVER_STATES
from permits.portal import fees
from permits.portal import forms as f
from permits.portal.views import _status_page, _task_list_page, _upload_from, _waiver_form, upload_limit
from permits.services import ServiceError, payments

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


@bp.route("/applications/<id:application_id>/fee-waiver", methods=["POST"])
@upload_limit
@producer_required
def request_waiver(application_id: int):
    """The producer asks to pay less, with proof; errors are shown on the page the form was on."""
    application = application_for_producer_or_404(application_id)
    form = _waiver_form(application, f.WaiverForm())
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
    else:
        try:
            payments.request_waiver(current_user, application, ground=form.ground.data or "",
                                    reason=form.reason.data or "", upload=_upload_from(form))
        except ServiceError as error:
            failure = refused(error, form)
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("Your fee waiver request was sent. The film commission will decide it and tell you."), "success")
            return redirect(url_for("portal.application", application_id=application.id) + "#fees")
    db.session.refresh(application)
    if application.state == "draft":
        return _task_list_page(application, waiver_form=form)
    return _status_page(application, waiver_form=form)
