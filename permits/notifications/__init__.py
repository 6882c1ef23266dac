"""Notifications: outbox rows written with the change they announce,
rendered in the recipient's language and delivered after the commit.

``queue_email`` is what services call. Delivery lives in ``delivery``; the
Celery tasks in ``permits.tasks`` only call it.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus, User


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
    db.session.info.setdefault("outbox_ids", []).append(message.id)
    return message


@event.listens_for(Session, "after_commit")
def _nudge_after_commit(session: Session) -> None:
    ids = session.info.pop("outbox_ids", None)
    if ids:
        from permits.notifications.delivery import nudge

        nudge(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    # A rolled-back transaction wrote no rows, so there is nothing to nudge.
    session.info.pop("outbox_ids", None)
