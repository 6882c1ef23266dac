"""Webhooks: which changes partners hear of, the deliveries written in the
same transaction as those changes, and the endpoints' management.

Where the deliveries come from: the audit trail. Every change a webhook
announces is a WorkflowEvent, and every WorkflowEvent is written through
:mod:`permits.services.audit` (``record_event`` for one, ``record_events``
for many), which hands its columns to :func:`announce`. :data:`WEBHOOK_EVENTS`
says which audit entries (subject, action) are which webhook events - a
table, so a new action is a line, not a branch. The announced events are
turned into deliveries just before the transaction commits (the permit an
approval issues, and the reference a submission gets, exist by then), in a
fixed number of statements whatever the number of events, and the delivery
task is queued after the commit (``permits.dispatch``). A rollback, of the
transaction or of the savepoint the event was recorded in, forgets them.

Who receives: the active endpoints of the application's company and of the
organisations that hold (or held) one of its reviews, that subscribed to
the event. Payloads are thin and carry no personal data: what happened,
the application's reference, title and state, the review's kind and
decision, the permit's number, status and dates - details are read through
the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import event, func, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from permits import dispatch
from permits.extensions import db
from permits.models import (
    Application,
    Company,
    CompanyMembership,
    OrganisationMembership,
    Permit,
    ReviewTask,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookStatus,
    utcnow,
)
from permits.notifications import webhooks as webhook_delivery
from permits.services import NotFound, PermissionDenied, ServiceError

STATE_CHANGED = "application.state_changed"
REVIEW_DECIDED = "review.decided"
INFORMATION_REQUESTED = "review.information_requested"
PERMIT_ISSUED = "permit.issued"
PERMIT_REVOKED = "permit.revoked"
EVENT_NAMES = (STATE_CHANGED, REVIEW_DECIDED, INFORMATION_REQUESTED, PERMIT_ISSUED, PERMIT_REVOKED)

# The application life cycle's moves (every action of the process
# definitions that changes the application's state; tests/webhooks checks
# the definitions against this list).
APPLICATION_MOVES = (
    "submit", "start_review", "open_final", "return_to_parallel", "reject", "withdraw", "lapse", "expire",
    "await_payment",
)
REVIEW_DECISIONS = ("approve", "approve_with_conditions", "reject", "approve_by_consent")

# (audit subject, action) -> the webhook events it is.
WEBHOOK_EVENTS: dict[tuple[str, str], tuple[str, ...]] = {
    **{("application", action): (STATE_CHANGED,) for action in APPLICATION_MOVES},
    ("application", "approve"): (STATE_CHANGED, PERMIT_ISSUED),
    ("application", "settle"): (STATE_CHANGED, PERMIT_ISSUED),
    ("application", "revoke"): (STATE_CHANGED, PERMIT_REVOKED),
    **{("review", action): (REVIEW_DECIDED,) for action in REVIEW_DECISIONS},
    ("review", "request_information"): (INFORMATION_REQUESTED,),
}

MAX_ENDPOINTS_PER_OWNER = 10
MAX_DESCRIPTION = 200
RECENT_DELIVERIES = 50
# Who manages a company's endpoints: its administrator (the account that
# registered it); an organisation's: its supervisors and admins.
COMPANY_MANAGER_ROLES = ("owner",)
ORGANISATION_MANAGER_ROLES = ("supervisor", "admin")
SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)

_ANNOUNCED = "webhook_events_announced"


# ----------------------------------------------------------------------------- announcing


def announce(values: dict, session: Session | None = None) -> None:
    """One audit entry's columns (``audit.event_values``): remembered until the
    commit when it is a webhook event, else nothing."""
    names = WEBHOOK_EVENTS.get((values.get("subject"), values.get("action")))
    if not names:
        return
    session = session or db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_ANNOUNCED, []).append((transaction, names, dict(values)))


def event_id(values: dict) -> str:
    """The event's id, the same for every endpoint and every attempt."""
    created = values.get("created_at")
    text = "|".join(str(part) for part in (
        values.get("application_id"), values.get("subject"), values.get("action"), values.get("review_task_id"),
        values.get("amendment_id"), values.get("from_state"), values.get("to_state"),
        created.isoformat() if isinstance(created, dt.datetime) else created,
    ))
    return "evt_" + hashlib.sha256(text.encode()).hexdigest()[:24]


