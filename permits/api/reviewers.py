"""Reviewers' operations: their organisation's queues, as on the dashboard
(the same queries, the same keys); a review task as its page shows it; and
the actions of the page - take it, give it back, decide, drop refused sites -
through the same services (permits.services.review_actions says what is
offered, permits.services.workflow does it). Producers and other accounts
are refused with 403; a review the page would not show is 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from flask import url_for
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from permits.access import is_ministry, organisation_ids, review_for_staff_or_404
from permits.api import conditional, pagination, problems
from permits.api.auth import current_user_or_none
from permits.api.base import bp
from permits.api.operations import operation
from permits.api.producers import review_clock
from permits.api.review_schemas import (
    Clash,
    DecisionRequest,
    DropSitesRequest,
    OtherReview,
    RefusedSite,
    ReviewBooking,
    ReviewDocumentInfo,
    ReviewedApplication,
    ReviewEvent,
    ReviewMessage,
    ReviewTaskDetail,
)
from permits.api.schemas import QueueItem, QueuePage, coded, organisation_name, translated
from permits.extensions import db
from permits.labels import (
    ACTIVITIES,
    APPLICATION_STATES,
    EVENT_TITLES,
    PRODUCTION_TYPES,
    REVIEW_KINDS,
    REVIEW_STATES,
    TIERS,
)
from permits.models import ReviewTask, User, WorkflowEvent
from permits.services import (
    PermissionDenied,
    ServiceError,
    applications,
    documents,
    queues,
    review_actions,
    reviewer_notes,
    workflow,
)
from permits.services.clock import due_soon_limit
from permits.services.context import calendar, now_utc
from permits.services.queues import decode_cursor


class QueueQuery(pagination.PageQuery):
    queue: Literal[tuple(queues.QUEUES)] = Field("open", description=(  # type: ignore[valid-type]
        "mine, unassigned, open, due_soon, overdue, waiting (for the producer) or decided."))


@bp.get("/reviews")
@operation(tags=("Reviewers",), scope="read", responses={200: QueuePage}, headers={200: ("Link",)},
           links={200: {"GetFirstReview": {"operationId": "get_review", "description": "The page's first review.",
                                           "parameters": {"review_id": "$response.body#/items/0/id"}}}})
def list_reviews(query: QueueQuery):
    """Your organisation's review queue

    The reviews of your organisation in one of the dashboard's queues, by
    due time (decided: newest first), a page at a time."""
    user = current_user_or_none()
    if user is None or not user.is_staff:
        raise problems.forbidden("Only reviewers of an organisation have review queues.")
    if query.cursor is not None and decode_cursor(query.cursor) is None:
        raise pagination.bad_cursor()
    now = now_utc()
    page = queues.review_queue(user, query.queue, organisation_ids(user), queues.Filters(), cursor=query.cursor,
                               page_size=query.limit, now=now)
    soon = due_soon_limit(now)
    next_link = pagination.next_url(page.next_cursor)
    items = []
    for row in page.rows:
        review = row.review
        application = review.application
        items.append(QueueItem(
            id=review.id,
            url=url_for("review.task", review_id=review.id, _external=True),
            kind=coded(review.kind, REVIEW_KINDS),
            state=coded(review.state, REVIEW_STATES),
            organisation=organisation_name(review.organisation),
            clock=review_clock(review, now, soon),
            assignee=review.assignee.name if review.assignee is not None else None,
            application=application.display_reference,
            application_title=application.title,
            company=application.company.legal_name,
            sites=list(dict.fromkeys(b.location.slug for b in application.bookings if b.active)),
        ))
    return QueuePage(items=items, next=next_link), 200, pagination.link_headers(next_link)


# ----------------------------------------------------------------------------- one review


def reviewer() -> User:
    """The token's user, who must be staff of an organisation (as the review pages)."""
    user = current_user_or_none()
    if user is None or not user.is_staff:
        raise problems.forbidden("Only reviewers of an organisation have review tasks.")
    return user


