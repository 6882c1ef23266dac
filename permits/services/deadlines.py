"""The deadline sweep: reminders, escalations, lapses and permit expiry.

Deadlines are rows. A periodic task claims the due ones - with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL and a conditional update everywhere -
so that two sweeps running at once fire each deadline once, and fires each
through the services in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import and_, or_, select, update

from permits.extensions import db
from permits.models import Deadline, DeadlineKind, Permit, ReviewTask
from permits.services import ledger, notify, workflow
from permits.services.audit import record_event
from permits.services.context import now_utc

log = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(minutes=10)
BATCH = 100


def due_ids(now: dt.datetime, limit: int = BATCH) -> list[int]:
    query = (
        select(Deadline.id)
        .where(
            or_(
                and_(Deadline.status == "pending", Deadline.due_at <= now),
                and_(Deadline.status == "claimed", Deadline.claimed_at < now - STUCK_AFTER),
            )
        )
        .order_by(Deadline.due_at, Deadline.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.execute(query).scalars())


def claim(deadline_id: int, now: dt.datetime) -> bool:
    result = db.session.execute(
        update(Deadline)
        .where(
            Deadline.id == deadline_id,
            or_(
                Deadline.status == "pending",
                and_(Deadline.status == "claimed", Deadline.claimed_at < now - STUCK_AFTER),
            ),
        )
        .values(status="claimed", claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def sweep(now: dt.datetime | None = None) -> int:
    """Fire every due deadline once. Returns how many this sweep fired."""
    now = now or now_utc()
    fired = 0
    while True:
        ids = due_ids(now)
        claimed = [deadline_id for deadline_id in ids if claim(deadline_id, now)]
        db.session.commit()  # the claims are visible to every other sweep from here
        if not claimed:
            return fired
        for deadline_id in claimed:
            try:
                fire(db.session.get(Deadline, deadline_id), now)
                db.session.commit()
                fired += 1
            except Exception:  # one bad deadline must not stop the others
                db.session.rollback()
                log.exception("Deadline %s failed; it will be retried", deadline_id)
        if len(ids) < BATCH:
            return fired


def fire(deadline: Deadline, now: dt.datetime) -> None:
    handler = HANDLERS.get(deadline.kind)
    if handler is not None:
        handler(deadline, now)
    deadline.status = "fired"
    deadline.fired_at = now


def _running_review(deadline: Deadline) -> ReviewTask | None:
    review = deadline.review
    if review is None or not review.is_open or review.is_paused:
        return None
    return review


def _remind(deadline: Deadline, now: dt.datetime) -> None:
    review = _running_review(deadline)
    if review is None:
        return
    notify.tell_reviewers(notify.reviewers_of(review), review, "review_reminder", f"reminder:{deadline.id}")


def _escalate(deadline: Deadline, now: dt.datetime) -> None:
    review = _running_review(deadline)
    if review is None:
        return
    recipients = notify.staff_of(review.organisation_id, notify.SUPERVISOR_ROLES) + notify.ministry_supervisors()
    notify.tell_reviewers(recipients, review, "review_escalated", f"escalation:{deadline.id}")
    record_event(
        review.application,
        actor=None,
        actor_role="system",
        subject="deadline",
        action="escalate",
        from_state=review.state,
        to_state=review.state,
        review=review,
        payload={"due_at": review.due_at.isoformat() if review.due_at else None},
    )


def _info_reminder(deadline: Deadline, now: dt.datetime) -> None:
    review = deadline.review
    if review is None or review.state != "info_requested":
        return
    context = notify.review_context(review)
    lapse = db.session.execute(
        select(Deadline.due_at).where(
            Deadline.review_task_id == review.id, Deadline.kind == DeadlineKind.INFO_LAPSE, Deadline.status == "pending"
        )
    ).scalar()
    context["due_iso"] = lapse.isoformat() if lapse else None
    notify.tell_producers(review.application, "information_due_soon", f"info-due:{deadline.id}", context)


def _info_lapse(deadline: Deadline, now: dt.datetime) -> None:
    if deadline.review is not None:
        workflow.lapse(deadline.review, now)


def _permit_expiring(deadline: Deadline, now: dt.datetime) -> None:
    application = deadline.application
    permit = db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()
    if permit is None or permit.status != "valid":
        return
    context = notify.base_context(application)
    context.update({"number": permit.number, "until": permit.valid_until.isoformat()})
    notify.tell_producers(application, "permit_expiring", f"expiring:{deadline.id}", context)


def _permit_expiry(deadline: Deadline, now: dt.datetime) -> None:
    workflow.expire(deadline.application, now)


def _payment_reminder(deadline: Deadline, now: dt.datetime) -> None:
    application = deadline.application
    if application.state not in ("submitted", "in_review", "final_review", "awaiting_payment"):
        return
    balance = ledger.balance_of(application)
    if balance <= 0:
        return
    invoice = ledger.fee_invoice(application.id)
    lapse = ledger.pending_lapse(application)
    context = notify.base_context(application)
    context.update({
        "balance": str(balance),
        "payment_reference": invoice.reference if invoice is not None else "",
        # The day to pay by: the lapse's (after approval), else the invoice's.
        "due_iso": (ledger.last_day_to_pay(lapse) if lapse else invoice.due_on).isoformat() if (lapse or invoice) else None,
    })
    notify.tell_producers(application, "payment_due_soon", f"payment-due:{deadline.id}", context)


def _payment_lapse(deadline: Deadline, now: dt.datetime) -> None:
    workflow.lapse_unpaid(deadline.application, now)


HANDLERS = {
    DeadlineKind.REMINDER: _remind,
    DeadlineKind.ESCALATION: _escalate,
    DeadlineKind.INFO_REMINDER: _info_reminder,
    DeadlineKind.INFO_LAPSE: _info_lapse,
    DeadlineKind.PERMIT_EXPIRING: _permit_expiring,
    DeadlineKind.PERMIT_EXPIRY: _permit_expiry,
    DeadlineKind.PAYMENT_REMINDER: _payment_reminder,
    DeadlineKind.PAYMENT_LAPSE: _payment_lapse,
}