@event.listens_for(Session, "before_commit")
def _write_announced(session: Session) -> None:
    announced = session.info.pop(_ANNOUNCED, None)
    if announced:
        write_deliveries(session, [(names, values) for _transaction, names, values in announced])


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    """Events recorded in a transaction (or savepoint) that rolled back never happened."""
    announced = session.info.get(_ANNOUNCED)
    if not announced:
        return

    def inside(transaction) -> bool:
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    kept = [item for item in announced if not inside(item[0])]
    if kept:
        session.info[_ANNOUNCED] = kept
    else:
        session.info.pop(_ANNOUNCED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_ANNOUNCED, None)


def write_deliveries(session: Session, announced: list[tuple[tuple[str, ...], dict]]) -> int:
    """The deliveries of the announced events to every endpoint that wants
    them, in a fixed number of statements; returns how many were written."""
    application_ids = sorted({values["application_id"] for _names, values in announced})
    companies = select(Application.company_id).where(Application.id.in_(application_ids))
    endpoints = list(session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.company_id, WebhookEndpoint.organisation_id, WebhookEndpoint.events)
        .where(WebhookEndpoint.active.is_(True),
               or_(WebhookEndpoint.company_id.in_(companies), WebhookEndpoint.organisation_id.is_not(None)))
    ).all())
    if not endpoints:
        return 0
    applications = {row.id: row for row in session.execute(
        select(Application.id, Application.reference, Application.title, Application.company_id, Application.state)
        .where(Application.id.in_(application_ids))
    ).all()}
    reviews = list(session.execute(
        select(ReviewTask.id, ReviewTask.application_id, ReviewTask.kind, ReviewTask.organisation_id, ReviewTask.state,
               ReviewTask.amendment_id)
        .where(ReviewTask.application_id.in_(application_ids))
    ).all())
    involved: dict[int, set[int]] = {}
    for review in reviews:
        involved.setdefault(review.application_id, set()).add(review.organisation_id)
    reviews_by_id = {review.id: review for review in reviews}
    permits = {}
    if any(name in (PERMIT_ISSUED, PERMIT_REVOKED) for names, _values in announced for name in names):
        permits = {row.application_id: row for row in session.execute(
            select(Permit.application_id, Permit.number, Permit.status, Permit.valid_from, Permit.valid_until,
                   Permit.issued_at, Permit.revoked_at)
            .where(Permit.application_id.in_(application_ids))
        ).all()}

    rows: list[dict] = []
    now = utcnow()
    for names, values in announced:
        application = applications.get(values["application_id"])
        if application is None:
            continue
        organisations = involved.get(application.id, set())
        for name in names:
            payload = _payload(name, values, application, reviews_by_id, permits)
            key = f"{name}:{payload['id']}"
            for endpoint in endpoints:
                if name not in (endpoint.events or []):
                    continue
                if endpoint.company_id is not None and endpoint.company_id != application.company_id:
                    continue
                if endpoint.organisation_id is not None and endpoint.organisation_id not in organisations:
                    continue
                rows.append({
                    "endpoint_id": endpoint.id, "event": name, "idempotency_key": key, "payload": payload,
                    "status": WebhookStatus.PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now,
                    "claimed_by": "", "response_body": "", "last_error": "",
                })
    rows = list({(row["endpoint_id"], row["idempotency_key"]): row for row in rows}.values())
    if not rows:
        return 0
    pairs = [(row["endpoint_id"], row["idempotency_key"]) for row in rows]
    existing = {(row.endpoint_id, row.idempotency_key) for row in session.execute(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.idempotency_key)
        .where(tuple_(WebhookDelivery.endpoint_id, WebhookDelivery.idempotency_key).in_(pairs))
    )}
    rows = [row for row in rows if (row["endpoint_id"], row["idempotency_key"]) not in existing]
    if not rows:
        return 0
    session.execute(insert(WebhookDelivery), rows)
    written = session.execute(
        select(WebhookDelivery.id)
        .where(tuple_(WebhookDelivery.endpoint_id, WebhookDelivery.idempotency_key)
               .in_([(row["endpoint_id"], row["idempotency_key"]) for row in rows]))
        .order_by(WebhookDelivery.id)
    ).scalars()
    for delivery_id in written:
        dispatch.after_commit(webhook_delivery.DELIVER_TASK, delivery_id)
    return len(rows)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _payload(name: str, values: dict, application, reviews_by_id: dict, permits: dict) -> dict:
    created = values.get("created_at")
    data: dict = {
        "application": {
            "id": application.id,
            "reference": application.reference,
            "title": application.title,
            "state": application.state,
        },
        "change": {
            "subject": values.get("subject"),
            "action": values.get("action"),
            "from_state": values.get("from_state"),
            "to_state": values.get("to_state"),
            "by": values.get("actor_role"),
        },
    }
    if values.get("amendment_id") is not None:
        data["amendment_id"] = values["amendment_id"]
    review = reviews_by_id.get(values.get("review_task_id"))
    if review is not None:
        data["review"] = {
            "id": review.id,
            "kind": review.kind,
            "organisation_id": review.organisation_id,
            "decision": values.get("action"),
            "state": values.get("to_state"),
        }
    if name in (PERMIT_ISSUED, PERMIT_REVOKED):
        permit = permits.get(application.id)
        if permit is not None:
            data["permit"] = {
                "number": permit.number,
                "status": permit.status,
                "valid_from": _iso(permit.valid_from),
                "valid_until": _iso(permit.valid_until),
                "issued_at": _iso(permit.issued_at),
                "revoked_at": _iso(permit.revoked_at),
            }
    return {
        "id": event_id(values),
        "type": name,
        "created_at": created.isoformat() if isinstance(created, dt.datetime) else created,
        "data": data,
    }


