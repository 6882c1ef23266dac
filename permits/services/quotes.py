"""Quotes and timelines: the same numbers before and after applying."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from permits.models import Application
from permits.services.context import calendar, facts_for, now_utc
from workflows import (
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


def quote_for(application: Application) -> Quote:
    facts = facts_for(application)
    tier = impact_tier_for(facts)
    lines = [
        (booking.location.fee_per_day, booking.shoot_days, booking.location.name_en)
        for booking in application.bookings
        if booking.active
    ]
    return quote(tier, lines, current_definition())


@dataclass(frozen=True)
class Timeline:
    tier: Tier
    quote: Quote
    reviews: list[RequiredReview]
    latest_submission: dt.date | None
    earliest_permit: dt.date
    late: bool


def timeline_for(application: Application, now: dt.datetime | None = None) -> Timeline:
    now = now or now_utc()
    defn = current_definition()
    facts = facts_for(application)
    tier = impact_tier_for(facts)
    cal = calendar()
    reviews = required_reviews(defn, facts, stages=("screening", "parallel", "final"))
    start = application.first_shoot_date
    latest = latest_submission_date(cal, start, tier, defn) if start else None
    return Timeline(
        tier=tier,
        quote=quote_for(application),
        reviews=reviews,
        latest_submission=latest,
        earliest_permit=earliest_permit_date(cal, now, defn, reviews),
        late=bool(latest and cal.local_date(now) > latest),
    )
