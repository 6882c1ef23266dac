"""The film permit review process as pure Python.

Imports only the standard library, ``holidays`` and ``zoneinfo``; never Flask,
SQLAlchemy, Celery or the ``permits`` package.  The services layer loads rows,
asks this package what is allowed and what happens next, and writes rows.

The process (definition version 1, see :mod:`workflows.definition`):

1. The producer submits a draft (``draft -> submitted``); the **ministry
   screening** review (completeness, 2 business days) opens.
2. Screening approves: the application goes ``in_review`` and, in parallel,
   one **site owner** review per owner organisation of the booked sites and a
   **tourism** review for heritage/tourist sites or foreign productions
   (5 business days each) open - which reviews is decided by routing rules
   (named predicates over :class:`ApplicationFacts`) and who holds each by its
   :class:`ReviewKind` (its handler, SLA, stage, documents, whether a refusal
   can be cured by changing sites), so a later version adds police or
   aviation reviews by adding data.  Screening rejects: rejected.
3. The join (:func:`next_step`): when every parallel review approves (possibly
   with conditions) the **ministry final** review opens (``final_review``); if
   one rejected, the final review opens flagged so that the ministry rejects the
   application or asks the producer to drop or replace the site.
4. The final review approves: ``approved`` (a permit is issued) or rejects.
5. Any reviewer can request information: that review's SLA clock pauses
   (:class:`ClockState`) and the producer has ``info_response_business_days``
   (10) to answer, else the application ``lapsed``.  The producer may withdraw
   before a decision; an approved permit may be revoked, expires, or is amended
   (an amendment re-runs only the reviews it touches on its own record).

Deadlines are business time in Asia/Baku with Azerbaijani public holidays
(:class:`BusinessCalendar`); tiers, lead times and fees are in
:mod:`workflows.tiers`.  Each application keeps the definition version it
started on (:func:`get_definition`).
"""

from .calendar import BusinessCalendar, ClockState, ensure_aware
from .consent import CONSENT_PROBLEMS, consent_covers, consent_problems
from .definition import (
    DEFINITION_V1,
    DEFINITION_V2,
    DEFINITION_V3,
    FAST_TRACK,
    ROUTES,
    STAGES,
    STANDARD,
    DocumentNeed,
    FastTrack,
    Handler,
    ProcessDefinition,
    ReviewKind,
    RoutingRule,
    Transition,
    TransitionNotAllowed,
    WorkflowError,
)
from .engine import (
    ReviewSnapshot,
    Step,
    final_approval_blockers,
    next_step,
    reviews_for_step,
)
from .facts import (
    PREDICATES,
    ApplicationFacts,
    BookingFacts,
    SiteConsent,
    register_predicate,
)
from .registry import (
    CURRENT_VERSION,
    UnknownDefinitionVersion,
    current_definition,
    get_definition,
    register,
    registered_versions,
)
from .routing import (
    FastTrackObstacle,
    RequiredReview,
    documents_needed,
    fast_track_obstacles,
    required_reviews,
    reviews_touched_by_amendment,
    route_for,
)
from .states import (
    ABANDONED_APPLICATION_STATES,
    APPROVING_REVIEW_STATES,
    AWAITING_PAYMENT_APPLICATION_STATES,
    BOOKED_APPLICATION_STATES,
    CLOCK_RUNNING_REVIEW_STATES,
    CLOSED_REVIEW_STATES,
    DECIDED_REVIEW_STATES,
    EDITABLE_APPLICATION_STATES,
    ISSUED_APPLICATION_STATES,
    OPEN_REVIEW_STATES,
    ORGANISATION_ROLES,
    PENDING_DECISION_APPLICATION_STATES,
    PERMITTED_APPLICATION_STATES,
    RUNNING_AMENDMENT_STATES,
    TERMINAL_APPLICATION_STATES,
    ApplicationState,
    ReviewState,
    Role,
)
from .states import values as state_values
from .tiers import (
    ACTIVITIES,
    DEFAULT_TIER_POLICIES,
    PRODUCTION_TYPES,
    Quote,
    QuoteLine,
    Tier,
    TierPolicy,
    base_fee,
    earliest_permit_date,
    impact_tier,
    impact_tier_for,
    latest_submission_date,
    lead_time_business_days,
    money,
    quote,
    shoot_days,
)

__all__ = [
    "ABANDONED_APPLICATION_STATES",
    "ACTIVITIES",
    "APPROVING_REVIEW_STATES",
    "AWAITING_PAYMENT_APPLICATION_STATES",
    "BOOKED_APPLICATION_STATES",
    "CLOCK_RUNNING_REVIEW_STATES",
    "CLOSED_REVIEW_STATES",
    "CONSENT_PROBLEMS",
    "CURRENT_VERSION",
    "DECIDED_REVIEW_STATES",
    "DEFAULT_TIER_POLICIES",
    "DEFINITION_V1",
    "DEFINITION_V2",
    "DEFINITION_V3",
    "EDITABLE_APPLICATION_STATES",
    "FAST_TRACK",
    "ISSUED_APPLICATION_STATES",
    "OPEN_REVIEW_STATES",
    "ORGANISATION_ROLES",
    "PENDING_DECISION_APPLICATION_STATES",
    "PERMITTED_APPLICATION_STATES",
    "PREDICATES",
    "PRODUCTION_TYPES",
    "ROUTES",
    "RUNNING_AMENDMENT_STATES",
    "STAGES",
    "STANDARD",
    "TERMINAL_APPLICATION_STATES",
    "ApplicationFacts",
    "ApplicationState",
    "BookingFacts",
    "BusinessCalendar",
    "ClockState",
    "DocumentNeed",
    "FastTrack",
    "FastTrackObstacle",
    "Handler",
    "ProcessDefinition",
    "Quote",
    "QuoteLine",
    "RequiredReview",
    "ReviewKind",
    "ReviewSnapshot",
    "ReviewState",
    "Role",
    "RoutingRule",
    "SiteConsent",
    "Step",
    "Tier",
    "TierPolicy",
    "Transition",
    "TransitionNotAllowed",
    "UnknownDefinitionVersion",
    "WorkflowError",
    "base_fee",
    "consent_covers",
    "consent_problems",
    "current_definition",
    "documents_needed",
    "earliest_permit_date",
    "ensure_aware",
    "fast_track_obstacles",
    "final_approval_blockers",
    "get_definition",
    "impact_tier",
    "impact_tier_for",
    "latest_submission_date",
    "lead_time_business_days",
    "money",
    "next_step",
    "quote",
    "register",
    "register_predicate",
    "registered_versions",
    "required_reviews",
    "reviews_for_step",
    "reviews_touched_by_amendment",
    "route_for",
    "shoot_days",
    "state_values",
]
