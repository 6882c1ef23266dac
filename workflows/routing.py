"""Which reviews an application needs: facts and named routing predicates.

A routing predicate maps :class:`ApplicationFacts` to a tuple of *scopes*:
``()`` means "not required", ``(None,)`` one review for the whole application,
and a tuple of owner organisation ids one review per organisation.  Predicates
are registered by name in :data:`PREDICATES`; a :class:`~workflows.definition.RoutingRule`
names one, so adding a reviewer kind is a change to the definition only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from .tiers import ACTIVITIES

if TYPE_CHECKING:  # pragma: no cover
    from .definition import ProcessDefinition

__all__ = [
    "PREDICATES",
    "ApplicationFacts",
    "BookingFacts",
    "Predicate",
    "RequiredReview",
    "register_predicate",
    "register_scoped_predicate",
    "required_reviews",
    "reviews_touched_by_amendment",
]

Scope = str | None
Predicate = Callable[["ApplicationFacts"], tuple[Scope, ...]]


@dataclasses.dataclass(frozen=True)
class BookingFacts:
    location_id: str
    owner_org_id: str
    heritage: bool = False
    tourist: bool = False
    restricted: bool = False
    start_date: date | None = None
    end_date: date | None = None
    crew: int = 0
    vehicles: int = 0
    activities: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "activities", frozenset(self.activities))
        object.__setattr__(self, "location_id", str(self.location_id))
        object.__setattr__(self, "owner_org_id", str(self.owner_org_id))
        unknown = self.activities - ACTIVITIES
        if unknown:
            raise ValueError(f"unknown activities: {', '.join(sorted(unknown))}")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("booking ends before it starts")


@dataclasses.dataclass(frozen=True)
class ApplicationFacts:
    production_type: str
    country_of_origin: str
    home_country: str = "AZ"
    bookings: tuple[BookingFacts, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "bookings", tuple(self.bookings))

    @property
    def is_foreign(self) -> bool:
        return self.country_of_origin.strip().upper() != self.home_country.strip().upper()

    @property
    def activities(self) -> frozenset[str]:
        return frozenset().union(*(b.activities for b in self.bookings))

    def with_bookings(self, bookings: Iterable[BookingFacts]) -> ApplicationFacts:
        return dataclasses.replace(self, bookings=tuple(bookings))


@dataclasses.dataclass(frozen=True)
class RequiredReview:
    kind_code: str
    org_kind: str
    owner_org_id: str | None = None


PREDICATES: dict[str, Predicate] = {}


def register_scoped_predicate(name: str, fn: Callable[[ApplicationFacts], Iterable[Scope]]) -> None:
    """Register a predicate returning scopes (owner org ids, or None)."""
    if name in PREDICATES:
        raise ValueError(f"routing predicate {name!r} is already registered")

    def wrapped(facts: ApplicationFacts) -> tuple[Scope, ...]:
        scopes = list(dict.fromkeys(fn(facts)))
        return tuple(sorted(scopes, key=lambda s: (s is not None, s or "")))

    wrapped.__name__ = name
    PREDICATES[name] = wrapped


def register_predicate(name: str, fn: Callable[[ApplicationFacts], bool]) -> None:
    """Register a yes/no predicate: one review for the application when true."""
    register_scoped_predicate(name, lambda facts: (None,) if fn(facts) else ())


def _any_booking(pred: Callable[[BookingFacts], bool]) -> Callable[[ApplicationFacts], bool]:
    return lambda facts: any(pred(b) for b in facts.bookings)


register_predicate("always", lambda facts: True)
register_predicate("never", lambda facts: False)
register_predicate(
    "heritage_or_tourist_or_foreign",
    lambda facts: facts.is_foreign or any(b.heritage or b.tourist for b in facts.bookings),
)
register_scoped_predicate("per_owner_organisation", lambda facts: (b.owner_org_id for b in facts.bookings))
register_predicate("has_road_closure", _any_booking(lambda b: "road_closure" in b.activities))
register_predicate("has_drone", _any_booking(lambda b: "drone" in b.activities))
register_predicate("has_pyrotechnics", _any_booking(lambda b: "pyrotechnics" in b.activities))
register_predicate("has_restricted_site", _any_booking(lambda b: b.restricted))


def _scopes(defn: ProcessDefinition, facts: ApplicationFacts, stages: Iterable[str]):
    wanted = set(stages)
    for rule in defn.routing_rules:
        kind = defn.review_kind(rule.review_kind)
        if kind.stage in wanted:
            yield rule, kind, PREDICATES[rule.when](facts)


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

    * per-organisation reviews: the owner organisation of every added or
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
        delta_scopes = set(PREDICATES[rule.when](delta)) if changed else set()
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
