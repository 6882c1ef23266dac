"""The film commission's finance pages.

Who: the commission's finance officers record payments, import bank
statements, resolve statement lines and record refunds; its supervisors see
the page read-only and decide fee waivers. Other staff of the commission get
403; everybody else 403 on the pages, 404 on a waiver (its existence is the
commission's business). Every list is one query and has a limit.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from permits.access import is_ministry
from permits.errors import refused
from permits.extensions import db
from permits.finance.forms import FindForm, PaymentForm, RefundForm, ResolveForm, StatementForm, WaiverDecisionForm
from permits.models import Application, FeeWaiverRequest, Invoice, StatementImport, StatementLine, User
from permits.services import ServiceError, ledger, payments
from permits.services.context import calendar, now_utc
from permits.services.queues import Page

bp = Blueprint("finance", __name__)

# The rows of a page of each list (each pages by key).
LIST_LIMIT = 25

OUTCOMES = {
    "paid": _l("Paid"),
    "partial": _l("Partly paid"),
    "overpaid": _l("Overpaid"),
    "after_cancellation": _l("Paid after the application ended"),
    "unknown_reference": _l("Unknown reference"),
    "duplicate": _l("Already recorded"),
}
WAIVER_GROUNDS = {
    "student": _l("A student film"),
    "non_profit_documentary": _l("A non-profit documentary"),
    "heritage_film": _l("A film about the country's heritage"),
}
WAIVER_STATES = {"requested": _l("Waiting for a decision"), "granted": _l("Granted"), "refused": _l("Refused")}


def _user() -> User:
    return current_user._get_current_object()


def can_view_finance(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        payments.is_finance_officer(user) or payments.is_commission_supervisor(user))


@bp.app_context_processor
def finance_helpers():
    return {
        "outcome_names": OUTCOMES,
        "waiver_ground_names": WAIVER_GROUNDS,
        "waiver_state_names": WAIVER_STATES,
        "finance_for": _finance_for,
    }


def _finance_for(application: Application) -> dict | None:
    """For the commission's application page: the invoices a finance officer
    may record a payment against, and the credit to refund (None for others)."""
    if not payments.is_finance_officer(_user()):
        return None
    invoices = ledger.current_invoices(application.id)
    if not invoices:
        return None
    balance = ledger.balance_of(application)
    return {"invoices": invoices, "balance": balance, "credit": -balance if balance < 0 else None}


def finance_required(view):
    """The finance officers (403 for anybody else signed in)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not payments.is_finance_officer(_user()):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def finance_viewer_required(view):
    """The finance officers, and the commission's supervisors read-only."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_view_finance(_user()):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _today():
    return calendar().local_date(now_utc())


# ----------------------------------------------------------------------------- to reconcile


LISTS = {
    "lines": payments.open_lines,
    "awaiting": payments.awaiting_payment,
    "credits": payments.credits_to_refund,
    "waivers": payments.pending_waivers,
}


def _list_page(name: str, after: str | None) -> Page:
    """A page of one list, by key: a row more than the page tells whether another follows."""
    rows = LISTS[name](LIST_LIMIT + 1, after)
    following = payments.cursor_of(name, rows[LIST_LIMIT - 1]) if len(rows) > LIST_LIMIT else None
    return Page(rows=rows[:LIST_LIMIT], next_cursor=following, has_previous=bool(after))


@bp.route("/")
@finance_viewer_required
def index():
    """The four lists to act on, a page of each; ``show`` pages through one of them."""
    user = _user()
    counts = payments.reconcile_counts(awaiting=True)
    show = request.args.get("show")
    if show not in LISTS:
        show = None
    pages = {name: _list_page(name, request.args.get("after") if show else None)
             for name in LISTS if show is None or name == show}
    empty = Page(rows=[], next_cursor=None, has_previous=False)
    return render_template(
        "finance/index.html",
        show=show,
        pages=pages,
        lines=pages.get("lines", empty).rows,
        awaiting=pages.get("awaiting", empty).rows,
        credits=pages.get("credits", empty).rows,
        waivers=pages.get("waivers", empty).rows,
        counts=counts,
        limit=LIST_LIMIT,
        is_finance=payments.is_finance_officer(user),
        is_supervisor=payments.is_commission_supervisor(user),
        find_form=FindForm(formdata=None),
    )


@bp.route("/find")
@finance_required
def find():
    if "q" not in request.args:
        return render_template("finance/find.html", form=FindForm(formdata=None))
    form = FindForm(request.args)
    if form.validate():
        invoice = payments.find_invoice(form.q.data)
        if invoice is not None:
            return redirect(url_for("finance.payment", invoice_id=invoice.id))
        form.q.errors.append(_("No invoice has this number or payment reference."))
    return render_template("finance/find.html", form=form), 404 if form.q.data else 400


# ----------------------------------------------------------------------------- a payment by hand


def _payment_page(invoice: Invoice, form: PaymentForm, status: int = 200):
    application = invoice.application
    return render_template(
        "finance/payment.html", invoice=invoice, application=application, form=form,
        balance=ledger.balance_of(application), entries=ledger.entries_of(application.id),
    ), status


@bp.route("/invoices/<id:invoice_id>/payment", methods=["GET", "POST"])
@finance_required
def payment(invoice_id: int):
    invoice = _or_404(Invoice, invoice_id)
    if request.method == "GET":
        balance = ledger.balance_of(invoice.application)
        form = PaymentForm(formdata=None, paid_on=_today(), amount=f"{balance:.2f}" if balance > 0 else "")
        return _payment_page(invoice, form)
    form = PaymentForm()
    if not form.validate():
        return _payment_page(invoice, form, 400)
    try:
        entry = payments.record_payment(_user(), invoice, amount=form.amount.data, paid_on=form.paid_on.data,
                                        bank_reference=form.bank_reference.data, note=form.note.data or "")
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _payment_page(_or_404(Invoice, invoice_id), form, 400)
    application = invoice.application
    db.session.commit()
    if application.state == "approved":
        flash(_("The payment is recorded (receipt %(receipt)s). The balance is paid and the permit is issued.",
                receipt=entry.receipt_number), "success")
    else:
        flash(_("The payment is recorded (receipt %(receipt)s).", receipt=entry.receipt_number), "success")
    return redirect(url_for("finance.index"))


# ----------------------------------------------------------------------------- bank statements


def _statement_page(form: StatementForm, status: int = 200):
    recent = db.session.execute(
        select(StatementImport).order_by(StatementImport.id.desc()).limit(10).options(selectinload(StatementImport.imported_by))
    ).scalars().all()
    return render_template("finance/statement.html", form=form, recent=recent,
                           max_lines=payments.MAX_STATEMENT_LINES), status


@bp.route("/statements", methods=["GET", "POST"])
@finance_required
def statement():
    if request.method == "GET":
        return _statement_page(StatementForm(formdata=None))
    form = StatementForm()
    if not form.validate():
        return _statement_page(form, 400)
    upload = form.file.data
    data = upload.stream.read(payments.MAX_STATEMENT_BYTES + 1)
    try:
        result = payments.import_statement(_user(), upload.filename or "statement.csv", data)
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _statement_page(form, 400)
    statement_id = result.statement.id
    db.session.commit()
    if result.already_imported:
        flash(_("This statement was already imported. Nothing was recorded twice."), "info")
    else:
        flash(_("The statement is imported."), "success")
    return redirect(url_for("finance.statement_result", statement_id=statement_id))


@bp.route("/statements/<id:statement_id>")
@finance_viewer_required
def statement_result(statement_id: int):
    statement_row = _or_404(StatementImport, statement_id)
    lines = db.session.execute(
        select(StatementLine).where(StatementLine.statement_id == statement_row.id).order_by(StatementLine.line_no)
        .options(selectinload(StatementLine.invoice))
    ).scalars().all()
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.outcome] = counts.get(line.outcome, 0) + 1
    return render_template("finance/statement_result.html", statement=statement_row, lines=lines, counts=counts,
                           open_lines=[line for line in lines if line.status == "open"],
                           is_finance=payments.is_finance_officer(_user()))


# ----------------------------------------------------------------------------- a statement line


def _line_page(line: StatementLine, form: ResolveForm, status: int = 200):
    return render_template("finance/line.html", line=line, form=form), status


@bp.route("/lines/<id:line_id>", methods=["GET", "POST"])
@finance_required
def line(line_id: int):
    row = _or_404(StatementLine, line_id)
    if request.method == "GET":
        return _line_page(row, ResolveForm(formdata=None))
    form = ResolveForm()
    if not form.validate():
        return _line_page(row, form, 400)
    try:
        payments.resolve_line(_user(), row, reference=form.reference.data or "", note=form.note.data or "")
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _line_page(_or_404(StatementLine, line_id), form, 400)
    db.session.commit()
    flash(_("The statement line is resolved."), "success")
    return redirect(url_for("finance.index"))


# ----------------------------------------------------------------------------- refunds


def _refund_page(application: Application, form: RefundForm, status: int = 200):
    balance = ledger.balance_of(application)
    return render_template("finance/refund.html", application=application, form=form,
                           credit=-balance if balance < 0 else None, entries=ledger.entries_of(application.id)), status


@bp.route("/applications/<id:application_id>/refund", methods=["GET", "POST"])
@finance_required
def refund(application_id: int):
    application = _or_404(Application, application_id)
    if request.method == "GET":
        balance = ledger.balance_of(application)
        form = RefundForm(formdata=None, paid_on=_today(), amount=f"{-balance:.2f}" if balance < 0 else "")
        return _refund_page(application, form)
    form = RefundForm()
    if not form.validate():
        return _refund_page(application, form, 400)
    try:
        payments.record_refund(_user(), application, amount=form.amount.data, paid_on=form.paid_on.data,
                               bank_reference=form.bank_reference.data, note=form.note.data or "")
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _refund_page(_or_404(Application, application_id), form, 400)
    db.session.commit()
    flash(_("The refund is recorded; the producer is told."), "success")
    return redirect(url_for("finance.index"))


# ----------------------------------------------------------------------------- fee waivers


def _waiver_or_404(request_id: int) -> FeeWaiverRequest:
    """A waiver request, for the film commission's staff only (404 for
    everybody else); among them, only its supervisors and finance officers
    may look (403)."""
    user = _user()
    if not is_ministry(user):
        abort(404)
    waiver = _or_404(FeeWaiverRequest, request_id)
    if not can_view_finance(user):
        abort(403)
    return waiver


def _waiver_page(waiver: FeeWaiverRequest, form: WaiverDecisionForm, status: int = 200):
    application = waiver.application
    return render_template(
        "finance/waiver.html", waiver=waiver, application=application, form=form,
        invoice=ledger.fee_invoice(application.id), balance=ledger.balance_of(application),
        can_decide=payments.is_commission_supervisor(_user()) and waiver.state == "requested",
    ), status


@bp.route("/waivers/<id:request_id>", methods=["GET", "POST"])
@login_required
def waiver(request_id: int):
    row = _waiver_or_404(request_id)
    if request.method == "GET":
        return _waiver_page(row, WaiverDecisionForm(formdata=None))
    if not payments.is_commission_supervisor(_user()):
        abort(403)
    form = WaiverDecisionForm()
    if not form.validate():
        return _waiver_page(row, form, 400)
    grant = form.decision.data == "grant"
    try:
        payments.decide_waiver(_user(), row, grant=grant, note=form.note.data or "")
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _waiver_page(_or_404(FeeWaiverRequest, request_id), form, 400)
    db.session.commit()
    flash(_("The waiver is granted; the invoice is reissued.") if grant else _("The waiver is refused; the producer is told."),
          "success")
    return redirect(url_for("finance.waiver", request_id=request_id))
