"""Delivery of webhook rows: claim with a conditional update, sign, POST,
record the answer; back off on failure (DESIGN.md section 5, as the e-mail
outbox in :mod:`permits.notifications.delivery`).

- **Never lost**: a delivery is a row written with the change it announces;
  the task queued after the commit is a doorbell, and the periodic relay
  finds anything pending, due for a retry or held by a worker that died.
- **Never doubled by the sender**: only the worker whose claim changed the
  row sends it. A claim is a lease of :data:`LEASE` (two minutes), longer
  than one attempt can last (:data:`ATTEMPT_DEADLINE_SECONDS`, enforced by a
  watchdog that closes the socket), so no lease renewal is needed. After a
  crash between the receiver's answer and the record, the delivery is sent
  again with the same ``X-Permits-Delivery`` id and body: receivers drop
  doubles by that id.
- **Signed**: ``X-Permits-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
  "<t>.<body>" with the endpoint's secret>``; the body is the stored payload
  serialised the same way at every attempt.
- **Safe to point anywhere**: the host is resolved by the worker and every
  address it resolves to must be public (no private, loopback, link-local,
  reserved or multicast address; loopback only when
  ``WEBHOOKS_ALLOW_LOOPBACK`` is on, for tests and development); the
  connection goes to the address that was checked (no second lookup to
  rebind), HTTPS only (plain HTTP only to loopback under the same flag),
  redirects are not followed, the answer's body is read up to
  :data:`RESPONSE_CAP_BYTES`, and the whole attempt has a deadline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import os
import random
import socket
import ssl
import threading
import time
import uuid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, or_, select, update

from permits import dispatch
from permits.extensions import db
from permits.inputs import remove_control_characters
from permits.models import WebhookDelivery, WebhookEndpoint, WebhookStatus, utcnow

log = logging.getLogger(__name__)

# The Celery tasks (registered in permits.tasks): one delivery, a batch, the relay.
DELIVER_TASK = "permits.tasks.deliver_webhook"
DELIVER_BATCH_TASK = "permits.tasks.deliver_webhooks"
RELAY_TASK = "permits.tasks.relay_webhooks"
DELIVER_BATCH_SIZE = 50
dispatch.publish_in_batches(DELIVER_TASK, DELIVER_BATCH_TASK, DELIVER_BATCH_SIZE)

MAX_ATTEMPTS = 10  # then the delivery is dead (a manager may re-send it)
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 6 * 3600
CONNECT_TIMEOUT_SECONDS = 5.0
ATTEMPT_DEADLINE_SECONDS = 20.0  # connect, send, read the answer: all of it
LEASE = dt.timedelta(seconds=120)  # well above one attempt's deadline
RESPONSE_CAP_BYTES = 2048  # read of the receiver's body
RESPONSE_EXCERPT_CHARS = 500  # kept of it
MAX_URL_LENGTH = 500
BATCH_BUDGET_SECONDS = 60.0
USER_AGENT = "FilmPermits-Webhooks/1"
SIGNATURE_HEADER = "X-Permits-Signature"
EVENT_HEADER = "X-Permits-Event"
DELIVERY_HEADER = "X-Permits-Delivery"


class RefusedAddress(Exception):
    """The endpoint's address may not be called (scheme, host or what it resolves to)."""


# ----------------------------------------------------------------------------- signing


