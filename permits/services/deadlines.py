"""The deadline sweep: reminders, escalations, lapses and permit expiry.

Deadlines are rows. A periodic task fires the due ones in batches, each in
one transaction: it takes a batch of due rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so that a second sweep running at once takes the next rows, never
these; on SQLite the write lock taken at BEGIN serialises sweeps) and claims
them with a conditional update, fires them, and marks them fired.

Firing a batch loads what its deadlines act on in a few queries (the reviews,
the applications and their companies, the staff and producers to tell, the
permits, invoices and ledgers) and writes the notices and outbox rows with
multi-row INSERTs (:class:`permits.services.notify.BulkTell`). The kinds that
change an application's state go through one verb each for the whole batch,
each in a savepoint, with the same effects as their one-at-a-time twins:
permit expiries (``workflow.expire_all``), information lapses
(``workflow.lapse_all``) and payment lapses (``workflow.lapse_unpaid_all``).
What those leave (an expiry that closes an amendment, an amendment's lapse),
a verb that fails as a whole (its savepoint rolled back), and every deadline
of an application that has a state change and something else due in the same
batch go through the services one by one, in due order, each in a savepoint.
A deadline whose handler raises is left claimed (it is retried after
``STUCK_AFTER``) without stopping the others; a batch that fails as a whole
is rolled back and fired one deadline per transaction instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from permits.extensions import db
from permits.models import Application, Deadline, DeadlineKind, Invoice, Permit, ReviewTask
from permits.services import ledger, notify, workflow
from permits.services.audit import event_values, record_event
from permits.services.context import now_utc

log = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(minutes=10)
BATCH = 200

# The kinds whose handlers change an application's state through the services.
STATE_CHANGING = frozenset({DeadlineKind.INFO_LAPSE, DeadlineKind.PERMIT_EXPIRY, DeadlineKind.PAYMENT_LAPSE})
# The states in which a payment reminder is sent.
PAYABLE_STATES = ("submitted", "in_review", "final_review", "awaiting_payment")


def _is_due(now: dt.datetime):
    return or_(
        and_(Deadline.status == "pending", Deadline.due_at <= now),
        and_(Deadline.status == "claimed", Deadline.claimed_at < now - STUCK_AFTER),
    )


def due_ids(now: dt.datetime, limit: int | None = None) -> list[int]:
    query = select(Deadline.id).where(_is_due(now)).order_by(Deadline.due_at, Deadline.id).limit(limit or BATCH)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.execute(query).scalars())


def claim(deadline_id: int, now: dt.datetime) -> bool:
    return bool(claim_all([deadline_id], now))


def claim_all(deadline_ids: list[int], now: dt.datetime) -> list[int]:
    """Mark these due deadlines claimed; returns the ids that were still due."""
    if not deadline_ids:
        return []
    result = db.session.execute(
        update(Deadline)
        .where(Deadline.id.in_(deadline_ids), _is_due(now))
        .values(status="claimed", claimed_at=now)
        .returning(Deadline.id)
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())


def sweep(now: dt.datetime | None = None) -> int:
    """Fire every due deadline once. Returns how many this sweep fired."""
    now = now or now_utc()
    fired = 0
    while True:
        ids = due_ids(now)
        claimed = claim_all(ids, now)
        if not claimed:
            db.session.commit()
            return fired
        try:
            done = fire_batch(claimed, now)
            db.session.commit()
            fired += done
        except Exception:  # the batch as a whole failed: one deadline per transaction instead
            db.session.rollback()
            log.exception("A batch of %s deadlines failed; firing them one by one", len(claimed))
            fired += _fire_one_by_one(claimed, now)
        if len(ids) < BATCH:
            return fired


def _fire_one_by_one(deadline_ids: list[int], now: dt.datetime) -> int:
    """The slow path: each deadline claimed and fired in a transaction of its own."""
    fired = 0
    for deadline_id in deadline_ids:
        claimed = claim(deadline_id, now)
        db.session.commit()  # the claim is visible to every other sweep from here
        if not claimed:
            continue
        try:
            fire(db.session.get(Deadline, deadline_id), now)
            db.session.commit()
            fired += 1
        except Exception:  # one bad deadline must not stop the others
            db.session.rollback()
            log.exception("Deadline %s failed; it will be retried", deadline_id)
    return fired


def fire_batch(deadline_ids: list[int], now: dt.datetime) -> int:
    """Fire these claimed deadlines in the current transaction (no commit).
    Returns how many fired; those whose handler failed stay claimed."""
    deadlines = list(
        db.session.execute(
            select(Deadline)
            .where(Deadline.id.in_(deadline_ids))
            .order_by(Deadline.due_at, Deadline.id)
            .options(
                selectinload(Deadline.review).joinedload(ReviewTask.assignee),
                selectinload(Deadline.application).joinedload(Application.company),
            )
        ).scalars()
    )
    by_application: dict[int, list[Deadline]] = {}
    for deadline in deadlines:
        by_application.setdefault(deadline.application_id, []).append(deadline)
    one_by_one: list[Deadline] = []
    batched: list[Deadline] = []
    state_changes: dict[str, list[Deadline]] = {kind: [] for kind in STATE_CHANGING}
    for deadline in deadlines:
        own = by_application[deadline.application_id]
        if len(own) > 1 and any(d.kind in STATE_CHANGING for d in own):
            # A state change and what else is due on the same application: in due order, as one at a time would.
            one_by_one.append(deadline)
        elif deadline.kind in STATE_CHANGING:
            state_changes[deadline.kind].append(deadline)
        else:
            batched.append(deadline)

    fired: list[int] = []
    told = notify.BulkTell()
    loaded = _prepare(batched, told)
    for deadline in batched:
        handler = BATCHED.get(deadline.kind)
        mine = told.fork()
        try:
            if handler is not None:
                handler(deadline, now, mine, loaded)
        except Exception:  # one bad deadline must not stop the others
            log.exception("Deadline %s failed; it will be retried", deadline.id)
            continue
        told.extend(mine)
        fired.append(deadline.id)

    for kind, (subject, verb) in ALL_AT_ONCE.items():
        group = state_changes[kind]
        if not group:
            continue
        mine = told.fork()
        try:
            with db.session.begin_nested():
                left = set(verb([subject(d) for d in group], now, mine))
        except Exception:  # the savepoint is rolled back: these go one by one below
            log.exception("Firing %s %s deadlines at once failed; one by one instead", len(group), kind)
            one_by_one.extend(group)
            continue
        told.extend(mine)
        fired.extend(d.id for d in group if subject(d) not in left)
        one_by_one.extend(d for d in group if subject(d) in left)

    for deadline in sorted(one_by_one, key=lambda d: (d.due_at, d.id)):
        try:
            with db.session.begin_nested():
                handler = HANDLERS.get(deadline.kind)
                if handler is not None:
                    handler(deadline, now)
        except Exception:  # one bad deadline must not stop the others
            log.exception("Deadline %s failed; it will be retried", deadline.id)
            continue
        fired.append(deadline.id)

    told.write()
    if fired:
        db.session.execute(
            update(Deadline)
            .where(Deadline.id.in_(fired))
            .values(status="fired", fired_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(fired)


@dataclass
class _Loaded:
    """What the batched handlers read besides the deadlines' own rows, loaded once per batch."""

    info_lapses: dict[int, dt.datetime] = field(default_factory=dict)  # by review: the pending lapse's due time
    permits: dict[int, Permit] = field(default_factory=dict)  # by application
    balances: dict[int, Decimal] = field(default_factory=dict)
    invoices: dict[int, Invoice] = field(default_factory=dict)  # the fee invoice
    payment_lapses: dict[int, dt.datetime] = field(default_factory=dict)


