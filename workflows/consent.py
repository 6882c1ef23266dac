"""A site owner's standing consent: which bookings it approves at once.

An owner may consent in advance to low-impact shoots within the site's rules
(DESIGN.md section 4, the fast track). The owner's review of such a booking is
then approved by the system the moment it opens, and the approval records the
consent's rules version. Whether a booking is covered is a pure question of
its facts (:class:`~workflows.facts.BookingFacts`); the services fill in the
facts that need the database (closed days, days left under the yearly cap).
"""

from __future__ import annotations

from .facts import ApplicationFacts, BookingFacts
from .tiers import Tier, impact_tier

__all__ = ["CONSENT_PROBLEMS", "consent_covers", "consent_problems"]

# Why a booking is not covered, in the order they are reported.
CONSENT_PROBLEMS = (
    "no_consent",  # the owner gave no standing consent for this site
    "activities",  # declared activities (drone, road closure...) are never low impact
    "impact",  # more crew or vehicles than a low-impact shoot
    "crew",  # more crew than the consent allows
    "hours",  # outside the filming hours the consent covers
    "closed",  # the dates meet days the owner closed to filming
    "yearly_cap",  # the site's yearly cap of shoot days would be exceeded
)


def consent_problems(booking: BookingFacts) -> tuple[str, ...]:
    """Why the owner's standing consent does not cover this booking (empty: it does)."""
    consent = booking.consent
    if consent is None:
        return ("no_consent",)
    problems: list[str] = []
    if booking.activities:
        problems.append("activities")
    if impact_tier(booking.crew, max_vehicles=booking.vehicles) is not Tier.LOW:
        problems.append("impact")
    if consent.max_crew and booking.crew > consent.max_crew:
        problems.append("crew")
    if consent.hours is not None and not _within(consent.hours, booking):
        problems.append("hours")
    if booking.closed:
        problems.append("closed")
    if booking.cap_days_left is not None and booking.days > booking.cap_days_left:
        problems.append("yearly_cap")
    return tuple(p for p in CONSENT_PROBLEMS if p in problems)


def _within(hours, booking: BookingFacts) -> bool:
    start, end = hours
    if booking.daily_start is None or booking.daily_end is None:
        return True  # not known yet (a quote before the hours are chosen)
    return start <= booking.daily_start < booking.daily_end <= end


def consent_covers(facts: ApplicationFacts) -> bool:
    """Every booking (of one owner, usually: ``facts.of_owner(...)``) is covered."""
    return bool(facts.bookings) and all(not consent_problems(b) for b in facts.bookings)
