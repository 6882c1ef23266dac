"""What routing looks at: the facts of an application and named predicates.

A routing predicate answers yes or no for :class:`ApplicationFacts`; it is
registered by name in :data:`PREDICATES` and a
:class:`~workflows.definition.RoutingRule` names it, so a rule is data. Who
holds the review (one organisation, or the owner of each booked site) is the
review kind's :attr:`~workflows.definition.ReviewKind.handler`, not the
predicate's business.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, time

from .tiers import ACTIVITIES

__all__ = [
    "PREDICATES",
    "ApplicationFacts",
    "BookingFacts",
    "Predicate",
    "SiteConsent",
    "register_predicate",
]


@dataclasses.dataclass(frozen=True)
class SiteConsent:
    """A site owner's standing consent: low-impact shoots within these rules
    are approved by the system at once (see :mod:`workflows.consent`).

    ``rules_version`` is the version of the site's rules the consent was
    given under; it is recorded with every approval it makes.
    """

    rules_version: int = 1
    max_crew: int = 0
    hours: tuple[time, time] | None = None  # the daily filming hours it covers, if limited


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
    # What the owner's standing consent looks at (see workflows.consent):
    daily_start: time | None = None
    daily_end: time | None = None
    closed: bool = False  # the dates meet days the owner has closed to filming
    cap_days_left: int | None = None  # shoot days left under the site's yearly cap, if it has one
    consent: SiteConsent | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "activities", frozenset(self.activities))
        object.__setattr__(self, "location_id", str(self.location_id))
        object.__setattr__(self, "owner_org_id", str(self.owner_org_id))
        unknown = self.activities - ACTIVITIES
        if unknown:
            raise ValueError(f"unknown activities: {', '.join(sorted(unknown))}")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("booking ends before it starts")

    @property
    def days(self) -> int:
        if self.start_date is None or self.end_date is None:
            return 0
        return (self.end_date - self.start_date).days + 1


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

    @property
    def owner_org_ids(self) -> tuple[str, ...]:
        """The owner organisations of the booked sites, each once, in id order."""
        return tuple(sorted(dict.fromkeys(b.owner_org_id for b in self.bookings)))

    def with_bookings(self, bookings: Iterable[BookingFacts]) -> ApplicationFacts:
        return dataclasses.replace(self, bookings=tuple(bookings))

    def of_owner(self, owner_org_id: str) -> ApplicationFacts:
        """The same production with only the bookings at one owner's sites."""
        return self.with_bookings(b for b in self.bookings if b.owner_org_id == owner_org_id)


Predicate = Callable[[ApplicationFacts], bool]
PREDICATES: dict[str, Predicate] = {}


def register_predicate(name: str, fn: Predicate) -> None:
    """Register a yes/no routing predicate under a name a rule can use."""
    if name in PREDICATES:
        raise ValueError(f"routing predicate {name!r} is already registered")
    PREDICATES[name] = fn


register_predicate("always", lambda facts: True)
register_predicate(
    "heritage_or_tourist_or_foreign",
    lambda facts: facts.is_foreign or any(b.heritage or b.tourist for b in facts.bookings),
)
