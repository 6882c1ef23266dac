"""Issuing permits: number, verification token, conditions, PDF versions."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select

from permits.extensions import db
from permits.models import Application, Permit, PermitVersion, ReviewTask
from permits.services.context import calendar

# Without look-alike characters (0/O, 1/I/L), so it can be read out and typed.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def conditions_of(application: Application) -> list[dict]:
    """The conditions of every approving review, grouped by organisation."""
    reviews = db.session.execute(
        select(ReviewTask)
        .where(ReviewTask.application_id == application.id, ReviewTask.state == "approved_with_conditions")
        .order_by(ReviewTask.id)
    ).scalars()
    return [
        {"organisation_id": review.organisation_id, "review_kind": review.kind, "conditions": list(review.conditions)}
        for review in reviews
        if review.conditions
    ]


def issue(application: Application, now: dt.datetime) -> Permit:
    """Give the approved application its permit; the PDF is made by a task."""
    existing = db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    active = [b for b in application.bookings if b.active]
    year = calendar().local_date(now).year
    permit = Permit(
        application_id=application.id,
        number=f"AZP-{year}-{application.id:06d}",
        verification_token=secrets.token_urlsafe(24),  # 192 bits
        short_code="".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8)),
        status="valid",
        valid_from=min(b.start_date for b in active),
        valid_until=max(b.end_date for b in active),
        conditions=conditions_of(application),
        issued_at=now,
        current_version=1,
    )
    db.session.add(permit)
    db.session.flush()
    version = PermitVersion(permit_id=permit.id, version=1, status="pending", created_at=now)
    db.session.add(version)
    db.session.flush()
    db.session.info.setdefault("permit_versions", []).append(version.id)
    from permits.services.deadlines import schedule_permit_deadlines

    schedule_permit_deadlines(application, permit)
    return permit


def permit_of(application: Application) -> Permit | None:
    return db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()


def mark_revoked(application: Application, reason: str, now: dt.datetime) -> None:
    permit = permit_of(application)
    if permit is None:
        return
    permit.status = "revoked"
    permit.revoked_at = now
    permit.revoked_reason = reason
    from permits.services import notify

    context = notify.base_context(application)
    context.update({"number": permit.number, "reason": reason})
    notify.tell(
        notify.producers_of(application),
        "permit_revoked",
        f"revoked:{permit.id}",
        context,
        path=notify.producer_path(application),
        application=application,
    )


def mark_expired(application: Application, now: dt.datetime) -> None:
    permit = permit_of(application)
    if permit is not None:
        permit.status = "expired"
