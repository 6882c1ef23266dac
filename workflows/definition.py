"""The review process as data: review kinds, transitions, routing, tiers.

A :class:`ProcessDefinition` is an immutable value; every application stores
the ``version`` it started on and finishes on it (see :mod:`workflows.registry`).

Application life cycle (``ApplicationState``)::

    draft --submit(producer)--> submitted          services open ministry screening
    submitted --start_review(system)--> in_review  screening approved: parallel reviews open
    submitted --reject(system)--> rejected         screening rejected
    in_review --open_final(system)--> final_review the join: every parallel review settled
    final_review --return_to_parallel(system)--> in_review
                                                   a replaced site re-opened a parallel review
    final_review --approve / reject--> approved / rejected
                                                   the ministry (reviewer, supervisor) or the
                                                   system acting on the ministry_final review
    draft|submitted|in_review|final_review --withdraw(producer)--> withdrawn
    submitted|in_review|final_review --lapse(system)--> lapsed
                                                   the producer let an information request expire
    approved --revoke(ministry supervisor, platform admin)--> revoked
    approved --expire(system)--> expired
    approved --amend(producer)--> approved         the permit stays valid while the amendment runs

Amendments: ``amend`` is recorded on the application (which stays ``approved``)
and the services create an *amendment record* that runs this same life cycle
from ``in_review`` with its own review rows: the reviews
:func:`workflows.routing.reviews_touched_by_amendment` names (the touched
parallel reviews, then ministry final).  :func:`workflows.engine.next_step`
drives the amendment record exactly like an application; when it reaches
``approved`` the services add a rider to the permit, when ``rejected`` the
permit stays as it was.

Review life cycle (``ReviewState``)::

    pending --claim--> in_review --release--> pending
    pending|in_review --approve | approve_with_conditions | reject | request_information-->
        approved | approved_with_conditions | rejected | info_requested
    info_requested --provide_information(producer)--> in_review   the clock resumes
    pending|in_review|info_requested --cancel(system)--> cancelled
    info_requested --lapse(system)--> cancelled                    the application lapses
    approved|approved_with_conditions|rejected --reopen(system)--> pending
                                                                   a replaced site re-opens it
    rejected --drop(system)--> cancelled           the producer dropped the refused sites

Human review actions are for the reviewers and supervisors of the review's own
organisation (the services check membership; the definition checks roles).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable

from .facts import PREDICATES
from .money import DEFAULT_MONEY_POLICY, MoneyPolicy
from .states import ORGANISATION_ROLES, ApplicationState, ReviewState, Role
from .tiers import ACTIVITIES, DEFAULT_TIER_POLICIES, Tier, TierPolicy

__all__ = [
    "DEFINITION_V1",
    "DEFINITION_V2",
    "FAST_TRACK",
    "ROUTES",
    "STAGES",
    "STANDARD",
    "DocumentNeed",
    "FastTrack",
    "Handler",
    "ProcessDefinition",
    "ReviewKind",
    "RoutingRule",
    "Transition",
    "TransitionNotAllowed",
    "WorkflowError",
]

STAGES = ("screening", "parallel", "final")
# The routes an application can take through the stages: the standard one
# (screening, parallel reviews, final decision), and the fast track of a
# definition that has one (no screening; one commission decision).
STANDARD = "standard"
FAST_TRACK = "fast_track"
ROUTES = (STANDARD, FAST_TRACK)


class WorkflowError(Exception):
    """Base class of the errors of the workflows package."""


class TransitionNotAllowed(WorkflowError):
    """An action is not allowed from a state for a role; ``str()`` is plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Handler(str, enum.Enum):
    """Who holds the reviews of a kind."""

    ORGANISATION = "organisation"  # the one organisation of the kind's org_kind: one review
    SITE_OWNERS = "site_owners"  # the owner organisation of each booked site: one review per owner

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class DocumentNeed:
    """A document a review needs before the application can be filed:
    always, or only when a booking declares ``activity``."""

    document_kind: str
    activity: str | None = None

    def __post_init__(self) -> None:
        if self.activity is not None and self.activity not in ACTIVITIES:
            raise ValueError(f"unknown activity {self.activity!r}")

    def applies_to(self, activities: Iterable[str]) -> bool:
        return self.activity is None or self.activity in set(activities)


