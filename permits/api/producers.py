"""Producers' operations: their company's applications, as on the portal's
pages and with the same checks (another company's application is 404; a
staff account is refused with 403)."""

from __future__ import annotations

from flask import url_for
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from permits.access import application_for_producer_or_404, company_ids
from permits.api import conditional, pagination, problems
from permits.api.auth import current_user_or_none
from permits.api.base import bp
from permits.api.operations import operation
from permits.api.schemas import (
    ApplicationDetail,
    ApplicationPage,
    ApplicationSummary,
    BookingInfo,
    NewApplication,
    ReviewClock,
    ReviewInfo,
    TimelineEvent,
    coded,
    organisation_name,
    translated,
)
from permits.countries import is_country
from permits.extensions import db
from permits.labels import APPLICATION_STATES, REVIEW_KINDS, REVIEW_STATES
from permits.models import Application, Booking, Permit, ReviewTask, User, WorkflowEvent
from permits.portal import wording
from permits.portal.forms import LONG_TEXT
from permits.services import ServiceError
from permits.services import applications as drafts
from permits.services import home as home_lists
from permits.services.clock import clock_state, due_soon_limit
from permits.services.context import now_utc
from permits.services.queues import decode_cursor


def producer() -> User:
    """The token's user, who must act for a company (as the portal's pages)."""
    user = current_user_or_none()
    if user is None or not user.is_producer:
        raise problems.forbidden("Only producers acting for a company have applications.")
    return user


def summary_fields(application: Application) -> dict:
    return {
        "id": application.id,
        "url": url_for("api.get_application", application_id=application.id, _external=True),
        "reference": application.display_reference,
        "title": application.title,
        "state": coded(application.state, APPLICATION_STATES),
        "production_type": application.production_type,
        "country_of_origin": application.country_of_origin,
        "impact_tier": application.impact_tier,
        "first_shoot_day": application.first_shoot_date,
        "last_shoot_day": application.last_shoot_date,
        "sites": list(dict.fromkeys(b.location.slug for b in application.bookings if b.active)),
        "version": application.version,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
    }


class ApplicationsQuery(pagination.PageQuery):
    state: str | None = Field(None, max_length=32, description="Only applications in this state.")


@bp.get("/applications")
@operation(tags=("Producers",), scope="read", responses={200: ApplicationPage}, headers={200: ("Link",)})
def list_applications(query: ApplicationsQuery):
    """Your company's applications

    Drafts included, last updated first, a page at a time."""
    user = producer()
    if query.cursor is not None and decode_cursor(query.cursor) is None:
        raise pagination.bad_cursor()
    if query.state is not None and query.state not in APPLICATION_STATES:
        raise problems.validation_problem([{"field": "state", "in": "query", "detail": "Not a state of an application."}])
    rows, cursor = home_lists.company_page(company_ids(user), after=query.cursor, page_size=query.limit, state=query.state)
    next_link = pagination.next_url(cursor)
    page = ApplicationPage(items=[ApplicationSummary(**summary_fields(a)) for a in rows], next=next_link)
    return page, 200, pagination.link_headers(next_link)


def review_clock(review: ReviewTask, now, soon) -> ReviewClock:
    return ReviewClock(state=clock_state(review, now, soon), due_at=review.due_at, paused_at=review.paused_at,
                       sla_business_days=review.sla_business_days)


