"""The states and roles the review process names.

No state exists that these enums do not name: the database stores the enum
``value`` strings, and every transition in :mod:`workflows.definition` goes
between members of these enums.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class ApplicationState(str, enum.Enum):
    """Life cycle of a permit application (and of an amendment to one)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # ministry screening (completeness) running
    IN_REVIEW = "in_review"  # parallel reviews (site owners, tourism, ...) running
    FINAL_REVIEW = "final_review"  # ministry final review running
    AWAITING_PAYMENT = "awaiting_payment"  # approved; the permit is issued once the fee is paid
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

#: States in which reviews are running (the application is "with the authorities");
#: its bookings hold their sites meanwhile.
PENDING_DECISION_APPLICATION_STATES: frozenset[ApplicationState] = frozenset(
    {
        ApplicationState.SUBMITTED,
        ApplicationState.IN_REVIEW,
        ApplicationState.FINAL_REVIEW,
    }
)
#: The producer may still change it.
EDITABLE_APPLICATION_STATES: frozenset[ApplicationState] = frozenset({ApplicationState.DRAFT})
#: Approved, the permit waiting for the fee (a process with a money policy).
AWAITING_PAYMENT_APPLICATION_STATES: frozenset[ApplicationState] = frozenset({ApplicationState.AWAITING_PAYMENT})
#: Its bookings keep their sites: held while under review or awaiting the fee, taken once approved.
BOOKED_APPLICATION_STATES: frozenset[ApplicationState] = (
    PENDING_DECISION_APPLICATION_STATES | AWAITING_PAYMENT_APPLICATION_STATES | {ApplicationState.APPROVED}
)
#: A permit was in force (its shoot days count).
PERMITTED_APPLICATION_STATES: frozenset[ApplicationState] = frozenset({ApplicationState.APPROVED, ApplicationState.EXPIRED})
#: A permit was issued (whatever became of it).
ISSUED_APPLICATION_STATES: frozenset[ApplicationState] = PERMITTED_APPLICATION_STATES | {ApplicationState.REVOKED}
#: The producer gave up, or let a request for information lapse.
ABANDONED_APPLICATION_STATES: frozenset[ApplicationState] = frozenset(
    {ApplicationState.WITHDRAWN, ApplicationState.LAPSED}
)
#: An amendment (its own record on the application life cycle) is running.
RUNNING_AMENDMENT_STATES: frozenset[ApplicationState] = frozenset(
    {ApplicationState.IN_REVIEW, ApplicationState.FINAL_REVIEW}
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
#: Decided by a reviewer (not cancelled by the system).
DECIDED_REVIEW_STATES: frozenset[ReviewState] = APPROVING_REVIEW_STATES | {ReviewState.REJECTED}
#: Review states whose SLA clock runs (info_requested pauses it).
CLOCK_RUNNING_REVIEW_STATES: frozenset[ReviewState] = frozenset({ReviewState.PENDING, ReviewState.IN_REVIEW})


class Role(str, enum.Enum):
    """Who acts. reviewer/supervisor/admin are roles inside one organisation."""

    PRODUCER = "producer"
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"  # administrator of an organisation (manages its users)
    FINANCE = "finance"  # the film commission's finance officer (records payments and refunds)
    PLATFORM_ADMIN = "platform_admin"
    SYSTEM = "system"  # the deadline sweep and the engine's own consequences

    def __str__(self) -> str:
        return self.value


#: Roles held inside an organisation; transitions restricted to organisation
#: kinds check the actor's organisation kind for these roles only.
ORGANISATION_ROLES: frozenset[Role] = frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN, Role.FINANCE})


def values(states: Iterable[ApplicationState | ReviewState]) -> tuple[str, ...]:
    """The stored strings of some states in the order their enum declares
    them: for SQL ``IN`` lists and index conditions that must not change."""
    states = set(states)
    if not states:
        return ()
    enum_cls = type(next(iter(states)))
    return tuple(member.value for member in enum_cls if member in states)
