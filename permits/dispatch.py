"""Work for the Celery worker, queued after the commit that made it needed.

Services and notifications never import Celery tasks. They call
``after_commit(task_name, *args)``: the call is remembered on the database
session and, once that transaction commits, the task is published *by name*
on the app's own Celery (``send_task``), so no task object, registry or
"default app" is involved in the request. A rollback forgets it: a nudge for
rows that were never written would only cost the worker a lookup, but it
would announce something that did not happen.

The broker is a doorbell, not the truth (DESIGN.md section 5): every nudged
row is also found by a periodic task (the outbox relay, the PDF catch-up),
so a publish that fails is logged and skipped, never raised, and for a few
seconds after a failure no publish is tried at all, so that requests do not
each wait for a dead broker.
"""

from __future__ import annotations

import logging
import time

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from permits.extensions import db

log = logging.getLogger(__name__)

# After a failed publish, publishing is skipped for this long.
BROKER_BACKOFF_SECONDS = 15.0
_broker_down_until = 0.0
_PENDING = "after_commit_tasks"


def after_commit(task_name: str, *args) -> None:
    """Publish ``task_name(*args)`` once the current transaction commits."""
    pending: list = db.session.info.setdefault(_PENDING, [])
    call = (task_name, tuple(args))
    if call not in pending:
        pending.append(call)


def discard(task_name: str, *args) -> None:
    """Forget a call queued in this transaction (the work is no longer due)."""
    pending: list = db.session.info.get(_PENDING, [])
    call = (task_name, tuple(args))
    if call in pending:
        pending.remove(call)


def queued() -> list[tuple[str, tuple]]:
    """The calls waiting for this session's commit (for tests and debugging)."""
    return list(db.session.info.get(_PENDING, []))


def publish(calls: list[tuple[str, tuple]]) -> int:
    """Send each call to the broker by name; never raises. Returns how many went."""
    global _broker_down_until
    if not calls or time.monotonic() < _broker_down_until:
        return 0
    sent = 0
    try:
        celery = current_app.extensions["celery"]
        for name, args in calls:
            celery.send_task(name, args=list(args), retry=False)
            sent += 1
    except Exception as exc:  # broker down or misconfigured: the periodic tasks catch up
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        log.warning("Could not queue %s task(s) (%s); the periodic tasks will catch up.", len(calls) - sent, exc)
    return sent


def reset_broker_backoff() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    calls = session.info.pop(_PENDING, None)
    if calls:
        publish(calls)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
