"""Admin page of failed and dead outbox messages, with re-send.

Platform administrators only. The page lists what needs attention (dead and
failed messages with their last error) and counts every status; re-sending
is a POST that puts the message back in the queue and nudges the worker
after the commit.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from permits.admin.views import platform_admin_required
from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import delivery

bp = Blueprint("outbox_admin", __name__)

PAGE_SIZE = 50
SHOWN = {
    "attention": (OutboxStatus.DEAD, OutboxStatus.FAILED),
    OutboxStatus.DEAD: (OutboxStatus.DEAD,),
    OutboxStatus.FAILED: (OutboxStatus.FAILED,),
}
STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Will retry"),
    OutboxStatus.DEAD: _l("Gave up"),
    OutboxStatus.DIGEST: _l("Held for the daily digest"),
}
STATUS_TAGS = {
    OutboxStatus.PENDING: "grey",
    OutboxStatus.SENDING: "light-blue",
    OutboxStatus.SENT: "green",
    OutboxStatus.FAILED: "yellow",
    OutboxStatus.DEAD: "red",
    OutboxStatus.DIGEST: "purple",
}


@bp.app_context_processor
def inject_admin_link():
    # The admin home lists the pages of other blueprints through ``admin_links``.
    if has_request_context() and request.endpoint == "admin.index":
        return {"admin_links": [("outbox_admin.index", _("E-mail delivery (failed and dead messages)"))]}
    return {}


@bp.route("/")
@platform_admin_required
def index():
    show = request.args.get("show", "attention")
    if show not in SHOWN:
        show = "attention"
    counts = dict(
        db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    )
    messages = list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.status.in_(SHOWN[show]))
            .order_by(OutboxMessage.id.desc())
            .limit(PAGE_SIZE)
        ).scalars()
    )
    return render_template(
        "outbox_admin/index.html",
        messages=messages,
        counts=counts,
        show=show,
        statuses=OutboxStatus.ALL,
        status_labels=STATUS_LABELS,
        status_tags=STATUS_TAGS,
        max_attempts=delivery.MAX_ATTEMPTS,
    )


@bp.route("/<id:message_id>/resend", methods=["POST"])
@platform_admin_required
def resend(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status not in (OutboxStatus.DEAD, OutboxStatus.FAILED):
        flash(_("This message is not waiting for a re-send."), "info")
        return redirect(url_for("outbox_admin.index"))
    delivery.resend(message)
    db.session.commit()
    flash(_("The message to %(email)s will be sent again now.", email=message.recipient_email), "success")
    return redirect(url_for("outbox_admin.index", show=request.form.get("show") or None))
