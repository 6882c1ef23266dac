"""In-app notifications: the bell, the list, marking as read.

Reading a notice changes state, so opening one is a POST (a button that
looks like a link) that marks it read and redirects to its page; the
list itself is a plain GET.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from permits.auth.views import safe_next
from permits.errors import refused
from permits.extensions import db
from permits.inputs import optional_id
from permits.notifications.render import event_subject
from permits.services import NotFound, notify

bp = Blueprint("inbox", __name__)

PAGE_SIZE = 20


def unread_notifications() -> int:
    """The signed-in user's unread count, computed once per request."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = notify.unread_count(current_user.id)
    return g.unread_notifications


@bp.app_context_processor
def inject_bell():
    # A callable: the count query runs only when a page draws the bell.
    return {"unread_notifications": unread_notifications}


def _safe_target(url: str) -> str:
    """Only our own pages: a path, never another site (nor "/\t/evil", which browsers read as //evil)."""
    return safe_next(url) or url_for("inbox.index")


def _before_param() -> int | None:
    value = request.args.get("before", "")
    if not value:
        return None
    before = optional_id(value) if value.isascii() and value.isdigit() else None
    if not before:
        abort(404)
    return before


@bp.route("/")
@login_required
def index():
    before = _before_param()
    notices, next_before = notify.page_of(current_user.id, before_id=before, size=PAGE_SIZE)
    items = [(notice, event_subject(notice.kind, notice.context or {})) for notice in notices]
    return render_template(
        "inbox/index.html",
        items=items,
        next_before=next_before,
        first_page=before is None,
        unread=unread_notifications(),
    )


@bp.route("/<id:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    try:
        notice = notify.mark_read(current_user, notification_id)
    except NotFound as error:
        return refused(error)
    db.session.commit()
    return redirect(_safe_target(notice.url))


@bp.route("/<id:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    try:
        notify.mark_read(current_user, notification_id)
    except NotFound as error:
        return refused(error)
    db.session.commit()
    return redirect(url_for("inbox.index", before=request.form.get("before") or None))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    from flask import flash

    count = notify.mark_all_read(current_user)
    db.session.commit()
    if count:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("inbox.index"))
