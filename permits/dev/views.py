"""The local mailbox: every e-mail the product sends in the embedded default.

Registered only when DEV_MAILBOX_PAGE is on (development and testing), and
readable only by platform admins.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from flask import Blueprint, abort, make_response, render_template
from flask_login import current_user, login_required

from permits.notifications.delivery import mailbox_dir

bp = Blueprint("dev", __name__)


def _require_admin():
    if not current_user.is_platform_admin:
        abort(403)


def _messages() -> list[tuple[str, email.message.EmailMessage, float]]:
    items = []
    for path in mailbox_dir().glob("*.eml"):
        with open(path, "rb") as handle:
            items.append((path.stem, email.message_from_binary_file(handle, policy=policy.default), path.stat().st_mtime))
    items.sort(key=lambda item: item[2], reverse=True)
    return items


@bp.route("/mailbox")
@login_required
def mailbox():
    _require_admin()
    return render_template("dev/mailbox.html", messages=_messages()[:200])


@bp.route("/mailbox/<name>")
@login_required
def mail(name: str):
    _require_admin()
    if not name.isalnum():
        abort(404)
    path = Path(mailbox_dir()) / f"{name}.eml"
    if not path.exists():
        abort(404)
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    return render_template("dev/mail.html", message=message, text=text.get_content() if text else "")


@bp.route("/mailbox/<name>/html")
@login_required
def mail_html(name: str):
    _require_admin()
    if not name.isalnum():
        abort(404)
    path = Path(mailbox_dir()) / f"{name}.eml"
    if not path.exists():
        abort(404)
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=policy.default)
    html = message.get_body(preferencelist=("html",))
    response = make_response(html.get_content() if html else "")
    # E-mail HTML carries inline styles; shown alone, sandboxed, with nothing else allowed.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
