"""The append-only audit trail: one WorkflowEvent per transition.

Every entry is written here (:func:`record_event`, :func:`record_events`),
and each is announced to :mod:`permits.services.webhooks`, which turns those
that partners subscribe to into webhook deliveries in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import insert

from permits.extensions import db
from permits.models import Application, ReviewTask, User, WorkflowEvent
from permits.services import webhooks
from permits.services.context import now_utc


def record_event(application: Application, **fields) -> WorkflowEvent:
    """One event of ``application``'s timeline, added to the session: the
    fields of :func:`event_values` (actor, actor_role, subject, action, states...)."""
    values = event_values(application, **fields)
    event = WorkflowEvent(**values)
    db.session.add(event)
    webhooks.announce(values)
    return event


def record_events(rows: list[dict]) -> None:
    """Many events in one INSERT (rows made by :func:`event_values`)."""
    if not rows:
        return
    # NULLs rendered: events with and without a review are one executemany, not one statement per run of alike rows.
    db.session.execute(insert(WorkflowEvent).execution_options(render_nulls=True), rows)
    for values in rows:
        webhooks.announce(values)


def event_values(
    application: Application,
    *,
    actor: User | None,
    actor_role: str,
    subject: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    review: ReviewTask | None = None,
    organisation_id: int | None = None,
    amendment_id: int | None = None,
    payload: dict | None = None,
) -> dict:
    """The columns of the event :func:`record_event` writes (for writing many in one INSERT)."""
    return {
        "application_id": application.id,
        "review_task_id": review.id if review is not None else None,
        "amendment_id": amendment_id,
        "actor_id": actor.id if actor is not None else None,
        "actor_role": str(actor_role.value if hasattr(actor_role, "value") else actor_role),
        "organisation_id": organisation_id if organisation_id is not None else (review.organisation_id if review else None),
        "subject": subject,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "definition_version": application.definition_version,
        "payload": payload or {},
        "created_at": now_utc(),
    }
