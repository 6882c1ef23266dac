"""Impact tier, lead time, fees and timelines.  All money is Decimal AZN.

Tier rules (v1), on the largest booking of the application:

* **high** - a road closure, pyrotechnics/SFX or stunts on a public road, or
  more than 50 crew on site, or more than 15 vehicles;
* **medium** - a drone, night work, prop weapons, police uniforms, open
  flames, animals or set construction, or more than 15 crew, or more than 5
  vehicles;
* **low** - everything else.

Lead time (business days between submission and the first shoot day) and base
fee per tier: low 3 / 50 AZN, medium 5 / 150 AZN, high 10 / 400 AZN.  A
definition may carry its own table (:class:`TierPolicy`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .calendar import BusinessCalendar
    from .definition import ProcessDefinition
    from .routing import ApplicationFacts, RequiredReview

__all__ = [
    "ACTIVITIES",
    "DEFAULT_TIER_POLICIES",
    "PRODUCTION_TYPES",
    "Quote",
    "QuoteLine",
    "Tier",
    "TierPolicy",
    "base_fee",
    "earliest_permit_date",
    "impact_tier",
    "impact_tier_for",
    "latest_submission_date",
    "lead_time_business_days",
    "money",
    "quote",
    "shoot_days",
]

ACTIVITIES: frozenset[str] = frozenset(
    {
        "drone",
        "pyrotechnics",
        "prop_weapons",
        "road_closure",
        "animals",
        "set_construction",
        "night_work",
        # Version 2 routes these to the agencies whose job they are.
        "police_uniforms",  # police uniforms or vehicles in the shot
        "public_road_stunts",  # stunts or crowds on a public road
        "open_flames",  # open flames or fire effects
    }
)
PRODUCTION_TYPES: frozenset[str] = frozenset(
    {"feature", "series", "documentary", "commercial", "music_video", "student", "stills"}
)

HIGH_IMPACT_ACTIVITIES = frozenset({"road_closure", "pyrotechnics", "public_road_stunts"})
MEDIUM_IMPACT_ACTIVITIES = frozenset(
    {"drone", "night_work", "prop_weapons", "animals", "set_construction", "police_uniforms", "open_flames"}
)
HIGH_CREW, MEDIUM_CREW = 50, 15
HIGH_VEHICLES, MEDIUM_VEHICLES = 15, 5

CENT = Decimal("0.01")


class Tier(str, enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class TierPolicy:
    tier: Tier
    lead_time_business_days: int
    base_fee: Decimal


DEFAULT_TIER_POLICIES: tuple[TierPolicy, ...] = (
    TierPolicy(Tier.LOW, 3, Decimal("50.00")),
    TierPolicy(Tier.MEDIUM, 5, Decimal("150.00")),
    TierPolicy(Tier.HIGH, 10, Decimal("400.00")),
)


def money(value: Decimal | int | str) -> Decimal:
    """An exact amount rounded half-up to the cent.  Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must be Decimal, int or str, never float")
    if isinstance(value, bool):
        raise TypeError("money must be Decimal, int or str")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def impact_tier(
    total_crew: int,
    activities: Iterable[str] = (),
    road_closure: bool = False,
    night_work: bool = False,
    max_vehicles: int = 0,
) -> Tier:
    acts = frozenset(activities)
    unknown = acts - ACTIVITIES
    if unknown:
        raise ValueError(f"unknown activities: {', '.join(sorted(unknown))}")
    if total_crew < 0 or max_vehicles < 0:
        raise ValueError("crew and vehicles must not be negative")
    if road_closure:
        acts |= {"road_closure"}
    if night_work:
        acts |= {"night_work"}
    if acts & HIGH_IMPACT_ACTIVITIES or total_crew > HIGH_CREW or max_vehicles > HIGH_VEHICLES:
        return Tier.HIGH
    if acts & MEDIUM_IMPACT_ACTIVITIES or total_crew > MEDIUM_CREW or max_vehicles > MEDIUM_VEHICLES:
        return Tier.MEDIUM
    return Tier.LOW