def _prepare(deadlines: list[Deadline], told: notify.BulkTell) -> _Loaded:
    """Load in a few queries what the batched handlers read: the recipients into ``told``, the rest returned."""
    loaded = _Loaded()
    kinds = {d.kind for d in deadlines}
    reviews = [d.review for d in deadlines if d.review is not None]
    if kinds & {DeadlineKind.REMINDER, DeadlineKind.ESCALATION}:
        told.load_staff({r.organisation_id for r in reviews})
    producer_kinds = {DeadlineKind.INFO_REMINDER, DeadlineKind.PERMIT_EXPIRING, DeadlineKind.PAYMENT_REMINDER}
    if kinds & producer_kinds:
        told.load_producers({d.application.company_id for d in deadlines if d.kind in producer_kinds})
    if DeadlineKind.INFO_REMINDER in kinds:
        review_ids = [d.review_task_id for d in deadlines if d.kind == DeadlineKind.INFO_REMINDER and d.review_task_id]
        rows = db.session.execute(
            select(Deadline.review_task_id, Deadline.due_at)
            .where(Deadline.review_task_id.in_(review_ids), Deadline.kind == DeadlineKind.INFO_LAPSE, Deadline.status == "pending")
            .order_by(Deadline.id.desc())
        ).all()
        loaded.info_lapses = dict(rows)  # the first row wins, as .scalar() takes it
    if DeadlineKind.PERMIT_EXPIRING in kinds:
        application_ids = [d.application_id for d in deadlines if d.kind == DeadlineKind.PERMIT_EXPIRING]
        loaded.permits = {p.application_id: p for p in db.session.execute(
            select(Permit).where(Permit.application_id.in_(application_ids))).scalars()}
    if DeadlineKind.PAYMENT_REMINDER in kinds:
        application_ids = [d.application_id for d in deadlines
                           if d.kind == DeadlineKind.PAYMENT_REMINDER and d.application.state in PAYABLE_STATES]
        if application_ids:
            loaded.balances = ledger.balances_of(application_ids)
            loaded.invoices = ledger.fee_invoices(application_ids)
            loaded.payment_lapses = ledger.pending_lapses(application_ids)
    return loaded


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
    if application.state not in PAYABLE_STATES:
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


