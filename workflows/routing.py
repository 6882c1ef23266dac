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

from .definition import STAGES, DocumentNeed, Handler, ProcessDefinition, ReviewKind
from .facts import PREDICATES, ApplicationFacts

__all__ = [
    "RequiredReview",
    "documents_needed",
    "required_reviews",
    "reviews_touched_by_amendment",
]

Scope = str | None


@dataclasses.dataclass(frozen=True)
class RequiredReview:
    kind_code: str
    org_kind: str
    owner_org_id: str | None = None


def _scopes_of(kind: ReviewKind, predicate_name: str, facts: ApplicationFacts) -> tuple[Scope, ...]:
    """``()`` not required; ``(None,)`` one review; owner ids: one review per owner."""
    predicate = PREDICATES[predicate_name]
    if kind.handler is Handler.SITE_OWNERS:
        return tuple(owner for owner in facts.owner_org_ids if predicate(facts.of_owner(owner)))
    return (None,) if predicate(facts) else ()


def _scopes(defn: ProcessDefinition, facts: ApplicationFacts, stages: Iterable[str]):
    wanted = set(stages)
    for rule in defn.routing_rules:
        kind = defn.review_kind(rule.review_kind)
        if kind.stage in wanted:
            yield rule, kind, _scopes_of(kind, rule.when, facts)


def required_reviews(
    defn: ProcessDefinition,
    facts: ApplicationFacts,
    stages: Iterable[str] = ("parallel",),
) -> list[RequiredReview]:
    """The reviews the given stages need, in rule order then owner id order.

    By default the parallel stage only: screening and final are always there
    and are opened by the engine (see :func:`workflows.engine.reviews_for_step`).
    """
    result: list[RequiredReview] = []
    for _rule, kind, scopes in _scopes(defn, facts, stages):
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
        delta_scopes = set(_scopes_of(kind, rule.when, delta)) if changed else set()
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