@dataclasses.dataclass(frozen=True)
class ReviewKind:
    """Everything the system needs to know about one kind of review.

    ``label`` is plain English for the definition's own messages and the
    diagram; the product shows the translated name kept under ``label_key``
    (the code unless given). ``cured_by_site_change``: a refusal can be cured
    by dropping or replacing the refused sites (only for reviews held by site
    owners, whose refusal concerns their own sites).
    """

    code: str
    org_kind: str
    label: str
    sla_business_days: int
    stage: str
    handler: Handler = Handler.ORGANISATION
    cured_by_site_change: bool = False
    documents: tuple[DocumentNeed, ...] = ()
    label_key: str = ""
    approved_by_standing_consent: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "handler", Handler(self.handler))
        object.__setattr__(self, "documents", tuple(self.documents))
        if not self.label_key:
            object.__setattr__(self, "label_key", self.code)
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {self.stage!r}")
        if self.sla_business_days < 0:
            raise ValueError("sla_business_days must not be negative")
        if self.cured_by_site_change and (self.handler is not Handler.SITE_OWNERS or self.stage != "parallel"):
            raise ValueError(f"only a parallel review held by site owners can be cured by a site change ({self.code!r})")
        if self.approved_by_standing_consent and (self.handler is not Handler.SITE_OWNERS or self.stage != "parallel"):
            raise ValueError(f"only a parallel review held by site owners can be approved by standing consent ({self.code!r})")

    @property
    def held_by_site_owners(self) -> bool:
        return self.handler is Handler.SITE_OWNERS


@dataclasses.dataclass(frozen=True)
class Transition:
    """``source --action--> target`` for the given roles.

    ``org_kinds``, when not empty, restricts organisation roles (reviewer,
    supervisor, admin) to organisations of those kinds.
    """

    source: str
    action: str
    target: str
    roles: frozenset[Role]
    org_kinds: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(Role(r) for r in self.roles))
        object.__setattr__(self, "org_kinds", frozenset(self.org_kinds))
        if not self.roles:
            raise ValueError(f"transition {self.source} -{self.action}-> has no roles")

    def permits(self, role: Role, org_kind: str | None) -> bool:
        if role not in self.roles:
            return False
        if self.org_kinds and role in ORGANISATION_ROLES:
            return org_kind in self.org_kinds
        return True


@dataclasses.dataclass(frozen=True)
class RoutingRule:
    """A review kind is needed when the predicate holds and, if the rule
    names activities, the application declares at least one of them (the
    activity-to-agency table of a definition is a list of such rules)."""

    review_kind: str
    when: str = "always"  # name of a predicate in workflows.facts.PREDICATES
    activities: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "activities", frozenset(self.activities))
        unknown = self.activities - ACTIVITIES
        if unknown:
            raise ValueError(f"routing rule names unknown activities: {', '.join(sorted(unknown))}")


@dataclasses.dataclass(frozen=True)
class FastTrack:
    """The fast route for simple shoots.

    An application takes it when its tier is one of ``tiers``, it declares no
    activities, and every parallel review it needs is one that the owners'
    standing consent approves at once (no tourism, no agency). It skips
    screening, and one commission decision (``decision_kind``, a final-stage
    kind used only on this route, with its own SLA) replaces screening and
    final. ``lead_time_business_days`` replaces the tier's lead time.
    """

    decision_kind: str
    tiers: frozenset[str] = frozenset({Tier.LOW.value})
    lead_time_business_days: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", frozenset(Tier(t).value for t in self.tiers))
        if self.lead_time_business_days < 0:
            raise ValueError("lead_time_business_days must not be negative")


def _coerce(enum_cls, value, what: str):
    try:
        return enum_cls(value)
    except ValueError:
        names = ", ".join(m.value for m in enum_cls)
        raise TransitionNotAllowed(f"Unknown {what} {value!r}; known: {names}.") from None


