"""The states and roles the review process names.

No state exists that these enums do not name: the database stores the enum
``value`` strings, and every transition in :mod:`workflows.definition` goes
between members of these enums.
"""

from __future__ import annotations

import enum


class ApplicationState(str, enum.Enum):
    """Life cycle of a permit application (and of an amendment to one)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # ministry screening (completeness) running
    IN_REVIEW = "in_review"  # parallel reviews (site owners, tourism, ...) running
    FINAL_REVIEW = "final_review"  # ministry final review running
    APPROVED = "approved"  # permit issued (amendments may run on it)
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"
    REVOKED = "revoked"
    EXPIRED = "expired"

    def __str__(self) -> str:
        return self.value


TERMINAL_APPLICATION_STATES: frozenset[ApplicationState] = frozenset(
    {
        ApplicationState.REJECTED,
        ApplicationState.WITHDRAWN,
        ApplicationState.LAPSED,
        ApplicationState.REVOKED,
        ApplicationState.EXPIRED,
    }
)

#: States in which reviews are running (the application is "with the authorities").
PENDING_DECISION_APPLICATION_STATES: frozenset[ApplicationState] = frozenset(
    {
        ApplicationState.SUBMITTED,
        ApplicationState.IN_REVIEW,
        ApplicationState.FINAL_REVIEW,
    }
)


class ReviewState(str, enum.Enum):
    """Life cycle of one review task."""

    PENDING = "pending"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    def __str__(self) -> str:
        return self.value


OPEN_REVIEW_STATES: frozenset[ReviewState] = frozenset(
    {ReviewState.PENDING, ReviewState.IN_REVIEW, ReviewState.INFO_REQUESTED}
)
CLOSED_REVIEW_STATES: frozenset[ReviewState] = frozenset(
    {
        ReviewState.APPROVED,
        ReviewState.APPROVED_WITH_CONDITIONS,
        ReviewState.REJECTED,
        ReviewState.CANCELLED,
    }
)
APPROVING_REVIEW_STATES: frozenset[ReviewState] = frozenset(
    {ReviewState.APPROVED, ReviewState.APPROVED_WITH_CONDITIONS}
)
#: Review states whose SLA clock runs (info_requested pauses it).
CLOCK_RUNNING_REVIEW_STATES: frozenset[ReviewState] = frozenset({ReviewState.PENDING, ReviewState.IN_REVIEW})


class Role(str, enum.Enum):
    """Who acts. reviewer/supervisor/admin are roles inside one organisation."""

    PRODUCER = "producer"
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"  # administrator of an organisation (manages its users)
    PLATFORM_ADMIN = "platform_admin"
    SYSTEM = "system"  # the deadline sweep and the engine's own consequences

    def __str__(self) -> str:
        return self.value


#: Roles held inside an organisation; transitions restricted to organisation
#: kinds check the actor's organisation kind for these roles only.
ORGANISATION_ROLES: frozenset[Role] = frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN})
