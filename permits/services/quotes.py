"""Quotes and timelines: the same numbers before and after applying.

:func:`timeline` is the one builder: from an application's facts and its
fee lines it gives the impact tier, the quote, the reviews it needs, the
last day to apply and the earliest day the permit can be ready. The
producer's draft (:func:`timeline_for`) and a plan for sites not yet in an
application (``applications.plan``) both ask it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from permits.models import Application
from permits.services.context import calendar, facts_for, now_utc
from workflows import (
    STAGES,
    ApplicationFacts,
    Quote,
    RequiredReview,
    Tier,
    current_definition,
    earliest_permit_date,
    impact_tier_for,
    latest_submission_date,
    quote,
    required_reviews,
)

FeeLine = tuple[Decimal, int, str]  # fee per day, shoot days, site name


@dataclass(frozen=True)
class Timeline:
    tier: Tier
    quote: Quote
    reviews: list[RequiredReview]
    latest_submission: dt.date | None
    earliest_permit: dt.date
    late: bool


def timeline(facts: ApplicationFacts, lines: Iterable[FeeLine], first_shoot_day: dt.date | None,
             now: dt.datetime | None = None) -> Timeline:
    now = now or now_utc()
    defn = current_definition()
    cal = calendar()
    tier = impact_tier_for(facts)
    reviews = required_reviews(defn, facts, stages=STAGES)
    latest = latest_submission_date(cal, first_shoot_day, tier, defn) if first_shoot_day else None
    return Timeline(
        tier=tier,
        quote=quote(tier, list(lines), defn),
        reviews=reviews,
        latest_submission=latest,
        earliest_permit=earliest_permit_date(cal, now, defn, reviews),
        late=bool(latest and cal.local_date(now) > latest),
    )


def _fee_lines(application: Application) -> list[FeeLine]:
    return [
        (booking.location.fee_per_day, booking.shoot_days, booking.location.name_en)
        for booking in application.bookings
        if booking.active
    ]


def quote_for(application: Application) -> Quote:
    return quote(impact_tier_for(facts_for(application)), _fee_lines(application), current_definition())


def timeline_for(application: Application, now: dt.datetime | None = None) -> Timeline:
    return timeline(facts_for(application), _fee_lines(application), application.first_shoot_date, now)