def _events(application_id: int) -> list[WorkflowEvent]:
    return list(db.session.execute(
        select(WorkflowEvent).where(WorkflowEvent.application_id == application_id)
        .options(selectinload(WorkflowEvent.actor), selectinload(WorkflowEvent.organisation),
                 selectinload(WorkflowEvent.review))
        .order_by(WorkflowEvent.created_at, WorkflowEvent.id)
    ).scalars())


def _texts(values) -> list[str]:
    return [str(value) for value in values] if isinstance(values, list) else []


def _event(event: WorkflowEvent) -> ReviewEvent:
    payload = event.payload if isinstance(event.payload, dict) else {}
    reason = payload.get("reason")
    return ReviewEvent(
        at=event.created_at,
        subject=event.subject,
        action=coded(event.action, EVENT_TITLES),
        actor=event.actor.name if event.actor is not None else None,
        organisation=organisation_name(event.organisation),
        review_kind=coded(event.review.kind, REVIEW_KINDS) if event.review is not None else None,
        conditions=_texts(payload.get("conditions")),
        reason=reason if isinstance(reason, str) else "",
        sites=_texts(payload.get("sites")),
    )


def _detail(review: ReviewTask, user: User) -> ReviewTaskDetail:
    """What the review page shows ``user`` (permits.review.views._review_page)."""
    application = review.application
    now = now_utc()
    today = calendar().local_date(now)
    offer = review_actions.offer(review, user)
    ministry = is_ministry(user)
    own = organisation_ids(user)
    clashes = {
        booking.id: applications.conflicts_for(booking.location_id, booking.start_date, booking.end_date,
                                               exclude_application_id=application.id)
        for booking in application.bookings if booking.active
    }
    refused = []
    if review_actions.is_final(review) and application.needs_ministry_decision and review.is_open:
        for other in workflow.refused_site_reviews(application):
            sites = [b.location.slug for b in application.bookings
                     if b.location.owner_organisation_id == other.organisation_id]
            refused.append(RefusedSite(organisation=organisation_name(other.organisation),
                                       sites=list(dict.fromkeys(sites)), reason=other.reason or ""))
    messages = [m for m in reviewer_notes.messages_for(review, own) if offer.can_act or m.kind != "internal_note"]
    company = application.company
    return ReviewTaskDetail(
        id=review.id,
        url=url_for("api.get_review", review_id=review.id, _external=True),
        page_url=url_for("review.task", review_id=review.id, _external=True),
        kind=coded(review.kind, REVIEW_KINDS),
        organisation=organisation_name(review.organisation),
        state=coded(review.state, REVIEW_STATES),
        version=review.version,
        clock=review_clock(review, now, due_soon_limit(now)),
        opened_at=review.opened_at,
        decided_at=review.decided_at,
        assignee=review.assignee.name if review.assignee is not None else None,
        assigned_to_me=review.assignee_id == user.id,
        conditions=_texts(review.conditions or []),
        reason=review.reason or "",
        final=review_actions.is_final(review),
        flagged=bool(review.flagged),
        can_act=offer.can_act,
        actions=list(offer.steps),
        information_due=review_actions.producer_due(review, now) if "request_information" in offer.decisions else None,
        application=ReviewedApplication(
            id=application.id,
            reference=application.display_reference,
            title=application.title,
            state=coded(application.state, APPLICATION_STATES),
            production_type=coded(application.production_type, PRODUCTION_TYPES),
            company=company.legal_name,
            company_country=company.country or "",
            country_of_origin=application.country_of_origin or "",
            synopsis=application.synopsis or "",
            impact_tier=coded(application.impact_tier, TIERS),
            route=application.route,
            fee_total=application.fee_total,
            submitted_at=application.submitted_at,
            activities=[coded(code, ACTIVITIES) for code in application.activities or []],
            crew_total=application.crew_total,
            equipment_notes=application.equipment_notes or "",
            safety_notes=application.safety_notes or "",
            contact_name=application.contact_name or "",
            contact_email=application.contact_email or "",
            contact_phone=application.contact_phone or "",
            local_contact=application.local_contact or "",
            declared_by=(application.declaration_name or "") if application.declared_at else "",
            declared_at=application.declared_at,
            needs_ministry_decision=bool(application.needs_ministry_decision),
        ),
        bookings=[
            ReviewBooking(
                id=b.id, site=b.location.slug, name=translated(b.location, "name"), first_day=b.start_date,
                last_day=b.end_date, daily_start=f"{b.daily_start:%H:%M}", daily_end=f"{b.daily_end:%H:%M}",
                crew_on_site=b.crew_on_site, vehicles=b.vehicles, active=b.active, notes=b.notes or "",
                clashes=[Clash(application=other.application.display_reference, first_day=other.start_date,
                               last_day=other.end_date, state=coded(other.application.state, APPLICATION_STATES))
                         for other in clashes.get(b.id, [])],
            )
            for b in application.bookings
        ],
        reviews=[
            OtherReview(
                id=r.id,
                url=(url_for("api.get_review", review_id=r.id, _external=True)
                     if ministry or r.organisation_id == review.organisation_id else None),
                this_review=r.id == review.id,
                kind=coded(r.kind, REVIEW_KINDS),
                organisation=organisation_name(r.organisation),
                state=coded(r.state, REVIEW_STATES),
                decided_at=r.decided_at,
                conditions=_texts(r.conditions or []),
                reason=(r.reason or "") if r.state == "rejected" else "",
            )
            for r in application.reviews
        ],
        refused_sites=refused,
        documents=[
            ReviewDocumentInfo(
                id=link.document.id,
                kind=coded(link.document.kind, documents.DOCUMENT_KINDS),
                filename=link.document.original_filename,
                content_type=link.document.content_type or "application/octet-stream",
                size=link.document.size,
                expires_on=link.document.expires_on,
                expired=link.document.expires_on is not None and link.document.expires_on < today,
                insured_name=link.document.insured_name or "",
                for_this_review=concerns,
                download_url=url_for("review.document", application_id=application.id, document_id=link.document.id,
                                     _external=True),
            )
            for link, concerns in documents.documents_for_review(application, review.kind)
        ],
        messages=[
            ReviewMessage(id=m.id, kind=m.kind, body=m.body, at=m.created_at,
                          author=m.author.name if m.author is not None else None,
                          organisation=organisation_name(m.organisation), due_at=m.due_at, answered_at=m.answered_at)
            for m in messages
        ],
        timeline=[_event(e) for e in _events(application.id)],
    )


