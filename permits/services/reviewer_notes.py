"""What reviewers write besides decisions: internal notes (seen only inside
their organisation), messages to the producer, and the organisation's saved
conditions and refusal reasons."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select

from permits.extensions import db
from permits.models import Message, ReviewTask, SavedText, User
from permits.services import NotFound, PermissionDenied, ServiceError, notify, workflow
from permits.services.audit import record_event
from permits.services.context import now_utc, staff_role

MAX_TEXT = 5000
SAVED_KINDS = ("condition", "reason")


def _member(actor: User, organisation_id: int):
    role = staff_role(actor, organisation_id) if actor is not None else None
    if role is None:
        raise PermissionDenied(_("Only the organisation that holds this review can write here."))
    return role


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Write something before sending."), field="body")
    if len(body) > MAX_TEXT:
        raise ServiceError(_("Keep it under 5,000 characters."), field="body")
    return body


def add_internal_note(review: ReviewTask, actor: User, body: str) -> Message:
    _member(actor, review.organisation_id)
    message = Message(
        application_id=review.application_id,
        review_task_id=review.id,
        author_id=actor.id,
        organisation_id=review.organisation_id,
        kind="internal_note",
        body=_body(body),
        created_at=now_utc(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def message_producer(review: ReviewTask, actor: User, body: str) -> Message:
    role = _member(actor, review.organisation_id)
    message = Message(
        application_id=review.application_id,
        review_task_id=review.id,
        author_id=actor.id,
        organisation_id=review.organisation_id,
        kind="to_producer",
        body=_body(body),
        created_at=now_utc(),
    )
    db.session.add(message)
    db.session.flush()
    record_event(
        review.application,
        actor=actor,
        actor_role=role,
        subject="review",
        action="message_producer",
        from_state=review.state,
        to_state=review.state,
        review=review,
        payload={"message_id": message.id},
    )
    application = review.application
    context = {**notify.review_context(review), "body": message.body}
    notify.tell_producers(application, "message_to_producer", f"message:{message.id}", context)
    return message


def messages_for(review: ReviewTask, viewer_organisation_ids: set[int]) -> list[Message]:
    """The application's messages a reviewer may read: everything exchanged
    with the producer, and the internal notes of the viewer's organisations."""
    query = (
        select(Message)
        .where(
            Message.application_id == review.application_id,
            or_(
                Message.kind != "internal_note",
                Message.organisation_id.in_(sorted(viewer_organisation_ids) or [-1]),
            ),
        )
        .order_by(Message.created_at, Message.id)
    )
    return list(db.session.execute(query).scalars())


def saved_texts(organisation_id: int, kind: str) -> list[SavedText]:
    return list(
        db.session.execute(
            select(SavedText).where(SavedText.organisation_id == organisation_id, SavedText.kind == kind).order_by(SavedText.text)
        ).scalars()
    )


def save_text(organisation_id: int, actor: User, kind: str, text: str) -> SavedText | None:
    """Keep a condition or reason for reuse (once: an existing text is not doubled)."""
    _member(actor, organisation_id)
    if kind not in SAVED_KINDS:
        raise ServiceError(_("Unknown kind of text."))
    text = (text or "").strip()[:1000]
    if not text:
        return None
    existing = db.session.execute(
        select(SavedText).where(SavedText.organisation_id == organisation_id, SavedText.kind == kind, SavedText.text == text)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    saved = SavedText(organisation_id=organisation_id, kind=kind, text=text)
    db.session.add(saved)
    db.session.flush()
    return saved


def delete_saved_text(actor: User, saved_id: int) -> None:
    saved = db.session.get(SavedText, saved_id)
    if saved is None:
        raise NotFound(_("This text no longer exists."))
    _member(actor, saved.organisation_id)
    db.session.delete(saved)
    db.session.flush()


def _saved_by_ids(organisation_id: int, kind: str, ids) -> list[str]:
    ids = [int(i) for i in ids or () if i]
    if not ids:
        return []
    rows = db.session.execute(
        select(SavedText).where(SavedText.id.in_(ids), SavedText.organisation_id == organisation_id, SavedText.kind == kind)
    ).scalars()
    by_id = {row.id: row.text for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def record_decision(
    review: ReviewTask,
    actor: User,
    action: str,
    *,
    expected_version: int | None,
    conditions: list[str] | None = None,
    saved_condition_ids=(),
    save_conditions: bool = False,
    reason: str = "",
    saved_reason_id: int | None = None,
    save_reason: bool = False,
    now=None,
) -> ReviewTask:
    """A reviewer's decision with the organisation's saved texts: picked saved
    conditions join the typed ones, a picked saved reason stands in for an
    empty one, and typed texts are kept for reuse when asked."""
    typed = [c.strip() for c in conditions or () if c and c.strip()]
    picked = _saved_by_ids(review.organisation_id, "condition", saved_condition_ids)
    all_conditions = list(dict.fromkeys(picked + typed))
    reason = (reason or "").strip()
    if not reason and saved_reason_id:
        saved = _saved_by_ids(review.organisation_id, "reason", [saved_reason_id])
        reason = saved[0] if saved else ""
    review = workflow.decide(
        review,
        actor,
        action,
        expected_version=expected_version,
        conditions=all_conditions if action == "approve_with_conditions" else [],
        reason=reason if action in ("reject", "request_information") else "",
        now=now,
    )
    if action == "approve_with_conditions" and save_conditions:
        for text in typed:
            save_text(review.organisation_id, actor, "condition", text)
    if action == "reject" and save_reason and reason:
        save_text(review.organisation_id, actor, "reason", reason)
    return review
