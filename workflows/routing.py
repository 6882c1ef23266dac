"""Which reviews an application needs, from its facts and the definition.

Each :class:`~workflows.definition.RoutingRule` names a review kind and a
predicate (:mod:`workflows.facts`). The kind says who holds the review: one
organisation of its ``org_kind`` (one review for the application), or the
owner of each booked site (one review per owner organisation whose bookings
satisfy the predicate). So adding a reviewer kind is a change to the
definition only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .consent import consent_problems
from .definition import FAST_TRACK, STAGES, STANDARD, DocumentNeed, Handler, ProcessDefinition, ReviewKind, RoutingRule
from .facts import PREDICATES, ApplicationFacts
from .tiers import impact_tier_for

__all__ = [
    "FastTrackObstacle",
    "RequiredReview",
    "documents_needed",
    "fast_track_obstacles",
    "required_reviews",
    "reviews_touched_by_amendment",
    "route_for",
]

Scope = str | None


@dataclasses.dataclass(frozen=True)
class RequiredReview:
    kind_code: str
    org_kind: str
    owner_org_id: str | None = None


def _applies(rule: RoutingRule, facts: ApplicationFacts) -> bool:
    if rule.activities and not (rule.activities & facts.activities):
        return False
    return PREDICATES[rule.when](facts)


def _scopes_of(kind: ReviewKind, rule: RoutingRule, facts: ApplicationFacts) -> tuple[Scope, ...]:
    """``()`` not required; ``(None,)`` one review; owner ids: one review per owner."""
    if kind.handler is Handler.SITE_OWNERS:
        return tuple(owner for owner in facts.owner_org_ids if _applies(rule, facts.of_owner(owner)))
    return (None,) if _applies(rule, facts) else ()


def _scopes(defn: ProcessDefinition, facts: ApplicationFacts, stages: Iterable[str], route: str = STANDARD):
    wanted = set(stages)
    for rule in defn.routing_rules:
        kind = defn.review_kind(rule.review_kind)
        if kind.stage in wanted and defn.on_route(kind, route):
            yield rule, kind, _scopes_of(kind, rule, facts)


def required_reviews(
    defn: ProcessDefinition,
    facts: ApplicationFacts,
    stages: Iterable[str] = ("parallel",),
    route: str = STANDARD,
) -> list[RequiredReview]:
    """The reviews the given stages need on a route, in rule order then owner id order.

    By default the parallel stage only: screening and final are always there
    and are opened by the engine (see :func:`workflows.engine.reviews_for_step`).
    """
    result: list[RequiredReview] = []
    for _rule, kind, scopes in _scopes(defn, facts, stages, route):
        for scope in scopes:
            review = RequiredReview(kind.code, kind.org_kind, scope)
            if review not in result:
                result.append(review)
    return result


def reviews_touched_by_amendment(
    defn: ProcessDefinition, old_facts: ApplicationFacts, new_facts: ApplicationFacts
) -> list[RequiredReview]:
    """Reviews an amendment (an added/changed booking) must (re-)open.

    * reviews held by site owners: the owner organisation of every added or
      changed booking;
    * application-wide parallel reviews (tourism, police, ...): when the rule
      applies to what changed (the changed bookings, with the production's
      facts) or newly applies to the application;
    * final-stage reviews (ministry final): always;
    * screening: never - an amendment is not re-screened.

    Removed bookings touch nothing: the remaining scope only shrinks.
    """
    old_set = set(old_facts.bookings)
    changed = tuple(b for b in new_facts.bookings if b not in old_set)
    delta = new_facts.with_bookings(changed)
    production_changed = dataclasses.replace(old_facts, bookings=()) != dataclasses.replace(new_facts, bookings=())
    old_required = set(required_reviews(defn, old_facts))
    result: list[RequiredReview] = []
    for rule, kind, scopes in _scopes(defn, new_facts, ("parallel", "final")):
        delta_scopes = set(_scopes_of(kind, rule, delta)) if changed else set()
        for scope in scopes:
            review = RequiredReview(kind.code, kind.org_kind, scope)
            if kind.stage == "final":
                touched = True
            elif scope is not None:
                touched = scope in delta_scopes or review not in old_required
            else:
                touched = None in delta_scopes or review not in old_required or production_changed
            if touched and review not in result:
                result.append(review)
    return result


def documents_needed(
    defn: ProcessDefinition, facts: ApplicationFacts, activities: Iterable[str] | None = None
) -> list[tuple[ReviewKind, DocumentNeed]]:
    """The documents the application's reviews need, each document kind once,
    in the definition's order. ``activities``: the declared activities (the
    bookings' by default; a draft may declare them before it has a site)."""
    declared = frozenset(facts.activities if activities is None else activities)
    result: list[tuple[ReviewKind, DocumentNeed]] = []
    seen: set[str] = set()
    for required in required_reviews(defn, facts, stages=STAGES):
        kind = defn.review_kind(required.kind_code)
        for need in kind.documents:
            if need.applies_to(declared) and need.document_kind not in seen:
                seen.add(need.document_kind)
                result.append((kind, need))
    return result


