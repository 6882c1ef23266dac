"""Delivery of outbox rows: claim with a conditional update, render, send
over SMTP (or into the local mailbox), mark sent; back off on failure.

Messages go out in batches (:func:`deliver_batch`): one statement claims
every message of the batch that is still due, the same transaction renders
them and commits; the e-mails then go out over one kept SMTP connection, and
one more transaction records every outcome. Two commits per batch, where one
message at a time took three; the guarantees are the same: only the worker
whose claim changed a row sends it, a claim is a lease renewed while the
worker lives, and a message sent twice after a crash carries the same
Message-ID."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import smtplib
import socket
import ssl
import threading
import time
import uuid
from email import encoders, message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app
from sqlalchemy import and_, or_, select, update

from permits.database import intends_to_write
from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus, utcnow
from permits.notifications import release
from permits.notifications.render import render_email

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # temporary failures (4xx, network) before a message is dead
MAX_PERMANENT_ATTEMPTS = 3  # permanent refusals (5xx): a few tries, in case it was a misconfiguration
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600
# A claim is a lease: the worker sending a message renews it (every quarter
# of the lease, from a thread of its process) for as long as the send takes,
# so a slow SMTP server never lets a second worker take the message over.
# A claim nobody renewed for this long belongs to a worker that died (killed,
# out of memory, machine gone): the relay claims it again and sends it with
# the same Message-ID. ``OUTBOX_LEASE_SECONDS`` overrides it (tests).
LEASE = dt.timedelta(seconds=60)
MIN_RENEW_INTERVAL_SECONDS = 0.2
SMTP_TIMEOUT_SECONDS = 30


class PermanentDeliveryError(Exception):
    """The server refused for good (5xx): retrying cannot help."""


def lease() -> dt.timedelta:
    seconds = current_app.config.get("OUTBOX_LEASE_SECONDS")
    return dt.timedelta(seconds=float(seconds)) if seconds else LEASE


def _holder() -> str:
    """Who holds a claim: this host and process, and which claim of theirs."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _claimable(now: dt.datetime):
    return or_(
        and_(
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]),
            OutboxMessage.next_attempt_at <= now,
        ),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - lease()),
    )


def claim(message_id: int, now: dt.datetime | None = None, holder: str | None = None) -> bool:
    """Take a message for sending. Only the caller whose update changed the row sends."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=holder or _holder(),
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def claim_batch(message_ids: list[int], holder: str, now: dt.datetime | None = None) -> list[int]:
    """Take every message of ``message_ids`` that is still claimable, in one
    statement; returns the ids this caller now holds (and must send). The
    caller commits (after rendering, in the same transaction)."""
    if not message_ids:
        return []
    now = now or utcnow()
    rows = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(sorted(set(message_ids))), _claimable(now))
        .values(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=holder,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(rows.scalars())


class LeaseKeeper:
    """Renews the leases of the messages this process is sending, from one
    daemon thread with its own connections (the sending thread is blocked in
    SMTP). It dies with its process: that is how a dead worker's claims expire."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[int, tuple[str, object]] = {}  # message id -> (holder, engine)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.interval = LEASE.total_seconds() / 4

    def hold(self, message_id: int, holder: str, engine, lease_length: dt.timedelta) -> None:
        with self._lock:
            # A quarter of the lease now in force (a short test lease does not stay for good).
            self.interval = max(MIN_RENEW_INTERVAL_SECONDS, lease_length.total_seconds() / 4)
            self._held[message_id] = (holder, engine)
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                # (A forked pool child inherits the object but not the thread.)
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="outbox-lease-keeper", daemon=True)
                self._thread.start()

    def release(self, message_id: int) -> None:
        with self._lock:
            self._held.pop(message_id, None)

    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._held)

    def renew(self) -> int:
        """Push back the lease of every held message still ours; returns how many."""
        with self._lock:
            held = list(self._held.items())
        # One statement per holder (a batch shares its holder), not per message.
        groups: dict[tuple[str, object], list[int]] = {}
        for message_id, (holder, engine) in held:
            groups.setdefault((holder, engine), []).append(message_id)
        renewed = 0
        table = OutboxMessage.__table__
        for (holder, engine), message_ids in groups.items():
            try:
                with engine.begin() as conn:
                    renewed += conn.execute(
                        update(table)
                        .where(
                            table.c.id.in_(message_ids),
                            table.c.status == OutboxStatus.SENDING,
                            table.c.claimed_by == holder,
                        )
                        .values(claimed_at=utcnow())
                    ).rowcount
            except Exception:  # the database is busy or away: try again at the next tick
                log.warning("Could not renew the lease of outbox messages %s", message_ids, exc_info=True)
        return renewed

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._pid != os.getpid():
                return
            # Every renewal writes: on SQLite it takes the write lock at BEGIN
            # (a deferred read upgraded to a write could fail at once).
            with intends_to_write():
                self.renew()


