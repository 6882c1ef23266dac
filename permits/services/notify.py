"""Who hears of what: outbox e-mails and in-app notifications, written in
the same transaction as the change they announce."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from permits import dispatch
from permits.extensions import db
from permits.models import (
    Application,
    CompanyMembership,
    Notification,
    Organisation,
    OrganisationMembership,
    OutboxMessage,
    OutboxStatus,
    ReviewTask,
    User,
    utcnow,
)
from permits.notifications import DELIVER_TASK, hold_for_digest, queue_email, release
from permits.notifications.events import ALSO_TOLD
from permits.services import NotFound, ServiceError, audit
from workflows import current_definition, get_definition

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


# Who works on reviews (a finance officer of the commission does not).
REVIEW_STAFF_ROLES = ("reviewer", "supervisor", "admin")


def staff_of(organisation_id: int, roles: tuple[str, ...] | None = None) -> list[User]:
    """The organisation's active staff in ``roles`` (by default, those who work on reviews)."""
    roles = roles or REVIEW_STAFF_ROLES
    query = (
        select(User)
        .join(OrganisationMembership, OrganisationMembership.user_id == User.id)
        .where(OrganisationMembership.organisation_id == organisation_id, User.active.is_(True))
        .order_by(User.id)
    )
    query = query.where(OrganisationMembership.role.in_(roles))
    return list(db.session.execute(query).scalars())


def reviewers_of(review: ReviewTask) -> list[User]:
    """Who works on a review: its assignee, else its organisation's staff."""
    return [review.assignee] if review.assignee is not None else staff_of(review.organisation_id)


def ministry_supervisors() -> list[User]:
    """The film commission's supervisors (told of every escalation)."""
    commission = current_definition().commission_org_kind
    ministries = db.session.execute(select(Organisation.id).where(Organisation.kind == commission)).scalars()
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


def review_context(review: ReviewTask) -> dict:
    """What every e-mail about one review needs: the application, the review's
    kind and organisation (named in the reader's language), its due time."""
    context = base_context(review.application)
    context.update(
        {
            "review_id": review.id,
            "review_kind": review.kind,
            "organisation_id": review.organisation_id,
            "due_iso": review.due_at.isoformat() if review.due_at else None,
            # The step of the process the review is (its e-mails say which, and what comes next).
            "stage": get_definition(review.application.definition_version).stage_of(review.kind),
        }
    )
    return context


def tell(users: list[User], event: str, key: str, context: dict, *, path: str, application: Application | None = None) -> None:
    """One e-mail (unless the user opted out) and one in-app notice per user.

    Idempotent per event key and user: telling the same thing twice writes
    nothing the second time. Staff who chose the daily digest get the e-mail
    held (status ``digest``) for the morning summary instead of at once.
    """
    users = [user for user in users if user is not None]
    if not users:
        return
    keys = {user.id: f"{key}:{user.id}" for user in users}
    already = set(
        db.session.execute(
            select(Notification.idempotency_key).where(Notification.idempotency_key.in_(set(keys.values())))
        ).scalars()
    )
    seen: set[int] = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        full = {**context, "path": path, "recipient_name": user.name}
        if keys[user.id] not in already:
            db.session.add(
                Notification(
                    user_id=user.id,
                    kind=event,
                    application_id=application.id if application is not None else None,
                    context=full,
                    url=path,
                    idempotency_key=keys[user.id],
                )
            )
        if not user.email_notifications:
            continue
        message = queue_email(event, user, full, key=key)
        if message is not None and user.daily_digest and user.is_staff and message.status == OutboxStatus.PENDING:
            # Reviewers who chose the daily digest get this in tomorrow's summary.
            hold_for_digest(message)


def tell_producers(application: Application, event: str, key: str, context: dict | None = None, *,
                   also: list[User] = ()) -> None:
    """The application's producers hear of it (and ``also`` these staff);
    the link opens the producer's page of the application. Whoever else the
    event is for (notifications.events.ALSO_TOLD) hears of it too."""
    tell([*producers_of(application), *also], event, key, base_context(application) if context is None else context,
         path=producer_path(application), application=application)
    for group, their_event in ALSO_TOLD.get(event, {}).items():
        GROUPS[group](application, their_event, key)


def tell_site_owners(application: Application, event: str, key: str) -> None:
    """The staff of each owner organisation of the application's sites, each
    told of its own sites; the link opens their review of the application."""
    by_owner: dict[int, list] = {}
    for booking in application.bookings:
        if booking.active:
            by_owner.setdefault(booking.location.owner_organisation_id, []).append(booking)
    for owner_id, bookings in sorted(by_owner.items()):
        context = base_context(application)
        context.update({
            "organisation_id": owner_id,
            "bookings": [{"location_id": b.location_id, "start": b.start_date.isoformat(), "end": b.end_date.isoformat()}
                         for b in sorted(bookings, key=lambda b: (b.start_date, b.id))],
        })
        review = next((r for r in application.reviews if r.organisation_id == owner_id and r.amendment_id is None), None)
        path = review_path(review) if review is not None else "/review/"
        tell(staff_of(owner_id), event, f"{key}:owner:{owner_id}", context, path=path, application=application)