def _role_label(role: Role) -> str:
    return {
        Role.PRODUCER: "The producer",
        Role.REVIEWER: "A reviewer",
        Role.SUPERVISOR: "A supervisor",
        Role.ADMIN: "An organisation admin",
        Role.FINANCE: "A finance officer",
        Role.PLATFORM_ADMIN: "A platform admin",
        Role.SYSTEM: "The system",
    }[role]


@dataclasses.dataclass(frozen=True)
class ProcessDefinition:
    version: int
    review_kinds: tuple[ReviewKind, ...]
    review_transitions: tuple[Transition, ...]
    application_transitions: tuple[Transition, ...]
    routing_rules: tuple[RoutingRule, ...]
    tiers: tuple[TierPolicy, ...] = DEFAULT_TIER_POLICIES
    # The film commission: it screens, coordinates, takes the final decision
    # and revokes; its staff see every application.
    commission_org_kind: str = "ministry"
    info_response_business_days: int = 10
    reminder_before_business_days: int = 1
    # Shoot dates: a booking's last day is at most this many days after the
    # day it is filed, and one booking lasts at most this many days (a longer
    # shoot books the site again for the following dates).
    booking_horizon_days: int = 730
    max_booking_days: int = 90
    fast_track: FastTrack | None = None
    # Fees invoiced, paid before the permit is issued, waived and refunded
    # (None: the process takes no money; the permit is issued at approval).
    money: MoneyPolicy | None = None
    description: str = ""

    def __post_init__(self) -> None:
        for name in (
            "review_kinds",
            "review_transitions",
            "application_transitions",
            "routing_rules",
            "tiers",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        self._validate()

    # -- validation ---------------------------------------------------------------
    def _validate(self) -> None:
        codes = [k.code for k in self.review_kinds]
        if len(codes) != len(set(codes)):
            raise ValueError("review kind codes must be unique")
        for stage in ("screening", "final"):
            if not self.kinds_in_stage(stage, STANDARD):
                raise ValueError(f"a definition needs a {stage} review kind")
        if self.fast_track is not None:
            if self.fast_track.decision_kind not in codes:
                raise ValueError(f"the fast track names unknown review kind {self.fast_track.decision_kind!r}")
            decision = self.review_kind(self.fast_track.decision_kind)
            if decision.stage != "final" or decision.org_kind != self.commission_org_kind:
                raise ValueError("the fast track's decision must be a final-stage review of the film commission")
        for table, enum_cls in (
            (self.review_transitions, ReviewState),
            (self.application_transitions, ApplicationState),
        ):
            seen = set()
            for t in table:
                for s in (t.source, t.target):
                    enum_cls(s)  # raises ValueError on a state the enums do not name
                key = (t.source, t.action)
                if key in seen:
                    raise ValueError(f"duplicate transition {t.source} -{t.action}->")
                seen.add(key)
        for rule in self.routing_rules:
            if rule.review_kind not in codes:
                raise ValueError(f"routing rule names unknown review kind {rule.review_kind!r}")
            if rule.when not in PREDICATES:
                raise ValueError(f"routing rule names unknown predicate {rule.when!r}")
        for kind in self.kinds_in_stage("screening") + self.kinds_in_stage("final"):
            rules = [r for r in self.routing_rules if r.review_kind == kind.code]
            if {r.when for r in rules} != {"always"} or any(r.activities for r in rules):
                raise ValueError(f"{kind.stage} review kind {kind.code!r} must be routed 'always'")
        if len(self.tiers) != len(Tier) or {p.tier for p in self.tiers} != set(Tier):
            raise ValueError("tiers must define every Tier exactly once")
        if not self.commission_org_kind:
            raise ValueError("a definition needs the organisation kind of the film commission")
        if self.booking_horizon_days < 1 or not 1 <= self.max_booking_days <= self.booking_horizon_days:
            raise ValueError("a booking must be allowed at least a day, within the horizon")

    # -- lookups ------------------------------------------------------------------
    def review_kind(self, code: str) -> ReviewKind:
        for k in self.review_kinds:
            if k.code == code:
                return k
        raise KeyError(f"definition v{self.version} has no review kind {code!r}")

    def kinds_in_stage(self, stage: str, route: str | None = None) -> tuple[ReviewKind, ...]:
        """The kinds of a stage: on one route, or on any route (``None``)."""
        return tuple(k for k in self.review_kinds if k.stage == stage and (route is None or self.on_route(k, route)))

    def on_route(self, kind: ReviewKind | str, route: str) -> bool:
        """Whether reviews of this kind are part of a route. The fast track
        has no screening and its own decision; the standard route never
        opens the fast track's decision."""
        kind = kind if isinstance(kind, ReviewKind) else self.review_kind(kind)
        decision = self.fast_track.decision_kind if self.fast_track is not None else None
        if route == FAST_TRACK:
            return self.fast_track is not None and kind.stage != "screening" and (
                kind.stage != "final" or kind.code == decision)
        return kind.code != decision

    def stage_of(self, kind_code: str) -> str:
        return self.review_kind(kind_code).stage

    def sla_business_days(self, kind_code: str) -> int:
        return self.review_kind(kind_code).sla_business_days

    def stage_sla_business_days(self, stage: str, route: str = STANDARD) -> int:
        """The longest SLA of a stage's kinds on a route: how long that stage may take."""
        return max((k.sla_business_days for k in self.kinds_in_stage(stage, route)), default=0)

    def scope_of(self, kind_code: str, organisation_id):
        """The scope a review row stands for: its organisation when the kind
        is held by site owners (one review per owner), else None."""
        return organisation_id if self.review_kind(kind_code).held_by_site_owners else None

    def cured_by_site_change(self, kind_code: str) -> bool:
        return self.review_kind(kind_code).cured_by_site_change

    @property
    def site_owner_org_kinds(self) -> frozenset[str]:
        """Organisation kinds that review as owners of the booked sites."""
        return frozenset(k.org_kind for k in self.review_kinds if k.held_by_site_owners)

    def commission_kinds(self, *stages: str) -> tuple[ReviewKind, ...]:
        """The commission's own review kinds (of the given stages, or all)."""
        return tuple(
            k for k in self.review_kinds if k.org_kind == self.commission_org_kind and (not stages or k.stage in stages)
        )

    @property
    def review_actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.review_transitions))

    @property
    def application_actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.application_transitions))

    # -- reviews --------------------------------------------------------------------
    def review_transition(self, state: ReviewState | str, action: str) -> Transition | None:
        state = ReviewState(state)
        for t in self.review_transitions:
            if t.source == state.value and t.action == action:
                return t
        return None

    def allowed_review_actions(self, kind_code: str, state: ReviewState | str, role: Role | str) -> tuple[str, ...]:
        self.review_kind(kind_code)
        state = _coerce(ReviewState, state, "review state")
        role = _coerce(Role, role, "role")
        return tuple(t.action for t in self.review_transitions if t.source == state.value and t.permits(role, None))

    def apply_review_action(
        self, kind_code: str, state: ReviewState | str, action: str, role: Role | str
    ) -> ReviewState:
        try:
            kind = self.review_kind(kind_code)
        except KeyError:
            raise TransitionNotAllowed(
                f"There is no review kind {kind_code!r} in process version {self.version}."
            ) from None
        state = _coerce(ReviewState, state, "review state")
        role = _coerce(Role, role, "role")
        t = self.review_transition(state, action)
        where = f"the {kind.label} review"
        if t is None:
            return self._refuse(where, state, action, role, self.review_transitions)
        if not t.permits(role, None):
            return self._refuse(where, state, action, role, self.review_transitions, t)
        return ReviewState(t.target)

    # -- applications --------------------------------------------------------------
    def application_transition(self, state: ApplicationState | str, action: str) -> Transition | None:
        state = ApplicationState(state)
        for t in self.application_transitions:
            if t.source == state.value and t.action == action:
                return t
        return None

    def allowed_application_actions(
        self, state: ApplicationState | str, role: Role | str, org_kind: str | None = None
    ) -> tuple[str, ...]:
        state = _coerce(ApplicationState, state, "application state")
        role = _coerce(Role, role, "role")
        return tuple(
            t.action for t in self.application_transitions if t.source == state.value and t.permits(role, org_kind)
        )

    def apply_application_action(
        self,
        state: ApplicationState | str,
        action: str,
        role: Role | str,
        org_kind: str | None = None,
    ) -> ApplicationState:
        state = _coerce(ApplicationState, state, "application state")
        role = _coerce(Role, role, "role")
        t = self.application_transition(state, action)
        if t is None:
            return self._refuse("an application", state, action, role, self.application_transitions)
        if not t.permits(role, org_kind):
            return self._refuse("an application", state, action, role, self.application_transitions, t, org_kind)
        return ApplicationState(t.target)

    # -- messages --------------------------------------------------------------------
    @staticmethod
    def _refuse(
        where: str,
        state,
        action: str,
        role: Role,
        table: Iterable[Transition],
        transition: Transition | None = None,
        org_kind: str | None = None,
    ):
        options = [
            f"{t.action} ({', '.join(sorted(r.value for r in t.roles))})" for t in table if t.source == state.value
        ]
        allowed = (
            f" From '{state.value}' the possible actions are: {'; '.join(options)}."
            if options
            else f" Nothing can be done from '{state.value}'."
        )
        if transition is None:
            raise TransitionNotAllowed(f"Cannot '{action}' {where} that is '{state.value}'.{allowed}")
        if role in transition.roles and transition.org_kinds:
            who = f"{_role_label(role)} of a {org_kind or 'different'} organisation"
            need = f"only {', '.join(sorted(transition.org_kinds))} organisations may"
            raise TransitionNotAllowed(f"{who} cannot '{action}' {where} that is '{state.value}': {need}.")
        raise TransitionNotAllowed(
            f"{_role_label(role)} cannot '{action}' {where} that is '{state.value}';"
            f" only {', '.join(sorted(r.value for r in transition.roles))} may."
        )