lease_keeper = LeaseKeeper()


# A batch stops taking new messages after this long (its task's time limit
# is TASK_TIME_LIMIT_SECONDS); what it did not send goes back to the outbox.
BATCH_BUDGET_SECONDS = 60.0


def deliver(message_id: int) -> str:
    """Claim, render, send and record one message. Returns its final status,
    or "skipped" when another worker holds it or it is not due."""
    return deliver_batch([message_id]).get(message_id, "skipped")


def deliver_batch(message_ids: list[int], budget_seconds: float = BATCH_BUDGET_SECONDS) -> dict[int, str]:
    """Claim, render, send and record a batch of messages in two commits.
    Returns each claimed message's final status (the others are absent)."""
    holder = _holder()
    claimed = claim_batch(message_ids, holder)
    if not claimed:
        db.session.commit()
        return {}
    for message_id in claimed:
        lease_keeper.hold(message_id, holder, db.engine, lease())
    try:
        return _deliver_claimed(claimed, budget_seconds)
    finally:
        for message_id in claimed:
            lease_keeper.release(message_id)


def _deliver_claimed(claimed: list[int], budget_seconds: float) -> dict[int, str]:
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    emails: list[tuple[int, Message]] = []
    failures: dict[int, Exception] = {}
    for message in messages:
        try:
            emails.append((message.id, compose(message)))
        except Exception as exc:  # a template or context that cannot render will not render on retry either
            log.exception("Outbox message %s cannot be rendered", message.id)
            failures[message.id] = PermanentDeliveryError(f"{type(exc).__name__}: {exc}")
    # The claims (and the subjects) are committed before any SMTP talk: other
    # workers see them, and on SQLite a slow server must not hold the write lock.
    db.session.commit()

    started = time.monotonic()
    sent: list[int] = []
    not_tried: list[int] = []
    server_away = False
    for message_id, email in emails:
        if server_away or time.monotonic() - started > budget_seconds:
            not_tried.append(message_id)
            continue
        try:
            send(email)
        except Exception as exc:  # any failure is recorded on the row, never lost
            failures[message_id] = exc
            # No SMTP reply (the server is away or timed out): the rest of the
            # batch waits for the next try rather than each waiting for a
            # connection of its own to fail.
            server_away = smtp_code(exc) is None
            continue
        sent.append(message_id)
    return _record(sent, failures, not_tried)


def _record(sent: list[int], failures: dict[int, Exception], not_tried: list[int]) -> dict[int, str]:
    """Every outcome of a batch in one transaction: one statement for the
    sent messages, the failures one by one (each one's back-off follows its
    attempts), the untried ones back to the outbox as they were."""
    outcome: dict[int, str] = {}
    try:
        if sent:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(sent))
                .values(status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")
                .execution_options(synchronize_session=False)
            )
            outcome.update(dict.fromkeys(sent, OutboxStatus.SENT))
        if not_tried:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(not_tried), OutboxMessage.status == OutboxStatus.SENDING)
                .values(status=OutboxStatus.PENDING, attempts=OutboxMessage.attempts - 1,
                        next_attempt_at=utcnow(), claimed_at=None)
                .execution_options(synchronize_session=False)
            )
            outcome.update(dict.fromkeys(not_tried, OutboxStatus.PENDING))
        for message_id, exc in failures.items():
            message = db.session.get(OutboxMessage, message_id)
            _record_failure(message, exc)
            outcome[message_id] = message.status
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome


def smtp_code(exc: Exception) -> int | None:
    """The SMTP reply code of a failure, if the server gave one."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return min(code for code, _text in exc.recipients.values())
    return None


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    code = smtp_code(exc)
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, PermanentDeliveryError):
        limit = 1
    elif code is not None and 500 <= code < 600:
        limit = MAX_PERMANENT_ATTEMPTS
    else:
        limit = MAX_ATTEMPTS
    if message.attempts >= limit:
        message.status = OutboxStatus.DEAD
        log.error("Outbox message %s is dead: %s", message.id, message.last_error)
        return
    delay = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** (message.attempts - 1))
    delay = delay * (0.5 + random.random())  # jitter: retries of many messages spread out  # noqa: S311
    message.status = OutboxStatus.FAILED
    message.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)


# ``app.extensions[ATTACHMENTS]``: (kind, id, language) -> (filename, content
# type, bytes) or None. This layer imports no services: ``create_app`` hands
# it the function that draws an invoice or a receipt
# (permits.services.money_documents.email_attachment).
ATTACHMENTS = "email_attachments"


def attachment_for(message: OutboxMessage) -> tuple[str, str, bytes] | None:
    """The file a message's context names (``{"kind": "invoice", "id": 42}``),
    drawn in the message's language; None when it names none or the object is gone."""
    spec = (message.context or {}).get("attachment")
    if not spec:
        return None
    make = current_app.extensions.get(ATTACHMENTS)
    if make is None:
        raise RuntimeError("No e-mail attachment maker is registered (create_app registers it)")
    attachment = make(str(spec["kind"]), int(spec["id"]), message.language)
    if attachment is None:
        log.warning("Outbox message %s: its %s %s is gone; sent without the attachment", message.id, spec["kind"], spec["id"])
    return attachment


def compose(message: OutboxMessage) -> Message:
    """The e-mail as it goes out: text and HTML alternatives, the attachment
    the context names, stable Message-ID. Built with the classic MIME classes
    (policy compat32): the modern EmailMessage parses every header it is
    given, which cost the worker more than the SMTP conversation itself."""
    rendered = render_email(message.template, message.language, message.context)
    email: Message = MIMEMultipart("alternative")
    email.attach(MIMEText(rendered.text, "plain", "utf-8"))
    email.attach(MIMEText(rendered.html, "html", "utf-8"))
    attachment = attachment_for(message)
    if attachment is not None:
        filename, content_type, data = attachment
        maintype, subtype = content_type.split("/", 1)
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=filename)
        mixed = MIMEMultipart("mixed")
        mixed.attach(email)
        mixed.attach(part)
        email = mixed
    email["Subject"] = _header(rendered.subject)
    email["From"] = _address(current_app.config["MAIL_FROM"])
    email["To"] = _address(message.recipient_email)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.language
    message.subject = rendered.subject[:255]
    return email


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail :func:`compose` makes, read back as the modern API sees it
    (what a recipient's client would parse): for tests and previews."""
    return message_from_bytes(compose(message).as_bytes(), policy=policy.default)


def send(email: Message) -> None:
    url = current_app.config["SMTP_URL"]
    if url == "mailbox":
        write_to_mailbox(email)
        return
    client = _connection(url)
    try:
        client.send_message(email)
    except smtplib.SMTPServerDisconnected:
        # The kept connection had timed out on the server: one fresh try.
        _close_connection()
        _connection(url).send_message(email)
    except Exception:
        _close_connection()  # never reuse a connection in an unknown state
        raise


# One SMTP connection per worker thread, kept between messages (a worker
# delivers many in a row); closed after any error and when it goes stale.
_local = threading.local()
CONNECTION_MAX_AGE_SECONDS = 60


def _connection(url: str) -> smtplib.SMTP:
    cached = getattr(_local, "smtp", None)
    if cached is not None:
        client, cached_url, opened = cached
        if cached_url == url and time.monotonic() - opened < CONNECTION_MAX_AGE_SECONDS:
            return client
        _close_connection()
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port
    if parsed.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port or 465, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if parsed.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parsed.username:
            client.login(unquote(parsed.username), unquote(parsed.password or ""))
    except Exception:
        with contextlib.suppress(Exception):
            client.close()
        raise
    _local.smtp = (client, url, time.monotonic())
    return client


def _close_connection() -> None:
    cached = getattr(_local, "smtp", None)
    _local.smtp = None
    if cached is not None:
        with contextlib.suppress(Exception):
            cached[0].quit()
        with contextlib.suppress(Exception):
            cached[0].close()


def mailbox_dir() -> Path:
    path = Path(current_app.config["MAILBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_to_mailbox(email: Message) -> None:
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
    """Messages the relay should try now: due ones, and ones whose sender's lease ran out."""
    now = now or utcnow()
    return list(
        db.session.execute(
            select(OutboxMessage.id)
            .where(_claimable(now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).scalars()
    )


def resend(message: OutboxMessage) -> None:
    """An admin's re-send of a dead or failed message: schedule it now."""
    message.attempts = 0
    release(message)