# The groups of notifications.events.ALSO_TOLD.
GROUPS = {"site_owners": tell_site_owners}


def tell_reviewers(users: list[User], review: ReviewTask, event: str, key: str, context: dict | None = None) -> None:
    """Staff hear of a review; the link opens it."""
    tell(users, event, key, review_context(review) if context is None else context, path=review_path(review),
         application=review.application)


# ----------------------------------------------------------------------------- the reader's side


def unread_count(user_id: int) -> int:
    """The bell's number: one indexed count (notifications by user and read_at)."""
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def page_of(user_id: int, *, before_id: int | None = None, size: int = 20) -> tuple[list[Notification], int | None]:
    """Newest first, paginated by key: the page's notices and the key of the next page."""
    query = select(Notification).where(Notification.user_id == user_id)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    rows = list(db.session.execute(query.order_by(Notification.id.desc()).limit(size + 1)).scalars())
    next_before = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_before


def notification_of(user: User, notification_id: int) -> Notification:
    """The user's own notice; anybody else's does not exist (404)."""
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound(_("This notification does not exist."))
    return notice


def mark_read(user: User, notification_id: int) -> Notification:
    notice = notification_of(user, notification_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
    db.session.flush()
    return notice


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def update_preferences(user: User, *, email_notifications: bool, daily_digest: bool) -> User:
    """E-mail on or off; the daily digest is for staff (reviewers) only."""
    if daily_digest and not user.is_staff:
        raise ServiceError(_("The daily summary is for reviewers only."), field="daily_digest")
    was_digest = user.daily_digest
    user.email_notifications = bool(email_notifications)
    user.daily_digest = bool(daily_digest) and user.is_staff
    if was_digest and not user.daily_digest:
        # Whatever was held for the summary goes out now, one e-mail each.
        held = list(
            db.session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.recipient_user_id == user.id, OutboxMessage.status == OutboxStatus.DIGEST
                )
            ).scalars()
        )
        for message in held:
            release(message)
    db.session.flush()
    return user


# ----------------------------------------------------------------------------- many at once (the deadline sweep)