ACTION_ERRORS = (404, 409, 412, 428)


def _review_link(operation_id: str, description: str, review_id: str = "$request.path.review_id") -> dict:
    return {"operationId": operation_id, "description": description,
            "parameters": {"review_id": review_id, "header.If-Match": "$response.header.ETag"}}


# What a reviewer does next with a review: the same row version (ETag) as If-Match.
REVIEW_LINKS = {
    "ClaimReview": _review_link("claim_review", "Take the review."),
    "ReleaseReview": _review_link("release_review", "Give the review back to the queue."),
    "DecideReview": _review_link("decide_review", "Decide on the review."),
    "DropRefusedSites": _review_link("drop_refused_sites", "Drop the refused sites and continue."),
}


@bp.get("/reviews/<id:review_id>")
@operation(tags=("Reviewers",), scope="read", responses={200: ReviewTaskDetail}, errors=(404,), headers={200: ("ETag",)},
           links={200: REVIEW_LINKS})
def get_review(review_id: int):
    """One review task

    As its page shows it to you: the application (production, contacts,
    bookings and the other productions' bookings that clash with them), every
    review of the application, the documents, the messages with the producer
    (and your organisation's internal notes), the timeline, the clock, and the
    actions you may take now. A review your organisation does not hold is 404
    (the film commission sees every review, and acts on its own). The ETag is
    the review's row version: send it as If-Match with an action."""
    user = reviewer()
    review = review_for_staff_or_404(review_id)
    return _detail(review, user), 200, conditional.etag_headers(review.version)


