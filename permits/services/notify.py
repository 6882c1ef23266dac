"""Who hears of what: outbox e-mails and in-app notifications, written in
the same transaction as the change they announce."""

from __future__ import annotations

from sqlalchemy import select

from permits.extensions import db
from permits.models import (
    Application,
    CompanyMembership,
    Notification,
    Organisation,
    OrganisationMembership,
    OutboxStatus,
    ReviewTask,
    User,
)
from permits.notifications import queue_email

SUPERVISOR_ROLES = ("supervisor", "admin")


def producer_path(application: Application) -> str:
    return f"/applications/{application.id}"


def review_path(review: ReviewTask) -> str:
    return f"/review/tasks/{review.id}"


def producers_of(application: Application) -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(CompanyMembership, CompanyMembership.user_id == User.id)
            .where(CompanyMembership.company_id == application.company_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )


def staff_of(organisation_id: int, roles: tuple[str, ...] | None = None) -> list[User]:
    query = (
        select(User)
        .join(OrganisationMembership, OrganisationMembership.user_id == User.id)
        .where(OrganisationMembership.organisation_id == organisation_id, User.active.is_(True))
        .order_by(User.id)
    )
    if roles:
        query = query.where(OrganisationMembership.role.in_(roles))
    return list(db.session.execute(query).scalars())


def ministry_supervisors() -> list[User]:
    ministries = db.session.execute(select(Organisation.id).where(Organisation.kind == "ministry")).scalars()
    users: list[User] = []
    for organisation_id in ministries:
        users.extend(staff_of(organisation_id, SUPERVISOR_ROLES))
    return users


def base_context(application: Application) -> dict:
    return {
        "application_id": application.id,
        "reference": application.display_reference,
        "title": application.title,
        "company": application.company.legal_name,
    }


def tell(users: list[User], event: str, key: str, context: dict, *, path: str, application: Application | None = None) -> None:
    """One e-mail (unless the user opted out) and one in-app notice per user."""
    seen: set[int] = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        full = {**context, "path": path, "recipient_name": user.name}
        db.session.add(
            Notification(
                user_id=user.id,
                kind=event,
                application_id=application.id if application is not None else None,
                context=full,
                url=path,
                idempotency_key=f"{key}:{user.id}",
            )
        )
        if not user.email_notifications:
            continue
        message = queue_email(event, user, full, key=key)
        if message is not None and user.daily_digest and user.is_staff and message.status == OutboxStatus.PENDING:
            # Reviewers who chose the daily digest get this in tomorrow's summary.
            message.status = OutboxStatus.DIGEST
            ids = db.session.info.get("outbox_ids", [])
            if message.id in ids:
                ids.remove(message.id)