# ----------------------------------------------------------------------------- who manages what


@dataclass(frozen=True)
class Owner:
    """A company or an organisation, as the owner of endpoints."""

    kind: str  # company | organisation
    id: int
    name: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def managed_owners(user: User) -> list[Owner]:
    """The companies and organisations whose endpoints ``user`` manages."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    owners = []
    company_ids = [m.company_id for m in user.company_memberships if m.role in COMPANY_MANAGER_ROLES]
    if company_ids:
        for company in db.session.execute(select(Company).where(Company.id.in_(company_ids)).order_by(Company.id)).scalars():
            owners.append(Owner("company", company.id, company.legal_name))
    for membership in user.organisation_memberships:
        if membership.role in ORGANISATION_MANAGER_ROLES:
            owners.append(Owner("organisation", membership.organisation_id, membership.organisation.name))
    return owners


def manages(user: User, endpoint: WebhookEndpoint) -> bool:
    if endpoint.company_id is not None:
        return db.session.execute(
            select(CompanyMembership.id).where(CompanyMembership.user_id == user.id,
                                               CompanyMembership.company_id == endpoint.company_id,
                                               CompanyMembership.role.in_(COMPANY_MANAGER_ROLES))
        ).first() is not None
    return db.session.execute(
        select(OrganisationMembership.id).where(OrganisationMembership.user_id == user.id,
                                                OrganisationMembership.organisation_id == endpoint.organisation_id,
                                                OrganisationMembership.role.in_(ORGANISATION_MANAGER_ROLES))
    ).first() is not None


def endpoint_for(user: User, endpoint_id: int) -> WebhookEndpoint:
    """An endpoint the user manages; another's is not found (its existence is not revealed)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not manages(user, endpoint):
        raise NotFound(_("There is no such endpoint."))
    return endpoint


def endpoints_of(owners: list[Owner]) -> list[WebhookEndpoint]:
    companies = [o.id for o in owners if o.kind == "company"]
    organisations = [o.id for o in owners if o.kind == "organisation"]
    if not owners:
        return []
    return list(db.session.execute(
        select(WebhookEndpoint)
        .where(or_(WebhookEndpoint.company_id.in_(companies or [-1]),
                   WebhookEndpoint.organisation_id.in_(organisations or [-1])))
        .order_by(WebhookEndpoint.id)
    ).scalars())