class BulkTell:
    """:func:`tell` for many events at once: the same notices and outbox rows,
    written by :meth:`write` in a few multi-row INSERTs instead of one
    round trip per row (the deadline sweep fires hundreds of deadlines per
    transaction). ``staff_of``, ``producers_of`` and ``ministry_supervisors``
    answer from rows loaded once per batch by :meth:`load_staff` and
    :meth:`load_producers`.

    What it writes is what :func:`tell` writes for the same calls, in the same
    order: idempotent per key and user, an e-mail unless the user opted out,
    held for the daily digest for staff who chose it, its delivery task queued
    after the commit.
    """

    def __init__(self) -> None:
        self.notices: list[dict] = []
        self.emails: list[tuple[dict, User]] = []
        self.events: list[dict] = []  # workflow events (audit.event_values), written with the rest
        self._staff: dict[int, list[tuple[User, str]]] = {}
        self._producers: dict[int, list[User]] = {}
        self._ministries: list[int] | None = None

    # -- who is told, loaded once per batch

    def load_staff(self, organisation_ids) -> None:
        """The active staff of these organisations (and of the film commission), one query."""
        if self._ministries is None:
            commission = current_definition().commission_org_kind
            self._ministries = list(db.session.execute(select(Organisation.id).where(Organisation.kind == commission)).scalars())
        wanted = (set(organisation_ids) | set(self._ministries)) - set(self._staff)
        if not wanted:
            return
        rows = db.session.execute(
            select(User, OrganisationMembership.organisation_id, OrganisationMembership.role)
            .join(OrganisationMembership, OrganisationMembership.user_id == User.id)
            .where(OrganisationMembership.organisation_id.in_(wanted), User.active.is_(True))
            .order_by(User.id)
        ).all()
        for organisation_id in wanted:
            self._staff[organisation_id] = []
        for user, organisation_id, role in rows:
            self._staff[organisation_id].append((user, role))

    def load_producers(self, company_ids) -> None:
        wanted = set(company_ids) - set(self._producers)
        if not wanted:
            return
        rows = db.session.execute(
            select(User, CompanyMembership.company_id)
            .join(CompanyMembership, CompanyMembership.user_id == User.id)
            .where(CompanyMembership.company_id.in_(wanted), User.active.is_(True))
            .order_by(User.id)
        ).all()
        for company_id in wanted:
            self._producers[company_id] = []
        for user, company_id in rows:
            self._producers[company_id].append(user)

    def staff_of(self, organisation_id: int, roles: tuple[str, ...] | None = None) -> list[User]:
        if organisation_id not in self._staff:
            self.load_staff([organisation_id])
        roles = roles or REVIEW_STAFF_ROLES
        return [user for user, role in self._staff[organisation_id] if role in roles]

    def reviewers_of(self, review: ReviewTask) -> list[User]:
        return [review.assignee] if review.assignee is not None else self.staff_of(review.organisation_id)

    def ministry_supervisors(self) -> list[User]:
        if self._ministries is None:
            self.load_staff([])
        users: list[User] = []
        for organisation_id in self._ministries:
            users.extend(self.staff_of(organisation_id, SUPERVISOR_ROLES))
        return users

    def producers_of(self, application: Application) -> list[User]:
        if application.company_id not in self._producers:
            self.load_producers([application.company_id])
        return self._producers[application.company_id]

    # -- telling

    def tell(self, users: list[User], event: str, key: str, context: dict, *, path: str,
             application: Application | None = None) -> None:
        seen: set[int] = set()
        for user in users:
            if user is None or user.id in seen:
                continue
            seen.add(user.id)
            full = {**context, "path": path, "recipient_name": user.name}
            self.notices.append({
                "user_id": user.id, "kind": event, "application_id": application.id if application is not None else None,
                "context": full, "url": path, "idempotency_key": f"{key}:{user.id}",
            })
            if user.email_notifications:
                self.emails.append(({
                    "idempotency_key": f"{key}:{user.email.lower()}", "template": event, "recipient_email": user.email,
                    "recipient_user_id": user.id, "language": user.language or current_app.config["BABEL_DEFAULT_LOCALE"],
                    "context": full,
                }, user))

    def tell_producers(self, application: Application, event: str, key: str, context: dict | None = None, *,
                       also: list[User] = ()) -> None:
        """As :func:`tell_producers` (for events that no group of ALSO_TOLD is told of)."""
        if ALSO_TOLD.get(event):
            raise ValueError(f"{event} is also told to others: use notify.tell_producers")
        self.tell([*self.producers_of(application), *also], event, key,
                  base_context(application) if context is None else context,
                  path=producer_path(application), application=application)

    def tell_reviewers(self, users: list[User], review: ReviewTask, event: str, key: str, context: dict | None = None) -> None:
        self.tell(users, event, key, review_context(review) if context is None else context, path=review_path(review),
                  application=review.application)

    def extend(self, other: BulkTell) -> None:
        self.notices.extend(other.notices)
        self.emails.extend(other.emails)
        self.events.extend(other.events)

    def fork(self) -> BulkTell:
        """An empty collector that shares this one's loaded recipients."""
        child = BulkTell()
        child._staff, child._producers, child._ministries = self._staff, self._producers, self._ministries
        return child

    def write(self) -> int:
        """Insert what was told (but what exists already), queue the deliveries; returns the e-mails written.

        Each table takes one executemany INSERT; the new outbox ids are read
        back by their keys (RETURNING with many rows costs a statement per row
        on SQLite)."""
        now = utcnow()
        if self.events:
            audit.record_events(self.events)
        notices = _first_of_each_key(self.notices)
        if notices:
            existing = set(db.session.execute(select(Notification.idempotency_key).where(
                Notification.idempotency_key.in_([row["idempotency_key"] for row in notices]))).scalars())
            rows = [{**row, "created_at": now} for row in notices if row["idempotency_key"] not in existing]
            if rows:
                db.session.execute(insert(Notification), rows)
        emails = {}
        for row, user in self.emails:
            emails.setdefault(row["idempotency_key"], (row, user))
        if not emails:
            return 0
        existing_messages = {
            message.idempotency_key: message
            for message in db.session.execute(select(OutboxMessage).where(OutboxMessage.idempotency_key.in_(list(emails)))).scalars()
        }
        new, held = [], []
        for key, (row, user) in emails.items():
            digest = bool(user.daily_digest and user.is_staff)
            message = existing_messages.get(key)
            if message is not None:  # told before: as queue_email, the old row stands
                if digest and message.status == OutboxStatus.PENDING:
                    hold_for_digest(message)
                continue
            new.append({**row, "status": OutboxStatus.DIGEST if digest else OutboxStatus.PENDING, "attempts": 0,
                        "next_attempt_at": now, "created_at": now, "claimed_by": "", "last_error": "", "subject": ""})
            held.append(digest)
        if not new:
            return 0
        db.session.execute(insert(OutboxMessage), new)
        ids = dict(db.session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.id).where(
            OutboxMessage.idempotency_key.in_([row["idempotency_key"] for row in new]))).all())
        for row, digest in zip(new, held, strict=True):
            if not digest:
                dispatch.after_commit(DELIVER_TASK, ids[row["idempotency_key"]])
        return len(new)


def _first_of_each_key(rows: list[dict]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if row["idempotency_key"] not in seen:
            seen.add(row["idempotency_key"])
            out.append(row)
    return out
