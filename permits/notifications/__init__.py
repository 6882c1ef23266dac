"""Notifications: outbox rows written with the change they announce,
rendered in the recipient's language and delivered after the commit.

``queue_email`` is what services call: it writes the row and asks for the
delivery task after the commit (``permits.dispatch``). Delivery lives in
``delivery``; the Celery tasks in ``permits.tasks`` only call it.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from permits import dispatch
from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus, User, utcnow

# The Celery task that delivers one message (registered in permits.tasks).
DELIVER_TASK = "permits.tasks.deliver_outbox_message"
# Messages committed together are published as batches of this task: one
# broker message per batch instead of one per e-mail, and the worker claims,
# sends and records each batch at once (delivery.deliver_batch).
DELIVER_BATCH_TASK = "permits.tasks.deliver_outbox_messages"
DELIVER_BATCH_SIZE = 50
dispatch.publish_in_batches(DELIVER_TASK, DELIVER_BATCH_TASK, DELIVER_BATCH_SIZE)


def queue_email(
    template: str,
    recipient: User | str,
    context: dict,
    *,
    key: str,
    language: str | None = None,
) -> OutboxMessage | None:
    """Write one outbox row; a second call with the same key is a no-op.

    ``key`` must be unique per event and recipient (e.g. ``"reset:42:7"``):
    it is the idempotency key and the seed of the e-mail's Message-ID.
    """
    if isinstance(recipient, User):
        email, user_id, lang = recipient.email, recipient.id, recipient.language
    else:
        email, user_id, lang = recipient, None, None
    language = language or lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    full_key = f"{key}:{email.lower()}"
    existing = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == full_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=full_key,
        template=template,
        recipient_email=email,
        recipient_user_id=user_id,
        language=language,
        context=context,
        status=OutboxStatus.PENDING,
    )
    db.session.add(message)
    db.session.flush()
    dispatch.after_commit(DELIVER_TASK, message.id)
    return message


def hold_for_digest(message: OutboxMessage) -> None:
    """Keep a pending message for the recipient's daily summary instead of sending it now."""
    message.status = OutboxStatus.DIGEST
    dispatch.discard(DELIVER_TASK, message.id)


def release(message: OutboxMessage) -> None:
    """Send a held, failed or dead message now (a re-send, or a digest switched off)."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()
    dispatch.after_commit(DELIVER_TASK, message.id)