def owner_name(endpoint: WebhookEndpoint) -> str:
    if endpoint.company_id is not None:
        return endpoint.company.legal_name
    return endpoint.organisation.name


# ----------------------------------------------------------------------------- the verbs


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


URL_PROBLEMS = {
    "length": lambda: _("Enter the endpoint's address, up to %(n)d characters.", n=webhook_delivery.MAX_URL_LENGTH),
    "syntax": lambda: _("Enter a full address such as https://example.com/hooks (no user name, password or #fragment)."),
    "scheme": lambda: _("The address must start with https://."),
    "address": lambda: _("The address must be on the public internet: private, local and reserved addresses are refused."),
}


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    problem = webhook_delivery.check_url(url, loopback_ok=webhook_delivery.allow_loopback())
    if problem is not None:
        raise ServiceError(URL_PROBLEMS[problem](), field="url")
    return url


def _checked_events(events) -> list[str]:
    chosen = [name for name in EVENT_NAMES if name in set(events or [])]
    if not chosen:
        raise ServiceError(_("Choose at least one event."), field="events")
    return chosen


def create_endpoint(user: User, owner_key: str, url: str, *, events, description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new endpoint of one of the owners the user manages; returns it and
    its signing secret (shown once)."""
    owner = next((o for o in managed_owners(user) if o.key == owner_key), None)
    if owner is None:
        raise ServiceError(_("Choose whose endpoint this is."), field="owner")
    url = _checked_url(url)
    chosen = _checked_events(events)
    column = WebhookEndpoint.company_id if owner.kind == "company" else WebhookEndpoint.organisation_id
    count = db.session.execute(select(func.count(WebhookEndpoint.id)).where(column == owner.id)).scalar_one()
    if count >= MAX_ENDPOINTS_PER_OWNER:
        raise ServiceError(_("%(owner)s already has %(n)d endpoints, the most allowed. Delete one first.",
                             owner=owner.name, n=MAX_ENDPOINTS_PER_OWNER))
    secret = new_secret()
    endpoint = WebhookEndpoint(
        company_id=owner.id if owner.kind == "company" else None,
        organisation_id=owner.id if owner.kind == "organisation" else None,
        url=url,
        description=(description or "").strip()[:MAX_DESCRIPTION],
        events=chosen,
        secret=secret,
        active=True,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def update_endpoint(user: User, endpoint: WebhookEndpoint, *, events, description: str, active: bool) -> WebhookEndpoint:
    if not manages(user, endpoint):
        raise PermissionDenied(_("You cannot change this endpoint."))
    endpoint.events = _checked_events(events)
    endpoint.description = (description or "").strip()[:MAX_DESCRIPTION]
    endpoint.active = bool(active)
    return endpoint


def rotate_secret(user: User, endpoint: WebhookEndpoint) -> str:
    """A new signing secret (shown once); deliveries from now on are signed with it."""
    if not manages(user, endpoint):
        raise PermissionDenied(_("You cannot change this endpoint."))
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = utcnow()
    return endpoint.secret


def delete_endpoint(user: User, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its deliveries."""
    if not manages(user, endpoint):
        raise PermissionDenied(_("You cannot change this endpoint."))
    db.session.execute(WebhookDelivery.__table__.delete().where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.flush()


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = RECENT_DELIVERIES) -> list[WebhookDelivery]:
    return list(db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)
    ).scalars())


def delivery_of(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound(_("There is no such delivery."))
    return delivery


def resend(user: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """One more attempt of the same delivery (same id, body and idempotency
    key), now: for a delivered, failed or dead one."""
    if not manages(user, delivery.endpoint):
        raise PermissionDenied(_("You cannot change this endpoint."))
    if delivery.status in (WebhookStatus.PENDING, WebhookStatus.SENDING):
        raise ServiceError(_("This delivery is already on its way."))
    if not delivery.endpoint.active:
        raise ServiceError(_("Switch the endpoint on before sending again."))
    webhook_delivery.resend(delivery)
    return delivery
