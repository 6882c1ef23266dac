"""The local mailbox: every e-mail the product sends in the embedded default.

Registered only when DEV_MAILBOX_PAGE is on (development and testing), and
readable only by platform admins.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from flask import Blueprint, abort, make_response, render_template, request
from flask_login import current_user, login_required

from permits.dev.forms import MailboxFilterForm
from permits.notifications.delivery import mailbox_dir

bp = Blueprint("dev", __name__)


def _require_admin():
    if not current_user.is_platform_admin:
        abort(403)


PAGE_SIZE = 50


@dataclass(frozen=True)
class MailboxPage:
    messages: list  # (name, headers, mtime)
    older: str | None  # the key of the next (older) page
    newest: bool  # this is the first page


def _key(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, path.stem


def _key_text(key: tuple[int, str]) -> str:
    return f"{key[0]}-{key[1]}"


def _parse_key(text: str | None) -> tuple[int, str] | None:
    stamp, _sep, name = (text or "").partition("-")
    return (int(stamp), name) if stamp.isdigit() and name.isalnum() else None


def mailbox_page(*, to: str = "", subject: str = "", before: str | None = None, size: int = PAGE_SIZE) -> MailboxPage:
    """Newest first, paginated by key (modification time, name): the e-mails
    older than ``before`` whose recipient and subject contain the filters'
    text; only the headers of the files looked at are read."""
    to, subject = to.strip().casefold(), subject.strip().casefold()
    start = _parse_key(before)
    keyed = sorted(((_key(path), path) for path in mailbox_dir().glob("*.eml")), reverse=True)
    parser = BytesHeaderParser(policy=policy.default)
    found, older = [], None
    for key, path in keyed:
        if start is not None and key >= start:
            continue
        with open(path, "rb") as handle:
            headers = parser.parse(handle)
        if to and to not in str(headers["To"] or "").casefold():
            continue
        if subject and subject not in str(headers["Subject"] or "").casefold():
            continue
        if len(found) == size:
            older = _key_text(found[-1][3])
            break
        found.append((path.stem, headers, key[0] / 1e9, key))
    return MailboxPage([item[:3] for item in found], older, start is None)


@bp.route("/mailbox")
@login_required
def mailbox():
    _require_admin()
    form = MailboxFilterForm(formdata=request.args)
    valid = form.validate() if request.args else True
    page = mailbox_page(to=(form.to.data or "") if valid else "", subject=(form.subject.data or "") if valid else "",
                        before=request.args.get("before"), size=PAGE_SIZE)
    filters = {name: value for name, value in (("to", form.to.data), ("subject", form.subject.data)) if value}
    return render_template("dev/mailbox.html", messages=page.messages, page=page, form=form, filters=filters)


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