def impact_tier_for(facts: ApplicationFacts) -> Tier:
    """Tier of an application: the largest crew / vehicles of any booking."""
    bookings = facts.bookings
    return impact_tier(
        total_crew=max((b.crew for b in bookings), default=0),
        activities=frozenset().union(*(b.activities for b in bookings)),
        max_vehicles=max((b.vehicles for b in bookings), default=0),
    )


def _policy(tier: Tier | str, defn: ProcessDefinition | None) -> TierPolicy:
    tier = Tier(tier)
    policies = defn.tiers if defn is not None else DEFAULT_TIER_POLICIES
    for p in policies:
        if p.tier == tier:
            return p
    raise ValueError(f"no policy for tier {tier.value!r}")


def lead_time_business_days(tier: Tier | str, defn: ProcessDefinition | None = None) -> int:
    return _policy(tier, defn).lead_time_business_days


def base_fee(tier: Tier | str, defn: ProcessDefinition | None = None) -> Decimal:
    return money(_policy(tier, defn).base_fee)


def shoot_days(start: date, end: date) -> int:
    """Number of shoot days, both ends included."""
    if end < start:
        raise ValueError("end date is before start date")
    return (end - start).days + 1


@dataclasses.dataclass(frozen=True)
class QuoteLine:
    site_name: str
    fee_per_day: Decimal
    shoot_days: int
    amount: Decimal


@dataclasses.dataclass(frozen=True)
class Quote:
    tier: Tier
    base_fee: Decimal
    lines: tuple[QuoteLine, ...]
    total: Decimal

    @property
    def site_fees(self) -> Decimal:
        return money(sum((line.amount for line in self.lines), Decimal(0)))


def quote(
    tier: Tier | str,
    bookings: Sequence[tuple[Decimal, int, str]],
    defn: ProcessDefinition | None = None,
) -> Quote:
    """Base fee of the tier plus, per booking, site fee per day x shoot days."""
    tier = Tier(tier)
    fee = base_fee(tier, defn)
    lines = []
    for fee_per_day, days, site_name in bookings:
        per_day = money(fee_per_day)
        if per_day < 0:
            raise ValueError(f"negative fee for {site_name}")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"shoot days for {site_name} must be a positive integer")
        lines.append(QuoteLine(site_name, per_day, days, money(per_day * days)))
    total = money(fee + sum((line.amount for line in lines), Decimal(0)))
    return Quote(tier, fee, tuple(lines), total)


def latest_submission_date(
    calendar: BusinessCalendar,
    wanted_start_date: date,
    tier: Tier | str,
    defn: ProcessDefinition | None = None,
    route: str = "standard",
) -> date:
    """Last day on which an application can be filed for that start date
    (the fast track has a lead time of its own)."""
    if route == "fast_track" and defn is not None and defn.fast_track is not None:
        days = defn.fast_track.lead_time_business_days
    else:
        days = lead_time_business_days(tier, defn)
    return calendar.subtract_business_days(wanted_start_date, days)


def earliest_permit_date(
    calendar: BusinessCalendar,
    submit_at_utc: datetime,
    defn: ProcessDefinition,
    required_reviews: Iterable[RequiredReview],
    route: str = "standard",
) -> date:
    """Local date by which the permit is due if every review uses its full SLA.

    Screening SLA + the longest SLA of the parallel reviews + final SLA, on
    the route: the fast track has no screening, its owners' reviews are
    approved at once under standing consent, and its decision has its own SLA.
    """
    fast = route == "fast_track"
    screening = defn.stage_sla_business_days("screening", route)
    final = defn.stage_sla_business_days("final", route)
    parallel = max(
        (
            defn.review_kind(r.kind_code).sla_business_days
            for r in required_reviews
            if defn.review_kind(r.kind_code).stage == "parallel"
            and not (fast and defn.review_kind(r.kind_code).approved_by_standing_consent)
        ),
        default=0,
    )
    due = calendar.add_business_days(submit_at_utc, screening + parallel + final)
    return calendar.local_date(due)