def body_of(payload: dict) -> bytes:
    """The bytes sent (and signed): the same at every attempt of a delivery."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float, tolerance_seconds: int = 300) -> bool:
    """What a receiver does (the documentation's recipe, and the tests'):
    the timestamp is recent and one ``v1`` signature matches."""
    parts = [item.split("=", 1) for item in (header or "").split(",") if "=" in item]
    stamps = [value for key, value in parts if key.strip() == "t"]
    signatures = [value for key, value in parts if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate.strip()) for candidate in signatures)


# ----------------------------------------------------------------------------- addresses


def allow_loopback() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_LOOPBACK"))


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, loopback_ok: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return loopback_ok
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified or address.is_link_local
        or address.is_private
    )


def check_url(url: str, *, loopback_ok: bool) -> str | None:
    """What is wrong with ``url`` as an endpoint, without resolving it (the
    form's check; the worker resolves at every attempt): None if nothing."""
    if not url or len(url) > MAX_URL_LENGTH:
        return "length"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "syntax"
    scheme = (parts.scheme or "").lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("https", "http") or not host or not parts.netloc:
        return "scheme"
    if parts.username is not None or parts.password is not None or parts.fragment:
        return "syntax"
    if any(ch.isspace() for ch in url) or port == 0:
        return "syntax"
    literal = None
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    loopback_name = host.lower() == "localhost" or host.lower().endswith(".localhost")
    is_loopback = loopback_name or (literal is not None and literal.is_loopback)
    if literal is not None and not _address_allowed(literal, loopback_ok):
        return "address"
    if loopback_name and not loopback_ok:
        return "address"
    if scheme == "http" and not (loopback_ok and is_loopback):
        return "scheme"
    return None


def resolve(url: str, *, loopback_ok: bool) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, path with query, the checked address to connect to)."""
    problem = check_url(url, loopback_ok=loopback_ok)
    if problem is not None:
        raise RefusedAddress(f"the address is refused ({problem})")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname.rstrip(".")
    port = parts.port or (443 if scheme == "https" else 80)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not _address_allowed(address, loopback_ok):
            raise RefusedAddress(f"{host} resolves to an address that is not public ({address})")
        addresses.append(text)
    if not addresses:
        raise RefusedAddress(f"{host} resolves to no address")
    if scheme == "http" and not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise RefusedAddress("plain HTTP is only for loopback")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path, addresses[0]


# ----------------------------------------------------------------------------- one HTTP attempt


def post(url: str, body: bytes, headers: dict[str, str], *, loopback_ok: bool,
         deadline_seconds: float = ATTEMPT_DEADLINE_SECONDS) -> tuple[int, bytes]:
    """POST ``body`` to ``url`` once: (status, the first bytes of the answer).
    Never follows a redirect; raises on refusal, network errors and time-outs."""
    scheme, host, port, path, address = resolve(url, loopback_ok=loopback_ok)
    timeout = min(CONNECT_TIMEOUT_SECONDS, deadline_seconds)
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def connect_to_checked_address(_address, timeout_=None, source_address=None):
        # The address that was checked, not a second lookup (DNS rebinding).
        return socket.create_connection((address, port), timeout_, source_address)

    connection._create_connection = connect_to_checked_address  # http.client's own hook
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(deadline_seconds, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        named = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
        default_port = 443 if scheme == "https" else 80
        connection.request("POST", path, body=body,
                           headers={**headers, "Host": named if port == default_port else f"{named}:{port}"})
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_CAP_BYTES)
        return response.status, excerpt
    except Exception as exc:
        if expired.is_set():
            raise TimeoutError(f"no complete answer within {deadline_seconds:.0f} s") from exc
        raise
    finally:
        watchdog.cancel()
        connection.close()


# ----------------------------------------------------------------------------- claims


def _holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _claimable(now: dt.datetime):
    active = select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True))
    return and_(
        WebhookDelivery.endpoint_id.in_(active),
        or_(
            and_(WebhookDelivery.status.in_([WebhookStatus.PENDING, WebhookStatus.FAILED]),
                 WebhookDelivery.next_attempt_at <= now),
            and_(WebhookDelivery.status == WebhookStatus.SENDING, WebhookDelivery.claimed_at < now - LEASE),
        ),
    )


def claim(delivery_id: int, holder: str, now: dt.datetime | None = None) -> bool:
    """Take a delivery for one attempt; only the caller whose update changed
    the row sends. The caller commits (before sending)."""
    now = now or utcnow()
    result = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, _claimable(now))
        .values(status=WebhookStatus.SENDING, claimed_at=now, claimed_by=holder, last_attempt_at=now,
                attempts=WebhookDelivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def pending_ids(limit: int = 200, now: dt.datetime | None = None) -> list[int]:
    """Deliveries the relay should try now (due, or held past their lease)."""
    now = now or utcnow()
    return list(db.session.execute(
        select(WebhookDelivery.id).where(_claimable(now)).order_by(WebhookDelivery.id).limit(limit)
    ).scalars())


# ----------------------------------------------------------------------------- one delivery


def deliver(delivery_id: int) -> str:
    """Claim, sign, send and record one attempt. Returns the delivery's status
    afterwards, or "skipped" when it is not due, held by another worker or its
    endpoint is switched off."""
    holder = _holder()
    if not claim(delivery_id, holder):
        db.session.commit()
        return "skipped"
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    endpoint = delivery.endpoint
    url, secret, event, attempt = endpoint.url, endpoint.secret, delivery.event, delivery.attempts
    body = body_of(delivery.payload)
    db.session.commit()  # the claim is seen by every worker; nothing is held open while the receiver answers

    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        "X-Permits-Attempt": str(attempt),
        SIGNATURE_HEADER: signature_header(secret, timestamp, body),
    }
    status: int | None = None
    excerpt = b""
    error: Exception | None = None
    try:
        status, excerpt = post(url, body, headers, loopback_ok=allow_loopback())
    except Exception as exc:  # every failure is recorded on the row, never lost
        error = exc
    return _record(delivery_id, holder, status, excerpt, error)


def _excerpt(raw: bytes) -> str:
    return remove_control_characters(raw.decode("utf-8", errors="replace"))[:RESPONSE_EXCERPT_CHARS]


def _record(delivery_id: int, holder: str, status: int | None, excerpt: bytes, error: Exception | None) -> str:
    now = utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if delivery is None or delivery.status != WebhookStatus.SENDING or delivery.claimed_by != holder:
        db.session.commit()  # deleted meanwhile, or our lease was taken over
        return "skipped"
    delivery.response_status = status
    delivery.response_body = _excerpt(excerpt)
    delivery.claimed_at = None
    if error is None and status is not None and 200 <= status < 300:
        delivery.status = WebhookStatus.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
    else:
        if error is not None:
            delivery.last_error = f"{type(error).__name__}: {error}"[:RESPONSE_EXCERPT_CHARS]
        elif 300 <= status < 400:
            delivery.last_error = f"HTTP {status}: redirects are not followed"
        else:
            delivery.last_error = f"HTTP {status}"
        permanent = isinstance(error, RefusedAddress)
        if permanent or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookStatus.DEAD
            log.warning("Webhook delivery %s gave up after %s attempt(s): %s", delivery_id, delivery.attempts,
                        delivery.last_error)
        else:
            delay = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1))
            delay *= 0.5 + random.random()  # jitter: many retries spread out  # noqa: S311
            delivery.status = WebhookStatus.FAILED
            delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
    outcome = delivery.status
    db.session.commit()
    return outcome


def deliver_batch(delivery_ids: list[int], budget_seconds: float = BATCH_BUDGET_SECONDS) -> dict[int, str]:
    """One attempt for each delivery, in order, while the budget lasts (the
    rest stay due for the next run). Returns each one's outcome."""
    started = time.monotonic()
    outcome: dict[int, str] = {}
    for delivery_id in delivery_ids:
        if time.monotonic() - started > budget_seconds:
            break
        outcome[delivery_id] = deliver(int(delivery_id))
    return outcome


def resend(delivery: WebhookDelivery) -> None:
    """A manager's re-send: one more attempt of the same delivery (same id,
    same body, same idempotency key), now; the caller commits."""
    delivery.status = WebhookStatus.PENDING
    delivery.next_attempt_at = utcnow()
    delivery.claimed_at = None
    dispatch.after_commit(DELIVER_TASK, delivery.id)