# ------------------------------------------------------------------------------------ the fast track


@dataclasses.dataclass(frozen=True)
class FastTrackObstacle:
    """One reason an application cannot take the fast track.

    ``code``: ``not_offered`` (the definition has no fast track), ``tier``
    (``detail`` = the tier), ``review`` (a review that no standing consent
    approves: ``kind_code``, and the declared ``activities`` that call for it),
    ``activities`` (declared activities no agency is named for: not a simple shoot),
    ``no_sites``,
    or one of :data:`workflows.consent.CONSENT_PROBLEMS` for a booked site
    (``location_id``; ``no_consent`` when the owner gave none).
    """

    code: str
    kind_code: str | None = None
    location_id: str | None = None
    activities: tuple[str, ...] = ()
    detail: str = ""


def fast_track_obstacles(defn: ProcessDefinition, facts: ApplicationFacts) -> list[FastTrackObstacle]:
    """Why the application cannot take the fast track (empty: it takes it)."""
    fast = defn.fast_track
    if fast is None:
        return [FastTrackObstacle("not_offered")]
    if not facts.bookings:
        return [FastTrackObstacle("no_sites")]
    obstacles: list[FastTrackObstacle] = []
    for rule, kind, scopes in _scopes(defn, facts, ("parallel",)):
        if not scopes:
            continue
        if kind.approved_by_standing_consent:
            owners = {str(scope) for scope in scopes}
            for booking in facts.bookings:
                if booking.owner_org_id in owners:
                    for problem in consent_problems(booking):
                        if problem == "activities":
                            continue  # said once, by the reviews the activities call for
                        obstacle = FastTrackObstacle(problem, kind_code=kind.code, location_id=booking.location_id)
                        if obstacle not in obstacles:
                            obstacles.append(obstacle)
        else:
            activities = tuple(sorted(rule.activities & facts.activities))
            obstacle = FastTrackObstacle("review", kind_code=kind.code, activities=activities)
            if obstacle not in obstacles:
                obstacles.append(obstacle)
    named = {a for o in obstacles for a in o.activities}
    others = tuple(sorted(facts.activities - named))
    if others:
        obstacles.append(FastTrackObstacle("activities", activities=others))
    tier = impact_tier_for(facts)
    if tier.value not in fast.tiers and not any(o.code in ("review", "impact", "activities") for o in obstacles):
        obstacles.append(FastTrackObstacle("tier", detail=tier.value))
    return obstacles


def route_for(defn: ProcessDefinition, facts: ApplicationFacts) -> str:
    """The route an application takes when it is filed."""
    return FAST_TRACK if not fast_track_obstacles(defn, facts) else STANDARD
