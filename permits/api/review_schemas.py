"""The reviewers' documents: a review task as its page shows it, and the
requests of the actions on it. The decisions a request may name are the
process definitions' own (the review transitions open to an organisation's
reviewers that the decision verb performs), so the OpenAPI enum follows the
definitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from permits.api.schemas import BookingInfo, Coded, Document, ReviewClock, Translated
from permits.review.forms import MAX_CONDITIONS
from permits.services.review_actions import DROP_REFUSED_SITES, decision_actions_of_definitions
from permits.services.workflow import MAX_TEXT

DECISIONS = decision_actions_of_definitions()
# What ``actions`` may name: claim, release, the decisions and dropping refused sites.
STEPS = ("claim", "release", *DECISIONS, DROP_REFUSED_SITES)
MAX_CONDITION_LENGTH = 1000

Decision = Literal[DECISIONS]  # type: ignore[valid-type]
Step = Literal[STEPS]  # type: ignore[valid-type]


class ReviewedApplication(Document):
    """What the producer filed, as the review page shows it to the reviewers."""

    id: int
    reference: str
    title: str
    state: Coded
    production_type: Coded
    company: str = Field(description="The production company's legal name.")
    company_country: str = Field(description="ISO 3166-1 alpha-2.")
    country_of_origin: str
    synopsis: str
    impact_tier: Coded
    route: str
    fee_total: Decimal = Field(description="AZN.")
    submitted_at: dt.datetime | None
    activities: list[Coded]
    crew_total: int
    equipment_notes: str
    safety_notes: str
    contact_name: str = Field(description="The production's contact person for this shoot (as on the review page).")
    contact_email: str
    contact_phone: str
    local_contact: str = Field(description="The contact on site for residents.")
    declared_by: str
    declared_at: dt.datetime | None
    needs_ministry_decision: bool = Field(description="A site was refused: the final review rejects or drops the site.")


class Clash(Document):
    """Another production's booking at the same site on overlapping days."""

    application: str = Field(description="Its reference.")
    first_day: dt.date
    last_day: dt.date
    state: Coded


class ReviewBooking(BookingInfo):
    notes: str
    clashes: list[Clash]


class OtherReview(Document):
    """A review of the application (this one included)."""

    id: int
    url: str | None = Field(description="This review in the API, when you may open it.")
    this_review: bool
    kind: Coded
    organisation: Translated | None
    state: Coded
    decided_at: dt.datetime | None
    conditions: list[str]
    reason: str = Field(description="A refusal's reason (empty otherwise).")


class RefusedSite(Document):
    organisation: Translated | None
    sites: list[str] = Field(description="Slugs of the organisation's refused sites.")
    reason: str


class ReviewDocumentInfo(Document):
    id: int
    kind: Coded
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")
    expires_on: dt.date | None
    expired: bool
    insured_name: str
    for_this_review: bool = Field(description="A kind of document this review's kind needs.")
    download_url: str = Field(description="The file, for a signed-in reviewer (the review page's link).")


class ReviewMessage(Document):
    id: int
    kind: str = Field(description="info_request, info_response (the producer's answer), to_producer or internal_note.")
    body: str
    at: dt.datetime
    author: str | None = Field(description="The writer's name.")
    organisation: Translated | None
    due_at: dt.datetime | None = Field(description="A request for information: when the producer must answer.")
    answered_at: dt.datetime | None


class ReviewEvent(Document):
    at: dt.datetime
    subject: str
    action: Coded
    actor: str | None = Field(description="Who acted, by name (null: the system).")
    organisation: Translated | None
    review_kind: Coded | None
    conditions: list[str]
    reason: str
    sites: list[str]


class ReviewTaskDetail(Document):
    """A review task as its page shows it to you."""

    id: int
    url: str = Field(description="This review in the API.")
    page_url: str = Field(description="The review's page for reviewers.")
    kind: Coded
    organisation: Translated | None
    state: Coded
    version: int = Field(description="The row version (the review's ETag): send it as If-Match with an action.")
    clock: ReviewClock
    opened_at: dt.datetime
    decided_at: dt.datetime | None
    assignee: str | None = Field(description="The reviewer working on it, by name.")
    assigned_to_me: bool
    conditions: list[str]
    reason: str
    final: bool = Field(description="The review that decides the whole application.")
    flagged: bool
    can_act: bool = Field(description="You belong to the organisation that holds it (else you may only read).")
    actions: list[Step] = Field(description="What you may do on it now (from the process definition and your role).")
    information_due: dt.datetime | None = Field(
        description="If you ask the producer for information now, when they must answer (null: you cannot ask).")
    application: ReviewedApplication
    bookings: list[ReviewBooking]
    reviews: list[OtherReview]
    refused_sites: list[RefusedSite]
    documents: list[ReviewDocumentInfo]
    messages: list[ReviewMessage] = Field(description="Exchanged with the producer, and your organisation's internal notes.")
    timeline: list[ReviewEvent]


Condition = Annotated[str, Field(max_length=MAX_CONDITION_LENGTH)]


class DecisionRequest(BaseModel):
    """A decision on the review, as on its page."""

    model_config = ConfigDict(extra="forbid")

    action: Decision = Field(description="One of the decisions listed in the review's `actions`.")
    reason: str = Field("", max_length=MAX_TEXT, description=(
        "reject: the reason the producer reads (required); request_information: what you need (required)."))
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS, description=(
        "approve_with_conditions: at least one condition."))


class DropSitesRequest(BaseModel):
    """Drop the refused sites and continue (a flagged final review)."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=MAX_TEXT, description="A note for the record.")