def _detail(application: Application) -> ApplicationDetail:
    db.session.execute(
        select(Application).where(Application.id == application.id).options(
            selectinload(Application.bookings).joinedload(Booking.location),
            selectinload(Application.reviews).joinedload(ReviewTask.organisation),
        )
    ).scalar_one()
    now = now_utc()
    soon = due_soon_limit(now)
    events = db.session.execute(
        select(WorkflowEvent).where(WorkflowEvent.application_id == application.id)
        .order_by(WorkflowEvent.created_at, WorkflowEvent.id)
        .options(selectinload(WorkflowEvent.review).selectinload(ReviewTask.organisation))
    ).scalars()
    permit = db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one_or_none()
    # The reviews the producer's status page shows (a cancelled one only if it was decided).
    reviews = [r for r in application.reviews if r.state != "cancelled" or r.decided_at is not None]
    return ApplicationDetail(
        **summary_fields(application),
        synopsis=application.synopsis,
        activities=list(application.activities or []),
        crew_total=application.crew_total,
        route=application.route,
        fee_total=application.fee_total,
        balance=application.balance,
        bookings=[
            BookingInfo(id=b.id, site=b.location.slug, name=translated(b.location, "name"), first_day=b.start_date,
                        last_day=b.end_date, daily_start=f"{b.daily_start:%H:%M}", daily_end=f"{b.daily_end:%H:%M}",
                        crew_on_site=b.crew_on_site, vehicles=b.vehicles, active=b.active)
            for b in application.bookings
        ],
        reviews=[
            ReviewInfo(id=r.id, kind=coded(r.kind, REVIEW_KINDS), organisation=organisation_name(r.organisation),
                       state=coded(r.state, REVIEW_STATES), opened_at=r.opened_at, decided_at=r.decided_at,
                       clock=review_clock(r, now, soon), conditions=list(r.conditions or []), reason=r.reason or "")
            for r in reviews
        ],
        timeline=[
            TimelineEvent(at=e.created_at, subject=e.subject, action=e.action, title=wording.describe(e)[0],
                          from_state=e.from_state, to_state=e.to_state, review_id=e.review_task_id)
            for e in events if wording.visible(e)
        ],
        permit_number=permit.number if permit is not None else None,
    )


@bp.get("/applications/<id:application_id>")
@operation(tags=("Producers",), scope="read", responses={200: ApplicationDetail}, errors=(404,), headers={200: ("ETag",)})
def get_application(application_id: int):
    """One of your company's applications

    Its state, bookings, reviews with their clocks and due times, and the
    timeline the status page shows. The ETag is the row version: send it as
    If-Match with a change."""
    producer()
    application = application_for_producer_or_404(application_id)
    return _detail(application), 200, conditional.etag_headers(application.version)


@bp.post("/applications")
@operation(tags=("Producers",), scope="write", responses={201: ApplicationDetail}, errors=(400, 409, 413, 415),
           headers={201: ("ETag", "Location")})
def create_application(json: NewApplication):
    """Start a draft application

    The same as "Start an application" on the portal: a draft of your
    company, its contacts taken from the company. Fill in its sections, then
    submit it."""
    user = producer()
    if json.country_of_origin is not None and not is_country(json.country_of_origin.upper()):
        raise problems.validation_problem([{"field": "country_of_origin", "in": "body", "pointer": "#/country_of_origin",
                                            "detail": "Not a country code of ISO 3166-1."}])
    try:
        application = drafts.create_draft(
            user, title=json.title, production_type=json.production_type, country_of_origin=json.country_of_origin,
            synopsis=json.synopsis, activities=json.activities, crew_total=json.crew_total,
        )
    except ServiceError as error:
        db.session.rollback()
        raise problems.refused(error) from None
    db.session.commit()
    detail = _detail(application)
    location = url_for("api.get_application", application_id=application.id, _external=True)
    return detail, 201, {**conditional.etag_headers(application.version), "Location": location}


class ProductionSection(BaseModel):
    """The draft's production section, as on its page."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=255)
    production_type: str = Field("", max_length=32, description="A production type code (empty: not chosen yet).")
    country_of_origin: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 (empty: not chosen yet).")
    synopsis: str = Field("", max_length=LONG_TEXT)
    complete: bool = Field(False, description="Mark the section as completed (its rules are checked).")


@bp.put("/applications/<id:application_id>/production")
@operation(tags=("Producers",), scope="write", responses={200: ApplicationDetail},
           errors=(400, 404, 409, 412, 413, 415, 428), headers={200: ("ETag",)})
def put_production(application_id: int, json: ProductionSection):
    """Save a draft's production section

    Needs If-Match with the application's ETag: a change made meanwhile (on
    the portal or by another program) answers 412. The same rules as the
    section's page: a submitted application can no longer be changed (409)."""
    user = producer()
    application = application_for_producer_or_404(application_id)
    conditional.matched_version(application.version)
    try:
        drafts.save_production(application, user, title=json.title, production_type=json.production_type,
                               country_of_origin=json.country_of_origin, synopsis=json.synopsis, complete=json.complete)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise problems.refused(error) from None
    except StaleDataError:
        # Written between the If-Match check and this commit (the row version moved).
        db.session.rollback()
        current = db.session.get(Application, application_id)
        raise problems.stale_version(current.version if current is not None else 0) from None
    return _detail(application), 200, conditional.etag_headers(application.version)