# ------------------------------------------------------------------------------------
# Version 1
# ------------------------------------------------------------------------------------

R = ReviewState
A = ApplicationState
_DECIDERS = frozenset({Role.REVIEWER, Role.SUPERVISOR})
_SYSTEM = frozenset({Role.SYSTEM})
_PRODUCER = frozenset({Role.PRODUCER})


def _t(source, action, target, roles, org_kinds=()) -> Transition:
    return Transition(source.value, action, target.value, frozenset(roles), frozenset(org_kinds))


def _many(sources, action, target, roles, org_kinds=()) -> list[Transition]:
    return [_t(s, action, target, roles, org_kinds) for s in sources]


V1_REVIEW_KINDS = (
    ReviewKind(
        "ministry_screening", "ministry", "ministry screening", 2, "screening",
        # Completeness: every application is insured; a drone needs its licence.
        documents=(DocumentNeed("insurance"), DocumentNeed("drone_licence", activity="drone")),
    ),
    ReviewKind(
        "site_owner", "site_owner", "site owner", 5, "parallel",
        handler=Handler.SITE_OWNERS, cured_by_site_change=True,
    ),
    ReviewKind("tourism", "tourism", "tourism agency", 5, "parallel"),
    ReviewKind("ministry_final", "ministry", "ministry final", 2, "final"),
)

