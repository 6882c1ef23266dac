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
# task name -> (the task that takes a list of their single arguments, batch size)
_BATCHES: dict[str, tuple[str, int]] = {}


def publish_in_batches(task_name: str, batch_task_name: str, size: int) -> None:
    """Calls of ``task_name(x)`` made in one transaction are published as
    ``batch_task_name([x1, x2, ...])``, ``size`` at most per broker message;
    a lone call is published as itself."""
    _BATCHES[task_name] = (batch_task_name, size)


def after_commit(task_name: str, *args) -> None:
    """Publish ``task_name(*args)`` once the current transaction commits."""
    pending: dict = db.session.info.setdefault(_PENDING, {})
    pending.setdefault((task_name, tuple(args)), None)  # an ordered set: a call once


def discard(task_name: str, *args) -> None:
    """Forget a call queued in this transaction (the work is no longer due)."""
    db.session.info.get(_PENDING, {}).pop((task_name, tuple(args)), None)


def queued() -> list[tuple[str, tuple]]:
    """The calls waiting for this session's commit (for tests and debugging)."""
    return list(db.session.info.get(_PENDING, {}))


def batched(calls: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    """The broker messages for ``calls``: the calls of a batched task gathered
    into lists of at most its batch size, in order; the others as they are."""
    out: list[tuple[str, tuple]] = []
    gathered: dict[str, list] = {}
    for name, args in calls:
        if name in _BATCHES and len(args) == 1:
            gathered.setdefault(name, []).append(args[0])
        else:
            out.append((name, args))
    for name, values in gathered.items():
        batch_name, size = _BATCHES[name]
        if len(values) == 1:
            out.append((name, (values[0],)))
            continue
        out.extend((batch_name, (values[first:first + size],)) for first in range(0, len(values), size))
    return out


def publish(calls: list[tuple[str, tuple]]) -> int:
    """Send the calls to the broker by name (batched, see
    :func:`publish_in_batches`); never raises. Returns how many broker
    messages went."""
    global _broker_down_until
    if not calls or time.monotonic() < _broker_down_until:
        return 0
    messages = batched(calls)
    sent = 0
    try:
        celery = current_app.extensions["celery"]
        for name, args in messages:
            celery.send_task(name, args=list(args), retry=False)
            sent += 1
    except Exception as exc:  # broker down or misconfigured: the periodic tasks catch up
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        log.warning("Could not queue %s task(s) (%s); the periodic tasks will catch up.", len(messages) - sent, exc)
    return sent


def reset_broker_backoff() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    calls = session.info.pop(_PENDING, None)
    if calls:
        publish(list(calls))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