def _act(review_id: int, step: str, perform: Callable[[ReviewTask, User, int], object]):
    """An action of the review page: who may (403), If-Match (428, 412), what
    the process allows now (409), the service verb, one commit."""
    user = reviewer()
    review = review_for_staff_or_404(review_id)
    refusal = review_actions.refusal(review, user, step)
    if isinstance(refusal, PermissionDenied):
        raise problems.refused(refusal)
    version = conditional.matched_version(review.version)
    if refusal is not None:
        raise problems.refused(refusal)
    try:
        perform(review, user, version)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise problems.refused(error) from None
    except StaleDataError:
        # Written between the If-Match check and this commit (the row version moved).
        db.session.rollback()
        current = db.session.get(ReviewTask, review_id)
        raise problems.stale_version(current.version if current is not None else 0) from None
    review = db.session.get(ReviewTask, review_id)
    return _detail(review, user), 200, conditional.etag_headers(review.version)




@bp.post("/reviews/<id:review_id>/claim")
@operation(tags=("Reviewers",), scope="write", responses={200: ReviewTaskDetail}, errors=ACTION_ERRORS,
           headers={200: ("ETag",)}, links={200: REVIEW_LINKS})
def claim_review(review_id: int):
    """Take a review

    "Take this review" on its page: it is assigned to you and in review.
    Needs If-Match with the review's ETag (412 when someone acted
    meanwhile); 409 when it cannot be taken now (see `actions`)."""
    return _act(review_id, "claim", lambda review, user, version: workflow.claim(review, user, expected_version=version))


@bp.post("/reviews/<id:review_id>/release")
@operation(tags=("Reviewers",), scope="write", responses={200: ReviewTaskDetail}, errors=ACTION_ERRORS,
           headers={200: ("ETag",)}, links={200: REVIEW_LINKS})
def release_review(review_id: int):
    """Give a review back to the queue

    "Give back to the queue" on its page, for the reviewer who holds it.
    Needs If-Match with the review's ETag."""
    return _act(review_id, "release",
                lambda review, user, version: workflow.release(review, user, expected_version=version))


@bp.post("/reviews/<id:review_id>/decisions")
@operation(tags=("Reviewers",), scope="write", responses={200: ReviewTaskDetail},
           errors=(400, *ACTION_ERRORS, 413, 415), headers={200: ("ETag",)},
           links={200: REVIEW_LINKS})
def decide_review(review_id: int, json: DecisionRequest):
    """Decide on a review

    The decisions of the review page - approve, approve with conditions,
    ask the producer for information, refuse - for the review's kind:
    screening, a parallel review, and the film commission's final decision,
    which approves or rejects the whole application. `action` must be one of
    the review's `actions` now: another role's (or another organisation's)
    is 403, one the process does not allow now is 409 (a final review over a
    refused site only rejects, or drops the site). Needs If-Match with the
    review's ETag. The producer is told, and the application moves on, as
    when deciding on the page."""
    return _act(review_id, json.action, lambda review, user, version: reviewer_notes.record_decision(
        review, user, json.action, expected_version=version, conditions=json.conditions, reason=json.reason))


@bp.post("/reviews/<id:review_id>/drop-refused-sites")
@operation(tags=("Reviewers",), scope="write", responses={200: ReviewTaskDetail},
           errors=(400, *ACTION_ERRORS, 413, 415), headers={200: ("ETag",)},
           links={200: REVIEW_LINKS})
def drop_refused_sites(review_id: int, json: DropSitesRequest):
    """Drop the refused sites and continue

    On a final review opened because a site was refused: the refused sites'
    bookings are removed and the application goes on without them (the final
    decision then decides on what remains). Needs If-Match with the review's
    ETag."""
    return _act(review_id, review_actions.DROP_REFUSED_SITES, lambda review, user, version: workflow.drop_refused_sites(
        review, user, expected_version=version, note=json.note))
