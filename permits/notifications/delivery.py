"""Delivery of outbox rows: claim with a conditional update, render, send
over SMTP (or into the local mailbox), mark sent; back off on failure."""

from __future__ import annotations

import datetime as dt
import logging
import random
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app
from sqlalchemy import and_, or_, select, update

from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus, utcnow
from permits.notifications.render import render_email

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600
# A message claimed this long ago without being marked sent is assumed lost
# with its worker and is claimed again (the same Message-ID is reused).
STUCK_AFTER = dt.timedelta(minutes=5)


class PermanentDeliveryError(Exception):
    """The server refused for good (5xx): retrying cannot help."""


def nudge(ids: list[int]) -> None:
    """Ring the doorbell for freshly committed messages; never raises.

    If the broker is down the request still succeeds: the periodic relay
    finds the rows in the database and sends them later.
    """
    try:
        from permits.tasks import deliver_outbox_message

        for message_id in ids:
            deliver_outbox_message.apply_async((message_id,), retry=False)
    except Exception as exc:  # broker down or misconfigured: the relay will catch up
        log.warning("Could not nudge the outbox (%s); the relay will deliver later.", exc)


def claim(message_id: int, now: dt.datetime | None = None) -> bool:
    """Take a message for sending. Only the caller whose update changed the row sends."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                and_(
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]),
                    OutboxMessage.next_attempt_at <= now,
                ),
                and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - STUCK_AFTER),
            ),
        )
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(message_id: int) -> str:
    """Claim, render, send and record one message. Returns its final status."""
    if not claim(message_id):
        return "skipped"
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    try:
        email = build_email(message)
        send(email)
    except Exception as exc:  # any failure is recorded on the row, never lost
        db.session.rollback()
        message = db.session.get(OutboxMessage, message_id)
        _record_failure(message, exc)
        db.session.commit()
        return message.status
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = ""
    db.session.commit()
    return message.status


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    permanent = isinstance(exc, PermanentDeliveryError) or (
        isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600
    )
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.DEAD
        log.error("Outbox message %s is dead: %s", message.id, message.last_error)
        return
    delay = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** (message.attempts - 1))
    delay = delay * (0.5 + random.random())  # jitter: retries of many messages spread out  # noqa: S311
    message.status = OutboxStatus.FAILED
    message.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)


def build_email(message: OutboxMessage) -> EmailMessage:
    rendered = render_email(message.template, message.language, message.context)
    email = EmailMessage()
    email["Subject"] = rendered.subject
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient_email
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id
    email["Content-Language"] = message.language
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    message.subject = rendered.subject[:255]
    return email


def send(email: EmailMessage) -> None:
    url = current_app.config["SMTP_URL"]
    if url == "mailbox":
        write_to_mailbox(email)
        return
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port
    if parsed.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port or 465, timeout=30, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port or 25, timeout=30)
    with client:
        if parsed.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parsed.username:
            client.login(unquote(parsed.username), unquote(parsed.password or ""))
        client.send_message(email)


def mailbox_dir() -> Path:
    path = Path(current_app.config["MAILBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_to_mailbox(email: EmailMessage) -> None:
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    name = email["Message-ID"].strip("<>").split("@")[0]
    # Keyed by Message-ID: a re-delivery overwrites rather than duplicates.
    target = mailbox_dir() / f"{name}.eml"
    if target.exists():
        return
    tmp = mailbox_dir() / f".{stamp}-{name}.tmp"
    tmp.write_bytes(bytes(email))
    tmp.rename(target)


def pending_ids(limit: int = 200, now: dt.datetime | None = None) -> list[int]:
    """Messages the relay should try now: due ones and ones stuck in sending."""
    now = now or utcnow()
    return list(
        db.session.execute(
            select(OutboxMessage.id)
            .where(
                or_(
                    and_(
                        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]),
                        OutboxMessage.next_attempt_at <= now,
                    ),
                    and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - STUCK_AFTER),
                )
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).scalars()
    )


def resend(message: OutboxMessage) -> None:
    """An admin's re-send of a dead or failed message: schedule it now."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()
    message.attempts = 0
    db.session.info.setdefault("outbox_ids", []).append(message.id)