_ACTIVE = (R.PENDING, R.IN_REVIEW)
V1_REVIEW_TRANSITIONS = (
    _t(R.PENDING, "claim", R.IN_REVIEW, _DECIDERS),
    _t(R.IN_REVIEW, "release", R.PENDING, _DECIDERS),
    *_many(_ACTIVE, "approve", R.APPROVED, _DECIDERS),
    *_many(_ACTIVE, "approve_with_conditions", R.APPROVED_WITH_CONDITIONS, _DECIDERS),
    *_many(_ACTIVE, "reject", R.REJECTED, _DECIDERS),
    *_many(_ACTIVE, "request_information", R.INFO_REQUESTED, _DECIDERS),
    _t(R.INFO_REQUESTED, "provide_information", R.IN_REVIEW, _PRODUCER),
    *_many((R.PENDING, R.IN_REVIEW, R.INFO_REQUESTED), "cancel", R.CANCELLED, _SYSTEM),
    _t(R.INFO_REQUESTED, "lapse", R.CANCELLED, _SYSTEM),
    *_many((R.APPROVED, R.APPROVED_WITH_CONDITIONS, R.REJECTED), "reopen", R.PENDING, _SYSTEM),
    _t(R.REJECTED, "drop", R.CANCELLED, _SYSTEM),
)