# ----------------------------------------------------------------------------- the batched handlers
# Each does what its one-at-a-time twin above does, reading what _prepare loaded
# and telling through the batch's BulkTell.


def _remind_batched(deadline: Deadline, now: dt.datetime, told: notify.BulkTell, loaded: _Loaded) -> None:
    review = _running_review(deadline)
    if review is None:
        return
    told.tell_reviewers(told.reviewers_of(review), review, "review_reminder", f"reminder:{deadline.id}")


def _escalate_batched(deadline: Deadline, now: dt.datetime, told: notify.BulkTell, loaded: _Loaded) -> None:
    review = _running_review(deadline)
    if review is None:
        return
    recipients = told.staff_of(review.organisation_id, notify.SUPERVISOR_ROLES) + told.ministry_supervisors()
    told.tell_reviewers(recipients, review, "review_escalated", f"escalation:{deadline.id}")
    told.events.append(event_values(
        review.application,
        actor=None,
        actor_role="system",
        subject="deadline",
        action="escalate",
        from_state=review.state,
        to_state=review.state,
        review=review,
        payload={"due_at": review.due_at.isoformat() if review.due_at else None},
    ))


def _info_reminder_batched(deadline: Deadline, now: dt.datetime, told: notify.BulkTell, loaded: _Loaded) -> None:
    review = deadline.review
    if review is None or review.state != "info_requested":
        return
    context = notify.review_context(review)
    lapse = loaded.info_lapses.get(review.id)
    context["due_iso"] = lapse.isoformat() if lapse else None
    told.tell_producers(review.application, "information_due_soon", f"info-due:{deadline.id}", context)


def _permit_expiring_batched(deadline: Deadline, now: dt.datetime, told: notify.BulkTell, loaded: _Loaded) -> None:
    application = deadline.application
    permit = loaded.permits.get(application.id)
    if permit is None or permit.status != "valid":
        return
    context = notify.base_context(application)
    context.update({"number": permit.number, "until": permit.valid_until.isoformat()})
    told.tell_producers(application, "permit_expiring", f"expiring:{deadline.id}", context)


def _payment_reminder_batched(deadline: Deadline, now: dt.datetime, told: notify.BulkTell, loaded: _Loaded) -> None:
    application = deadline.application
    if application.state not in PAYABLE_STATES:
        return
    balance = loaded.balances[application.id]
    if balance <= 0:
        return
    invoice = loaded.invoices.get(application.id)
    lapse = loaded.payment_lapses.get(application.id)
    context = notify.base_context(application)
    context.update({
        "balance": str(balance),
        "payment_reference": invoice.reference if invoice is not None else "",
        "due_iso": (ledger.last_day_to_pay(lapse) if lapse else invoice.due_on).isoformat() if (lapse or invoice) else None,
    })
    told.tell_producers(application, "payment_due_soon", f"payment-due:{deadline.id}", context)


BATCHED: dict[str, Callable[[Deadline, dt.datetime, notify.BulkTell, _Loaded], None]] = {
    DeadlineKind.REMINDER: _remind_batched,
    DeadlineKind.ESCALATION: _escalate_batched,
    DeadlineKind.INFO_REMINDER: _info_reminder_batched,
    DeadlineKind.PERMIT_EXPIRING: _permit_expiring_batched,
    DeadlineKind.PAYMENT_REMINDER: _payment_reminder_batched,
}


# The state-changing kinds, fired for the whole batch by one verb each: what the
# verb is given of each deadline (an application's id, a review's), and the
# verb, called with those, the moment and the batch's BulkTell; it returns
# those it left to be fired one at a time.
ALL_AT_ONCE: dict[str, tuple[Callable[[Deadline], int | None], Callable[[list, dt.datetime, notify.BulkTell], list]]] = {
    DeadlineKind.PERMIT_EXPIRY: (lambda d: d.application_id, lambda ids, now, told: workflow.expire_all(ids, now)),
    DeadlineKind.INFO_LAPSE: (lambda d: d.review_task_id, lambda ids, now, told: workflow.lapse_all(ids, now, told)),
    DeadlineKind.PAYMENT_LAPSE: (lambda d: d.application_id,
                                 lambda ids, now, told: workflow.lapse_unpaid_all(ids, now, told) or []),
}


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
