"""The daily digest: reviewers who chose it get one e-mail a morning listing
everything held for them, instead of one e-mail per event.

``notify.tell`` holds such messages with status ``digest``. The digest task
writes one outbox message per recipient (delivered like any other) and marks
the held ones sent in the same transaction, so a second run finds nothing
and a crash half-way leaves everything to the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update

from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus, User, utcnow
from permits.notifications import queue_email
from permits.notifications.render import DIGEST_TEMPLATE

log = logging.getLogger(__name__)

MAX_ITEMS = 200  # per recipient and digest; anything beyond waits for the next one


def held_recipients() -> list[str]:
    return list(
        db.session.execute(
            select(OutboxMessage.recipient_email)
            .where(OutboxMessage.status == OutboxStatus.DIGEST)
            .group_by(OutboxMessage.recipient_email)
            .order_by(OutboxMessage.recipient_email)
        ).scalars()
    )


def send_digest(recipient_email: str, now: dt.datetime | None = None) -> OutboxMessage | None:
    """Bundle what is held for one recipient into one digest message. Flushes."""
    now = now or utcnow()
    held = list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.DIGEST, OutboxMessage.recipient_email == recipient_email)
            .order_by(OutboxMessage.id)
            .limit(MAX_ITEMS)
        ).scalars()
    )
    if not held:
        return None
    ids = [message.id for message in held]
    marked = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.DIGEST)
        .values(status=OutboxStatus.SENT, sent_at=now, subject="(daily digest)")
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != len(ids):  # another run took some of them: leave them all to it
        raise RuntimeError("digest items were taken by another run")
    first = held[0]
    user = db.session.get(User, first.recipient_user_id) if first.recipient_user_id else None
    local_day = now.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    context = {
        "recipient_name": user.name if user is not None else first.context.get("recipient_name", ""),
        "date": local_day.isoformat(),
        "count": len(held),
        "items": [{"template": m.template, "context": m.context} for m in held],
        "path": "/notifications/",
    }
    return queue_email(
        DIGEST_TEMPLATE,
        user if user is not None else recipient_email,
        context,
        key=f"digest:{local_day.isoformat()}:{ids[-1]}",
        language=first.language,
    )


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """One digest per recipient with held messages; each in its own transaction."""
    sent = 0
    for recipient_email in held_recipients():
        try:
            if send_digest(recipient_email, now) is not None:
                sent += 1
            db.session.commit()
        except Exception:  # one recipient's failure must not stop the others
            db.session.rollback()
            log.exception("Daily digest for %s failed; it will be retried", recipient_email)
    return sent