_PRE_DECISION = (A.SUBMITTED, A.IN_REVIEW, A.FINAL_REVIEW)
_MINISTRY = ("ministry",)
V1_APPLICATION_TRANSITIONS = (
    _t(A.DRAFT, "submit", A.SUBMITTED, _PRODUCER),
    _t(A.SUBMITTED, "start_review", A.IN_REVIEW, _SYSTEM),
    _t(A.SUBMITTED, "reject", A.REJECTED, _SYSTEM),
    _t(A.IN_REVIEW, "open_final", A.FINAL_REVIEW, _SYSTEM),
    _t(A.FINAL_REVIEW, "return_to_parallel", A.IN_REVIEW, _SYSTEM),
    _t(A.FINAL_REVIEW, "approve", A.APPROVED, _DECIDERS | _SYSTEM, _MINISTRY),
    _t(A.FINAL_REVIEW, "reject", A.REJECTED, _DECIDERS | _SYSTEM, _MINISTRY),
    *_many((A.DRAFT, *_PRE_DECISION), "withdraw", A.WITHDRAWN, _PRODUCER),
    *_many(_PRE_DECISION, "lapse", A.LAPSED, _SYSTEM),
    _t(A.APPROVED, "revoke", A.REVOKED, {Role.SUPERVISOR, Role.PLATFORM_ADMIN}, _MINISTRY),
    _t(A.APPROVED, "expire", A.EXPIRED, _SYSTEM),
    _t(A.APPROVED, "amend", A.APPROVED, _PRODUCER),
)

V1_ROUTING_RULES = (
    RoutingRule("ministry_screening", "always"),
    RoutingRule("site_owner", "always"),  # held by site owners: one review per owner of the booked sites
    RoutingRule("tourism", "heritage_or_tourist_or_foreign"),
    RoutingRule("ministry_final", "always"),
)

DEFINITION_V1 = ProcessDefinition(
    version=1,
    review_kinds=V1_REVIEW_KINDS,
    review_transitions=V1_REVIEW_TRANSITIONS,
    application_transitions=V1_APPLICATION_TRANSITIONS,
    routing_rules=V1_ROUTING_RULES,
    tiers=DEFAULT_TIER_POLICIES,
    commission_org_kind="ministry",
    info_response_business_days=10,
    reminder_before_business_days=1,
    booking_horizon_days=730,
    max_booking_days=90,
    description=(
        "Ministry screening; site owners (one per organisation) and tourism in parallel; ministry final decision."
    ),
)


# ------------------------------------------------------------------------------------
# Version 2: the agencies, documents by activity, standing consent, the fast track
# ------------------------------------------------------------------------------------

V2_REVIEW_KINDS = (
    ReviewKind(
        "ministry_screening", "ministry", "ministry screening", 2, "screening",
        documents=(DocumentNeed("insurance"),),
    ),
    ReviewKind(
        "site_owner", "site_owner", "site owner", 5, "parallel",
        handler=Handler.SITE_OWNERS, cured_by_site_change=True, approved_by_standing_consent=True,
    ),
    ReviewKind("tourism", "tourism", "tourism agency", 5, "parallel"),
    # The Ministry of Internal Affairs (the traffic police in Baku).
    ReviewKind(
        "police", "police", "police", 3, "parallel",
        documents=(
            DocumentNeed("traffic_management_plan", activity="road_closure"),
            DocumentNeed("armourer_licence", activity="prop_weapons"),
            DocumentNeed("prop_weapons_list", activity="prop_weapons"),
        ),
    ),
    # The State Civil Aviation Agency.
    ReviewKind(
        "aviation", "aviation", "civil aviation", 5, "parallel",
        documents=(
            DocumentNeed("uav_registration", activity="drone"),
            DocumentNeed("remote_pilot_certificate", activity="drone"),
            DocumentNeed("flight_plan", activity="drone"),
        ),
    ),
    # The Ministry of Emergency Situations.
    ReviewKind(
        "emergency", "emergency", "emergency services", 3, "parallel",
        documents=(
            DocumentNeed("pyrotechnician_licence", activity="pyrotechnics"),
            DocumentNeed("safety_plan", activity="pyrotechnics"),
            DocumentNeed("safety_plan", activity="open_flames"),
        ),
    ),
    *(k for k in V1_REVIEW_KINDS if k.code == "ministry_final"),
    # The fast track's one decision: screening and final in one, in a business day.
    ReviewKind("commission_decision", "ministry", "commission decision", 1, "final"),
)

