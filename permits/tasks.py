"""Celery tasks: take ids, stay thin, call services and notifications.

Each runs inside the Flask app context (``permits.celery_app``). None holds
state in the broker: the outbox and the deadlines are rows, so a lost task
only delays work that the periodic relay and sweep pick up.
"""

from __future__ import annotations

from celery import shared_task

from permits.notifications import delivery

RELAY_BUDGET_SECONDS = 60


@shared_task(name="permits.tasks.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id: int) -> str:
    return delivery.deliver(message_id)


@shared_task(name="permits.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """The periodic safety net: anything pending, due for a retry or stuck gets delivered."""
    import time

    started = time.monotonic()
    ids = delivery.pending_ids()
    for message_id in ids:
        if time.monotonic() - started > RELAY_BUDGET_SECONDS:
            break  # well inside the task's time limit; the next run goes on
        delivery.deliver(message_id)
    return len(ids)


@shared_task(name="permits.tasks.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> int:
    from permits.services import deadlines

    return deadlines.sweep()


@shared_task(name="permits.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests() -> int:
    from permits.notifications import digest

    return digest.send_daily_digests()
