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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from permits.extensions import db
from permits.labels import ACTIVITIES, TIERS, review_kind_name
from permits.models import Application, Location
from permits.services.context import calendar, facts_for, now_utc
from workflows import (
    FAST_TRACK,
    STAGES,
    STANDARD,
    ApplicationFacts,
    FastTrackObstacle,
    Quote,
    RequiredReview,
    Tier,
    current_definition,
    earliest_permit_date,
    fast_track_obstacles,
    impact_tier_for,
    latest_submission_date,
    quote,
    required_reviews,
)

# What the quote builder (``workflows.quote``) is given for one booked site:
# the fee per day, the shoot days and the site's key. The key is the site's
# id, never a name frozen in one language: the invoice's ``site:<id>`` line
# and the pages name the site in the reader's language when they show it.
FeeLine = tuple[Decimal, int, str]


def site_key(location: Location) -> str:
    return str(location.id)


@dataclass(frozen=True)
class SiteFee:
    """One site's line of a quote, with the site itself: its name is read in
    the reader's language when the line is shown (``site_name``)."""

    location: Location
    fee_per_day: Decimal
    shoot_days: int
    amount: Decimal

    @property
    def site_name(self) -> str:
        return self.location.name


@dataclass(frozen=True)
class Timeline:
    tier: Tier
    quote: Quote
    reviews: list[RequiredReview]
    latest_submission: dt.date | None
    earliest_permit: dt.date
    late: bool
    route: str = STANDARD
    # Why the fast track does not apply (empty when it does, or when the
    # process has no fast track to offer).
    fast_track_obstacles: tuple[FastTrackObstacle, ...] = ()
    fast_track_offered: bool = False
    # The quote's site lines with their sites, in the quote's order.
    site_fees: tuple[SiteFee, ...] = ()

    @property
    def fast_track(self) -> bool:
        return self.route == FAST_TRACK


def fee_lines(sites: Iterable[tuple[Location, int]]) -> list[FeeLine]:
    """The quote builder's lines for (site, shoot days) pairs."""
    return [(location.fee_per_day, days, site_key(location)) for location, days in sites]


def timeline(facts: ApplicationFacts, sites: Iterable[tuple[Location, int]], first_shoot_day: dt.date | None,
             now: dt.datetime | None = None) -> Timeline:
    """``sites``: each booked site with its shoot days."""
    now = now or now_utc()
    sites = list(sites)
    defn = current_definition()
    cal = calendar()
    tier = impact_tier_for(facts)
    obstacles = fast_track_obstacles(defn, facts)  # "not_offered" when the process has no fast track
    route = STANDARD if obstacles else FAST_TRACK
    reviews = required_reviews(defn, facts, stages=STAGES, route=route)
    latest = latest_submission_date(cal, first_shoot_day, tier, defn, route) if first_shoot_day else None
    the_quote = quote(tier, fee_lines(sites), defn)
    return Timeline(
        tier=tier,
        quote=the_quote,
        reviews=reviews,
        latest_submission=latest,
        earliest_permit=earliest_permit_date(cal, now, defn, reviews, route),
        late=bool(latest and cal.local_date(now) > latest),
        route=route,
        fast_track_obstacles=tuple(o for o in obstacles if o.code != "not_offered"),
        fast_track_offered=defn.fast_track is not None,
        site_fees=tuple(SiteFee(location, line.fee_per_day, line.shoot_days, line.amount)
                        for (location, _days), line in zip(sites, the_quote.lines, strict=True)),
    )


def _booked_sites(application: Application) -> list[tuple[Location, int]]:
    return [(booking.location, booking.shoot_days) for booking in application.bookings if booking.active]


def quote_for(application: Application) -> Quote:
    return quote(impact_tier_for(facts_for(application)), fee_lines(_booked_sites(application)), current_definition())


def timeline_for(application: Application, now: dt.datetime | None = None) -> Timeline:
    return timeline(facts_for(application), _booked_sites(application), application.first_shoot_date, now)


# What a booked site asks beyond its owner's standing consent (workflows.consent).
SITE_REASONS = {
    "no_consent": _l("%(site)s has no standing consent from its owner."),
    "impact": _l("%(site)s: more people or vehicles on site than a low-impact shoot."),
    "crew": _l("%(site)s: more people on site than its standing consent allows."),
    "hours": _l("%(site)s: the daily hours are outside the filming hours its standing consent covers (%(hours)s)."),
    "closed": _l("%(site)s is closed to filming on some of these days."),
    "yearly_cap": _l("%(site)s: the site's yearly cap of shoot days would be exceeded."),
}


def _site_reason(code: str, site: Location | None) -> str:
    hours = f"{site.filming_hours_start:%H:%M}–{site.filming_hours_end:%H:%M}" if site and site.filming_hours_start else ""
    return str(SITE_REASONS[code]) % {"site": site.name if site is not None else "", "hours": hours}


def fast_track_reasons(timeline: Timeline) -> list[str]:
    """Why the fast track does not apply, in the reader's language: the sites
    without standing consent and what they ask beyond it, and the reviews
    the declared activities call for."""
    obstacles = timeline.fast_track_obstacles
    ids = {int(o.location_id) for o in obstacles if o.location_id}
    sites = {str(loc.id): loc for loc in db.session.execute(select(Location).where(Location.id.in_(ids))).scalars()} if ids else {}
    reasons = []
    for o in obstacles:
        activities = ", ".join(str(ACTIVITIES.get(a, a)) for a in o.activities)
        if o.code in SITE_REASONS:
            reasons.append(_site_reason(o.code, sites.get(o.location_id)))
        elif o.code == "review" and activities:
            reasons.append(_("%(review)s is needed for: %(activities)s.", activities=activities, review=review_kind_name(o.kind_code)))
        elif o.code == "review":
            reasons.append(_("%(review)s is needed (a heritage or tourist site, or a foreign production).",
                             review=review_kind_name(o.kind_code)))
        elif o.code == "activities":
            reasons.append(_("%(activities)s: not a simple shoot.", activities=activities))
        elif o.code == "tier":
            reasons.append(_("The shoot is of %(tier)s; the fast track is for low-impact shoots (at most 15 people and 5 vehicles on site, no special activities).",
                             tier=str(TIERS.get(o.detail, o.detail)).lower()))
        elif o.code == "no_sites":
            reasons.append(_("Add a filming site to see whether the fast track applies."))
    return list(dict.fromkeys(reasons))