V2_REVIEW_TRANSITIONS = (
    *V1_REVIEW_TRANSITIONS,
    # The owner's standing consent covers the booking: approved as it opens.
    _t(R.PENDING, "approve_by_consent", R.APPROVED, _SYSTEM),
)

# Which agency reviews which activity: the activity-to-agency table.
V2_ACTIVITY_REVIEWS = {
    "police": ("road_closure", "prop_weapons", "police_uniforms", "public_road_stunts"),
    "aviation": ("drone",),
    "emergency": ("pyrotechnics", "open_flames"),
}

V2_ROUTING_RULES = (
    *V1_ROUTING_RULES[:3],  # screening, the site owners, tourism
    *(RoutingRule(kind, "always", frozenset(activities)) for kind, activities in V2_ACTIVITY_REVIEWS.items()),
    RoutingRule("ministry_final", "always"),
    RoutingRule("commission_decision", "always"),
)

# Version 2 is version 1 with these changes (the rest - the application's
# life cycle, the tiers, the commission, the time limits - stays as it was).
DEFINITION_V2 = dataclasses.replace(
    DEFINITION_V1,
    version=2,
    review_kinds=V2_REVIEW_KINDS,
    review_transitions=V2_REVIEW_TRANSITIONS,
    routing_rules=V2_ROUTING_RULES,
    fast_track=FastTrack("commission_decision", tiers=frozenset({Tier.LOW.value}), lead_time_business_days=2),
    description=(
        "Ministry screening; in parallel the site owners (approved at once under their standing consent), "
        "tourism, and the police, civil aviation and emergency services for the activities that concern them; "
        "ministry final decision. Fast track: a low-impact shoot at sites under standing consent gets one "
        "commission decision in a business day."
    ),
)


# ------------------------------------------------------------------------------------
# Version 3: money - the fee is invoiced, and the permit waits for it
# ------------------------------------------------------------------------------------

V3_APPLICATION_TRANSITIONS = (
    *V1_APPLICATION_TRANSITIONS,
    # The final decision approves while a balance is due: the permit waits.
    _t(A.FINAL_REVIEW, "await_payment", A.AWAITING_PAYMENT, _DECIDERS | _SYSTEM, _MINISTRY),
    # The balance reached zero (a payment, a waiver): the permit is issued.
    _t(A.AWAITING_PAYMENT, "settle", A.APPROVED, _SYSTEM),
    # Unpaid after the due date.
    _t(A.AWAITING_PAYMENT, "lapse", A.LAPSED, _SYSTEM),
    _t(A.AWAITING_PAYMENT, "withdraw", A.WITHDRAWN, _PRODUCER),
)

DEFINITION_V3 = dataclasses.replace(
    DEFINITION_V2,
    version=3,
    application_transitions=V3_APPLICATION_TRANSITIONS,
    money=DEFAULT_MONEY_POLICY,
    description=(
        f"{DEFINITION_V2.description} Money: the fee is invoiced when the screening accepts (on the fast track, "
        "when filed); an approved application waits for the balance to reach zero before its permit is issued, "
        "and lapses when the invoice is not paid by its due date. Waivers for small shoots; refunds by stage."
    ),
)
