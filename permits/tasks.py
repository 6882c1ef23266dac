"""Celery tasks: take ids, stay thin, call services and notifications."""

from __future__ import annotations

from celery import shared_task

from permits.notifications import delivery


@shared_task(name="permits.tasks.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id: int) -> str:
    return delivery.deliver(message_id)


@shared_task(name="permits.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """The periodic safety net: anything pending or stuck gets delivered."""
    ids = delivery.pending_ids()
    for message_id in ids:
        delivery.deliver(message_id)
    return len(ids)


@shared_task(name="permits.tasks.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> int:
    from permits.services import deadlines

    return deadlines.sweep()
