"""Reviewers' operations: their organisation's queues, as on the dashboard
(the same queries, the same keys). Producers and other accounts are refused
with 403."""

from __future__ import annotations

from typing import Literal

from flask import url_for
from pydantic import Field

from permits.access import organisation_ids
from permits.api import pagination, problems
from permits.api.auth import current_user_or_none
from permits.api.base import bp
from permits.api.operations import operation
from permits.api.producers import review_clock
from permits.api.schemas import QueueItem, QueuePage, coded, organisation_name
from permits.labels import REVIEW_KINDS, REVIEW_STATES
from permits.services import queues
from permits.services.clock import due_soon_limit
from permits.services.context import now_utc
from permits.services.queues import decode_cursor


class QueueQuery(pagination.PageQuery):
    queue: Literal[tuple(queues.QUEUES)] = Field("open", description=(  # type: ignore[valid-type]
        "mine, unassigned, open, due_soon, overdue, waiting (for the producer) or decided."))


@bp.get("/reviews")
@operation(tags=("Reviewers",), scope="read", responses={200: QueuePage}, headers={200: ("Link",)})
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
