"""Celery tasks: take ids, stay thin, call services and notifications.

Each is a plain function, registered by name on every Celery app that
``permits.celery_app.celery_init_app`` makes (see :data:`TASKS`), and run
inside the Flask app context. Code that needs one queued calls
``permits.dispatch.after_commit(name, *ids)``; tests call the functions.
None holds state in the broker: the outbox, the deadlines and the permit
versions are rows, so a lost task only delays work that the periodic relay,
sweep and catch-up pick up.
"""

from __future__ import annotations

import time

from sqlalchemy.exc import IntegrityError

from permits import notifications
from permits.extensions import db
from permits.models import OutboxStatus
from permits.notifications import delivery, digest
from permits.notifications import webhooks as webhook_delivery
from permits.services import accounts, deadlines, housekeeping
from permits.services import permits as permit_service

RELAY_BUDGET_SECONDS = 60

DELIVER_OUTBOX_MESSAGE = notifications.DELIVER_TASK
DELIVER_OUTBOX_MESSAGES = notifications.DELIVER_BATCH_TASK
RELAY_OUTBOX = "permits.tasks.relay_outbox"
SWEEP_DEADLINES = "permits.tasks.sweep_deadlines"
SEND_DAILY_DIGESTS = "permits.tasks.send_daily_digests"
RENDER_PERMIT_PDF = permit_service.RENDER_TASK
CATCH_UP_PERMIT_PDFS = "permits.tasks.catch_up_permit_pdfs"
CLEAN_UP_STORAGE = "permits.tasks.clean_up_storage"
PURGE_EXPIRED_REGISTRATIONS = "permits.tasks.purge_expired_registrations"
DELIVER_WEBHOOK = webhook_delivery.DELIVER_TASK
DELIVER_WEBHOOKS = webhook_delivery.DELIVER_BATCH_TASK
RELAY_WEBHOOKS = webhook_delivery.RELAY_TASK


def deliver_outbox_message(message_id: int) -> str:
    return delivery.deliver(message_id)


def deliver_outbox_messages(message_ids: list[int]) -> int:
    """A batch of messages committed together: one claim, one SMTP connection,
    one commit of the outcomes. Returns how many were sent."""
    outcome = delivery.deliver_batch([int(i) for i in message_ids])
    return sum(1 for status in outcome.values() if status == OutboxStatus.SENT)


def relay_outbox() -> int:
    """The periodic safety net: anything pending, due for a retry or stuck gets delivered."""
    started = time.monotonic()
    ids = delivery.pending_ids()
    db.session.commit()
    for first in range(0, len(ids), notifications.DELIVER_BATCH_SIZE):
        spent = time.monotonic() - started
        if spent > RELAY_BUDGET_SECONDS:
            break  # well inside the task's time limit; the next run goes on
        delivery.deliver_batch(ids[first:first + notifications.DELIVER_BATCH_SIZE],
                               budget_seconds=RELAY_BUDGET_SECONDS - spent)
    return len(ids)


def sweep_deadlines() -> int:
    return deadlines.sweep()


def send_daily_digests() -> int:
    return digest.send_daily_digests()


def render_permit_pdf(version_id: int) -> str:
    try:
        outcome = permit_service.render_version(version_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome


def catch_up_permit_pdfs() -> int:
    """The periodic safety net: versions whose nudge was lost (broker down,
    worker crash) or whose rendering failed are rendered now."""
    ids = permit_service.pending_version_ids()
    db.session.commit()
    done = 0
    for version_id in ids:
        try:
            if permit_service.render_version(version_id) == "ready":
                done += 1
            db.session.commit()
        except Exception:  # one bad version must not stop the others
            db.session.rollback()
    return done


def clean_up_storage() -> int:
    """The periodic clean-up: documents nothing uses, then the stored files
    no row names. Returns how many files were deleted."""
    try:
        housekeeping.delete_unused_documents()
        db.session.commit()
    except IntegrityError:  # attached by a producer at this very moment: next time
        db.session.rollback()
    return housekeeping.delete_unreferenced_files()


def purge_expired_registrations() -> int:
    """Registrations nobody confirmed within a day, with their personal data."""
    purged = accounts.purge_expired_registrations()
    db.session.commit()
    return purged


def deliver_webhook(delivery_id: int) -> str:
    return webhook_delivery.deliver(int(delivery_id))


def deliver_webhooks(delivery_ids: list[int]) -> int:
    """Deliveries committed together: one attempt each. Returns how many arrived."""
    outcome = webhook_delivery.deliver_batch([int(i) for i in delivery_ids])
    return sum(1 for status in outcome.values() if status == "delivered")


def relay_webhooks() -> int:
    """The periodic safety net: deliveries pending, due for a retry or left
    by a worker that died get their attempt."""
    ids = webhook_delivery.pending_ids()
    db.session.commit()
    webhook_delivery.deliver_batch(ids, budget_seconds=RELAY_BUDGET_SECONDS)
    return len(ids)


TASKS = {
    DELIVER_OUTBOX_MESSAGE: deliver_outbox_message,
    DELIVER_OUTBOX_MESSAGES: deliver_outbox_messages,
    RELAY_OUTBOX: relay_outbox,
    SWEEP_DEADLINES: sweep_deadlines,
    SEND_DAILY_DIGESTS: send_daily_digests,
    RENDER_PERMIT_PDF: render_permit_pdf,
    CATCH_UP_PERMIT_PDFS: catch_up_permit_pdfs,
    CLEAN_UP_STORAGE: clean_up_storage,
    PURGE_EXPIRED_REGISTRATIONS: purge_expired_registrations,
    DELIVER_WEBHOOK: deliver_webhook,
    DELIVER_WEBHOOKS: deliver_webhooks,
    RELAY_WEBHOOKS: relay_webhooks,
}
