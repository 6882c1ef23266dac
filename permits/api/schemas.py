"""The API's documents (pydantic models: the OpenAPI schemas are generated
from them) and the functions that fill them from rows. Names and texts that
the product keeps in three languages come as ``{az, en, ru}``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from flask import url_for
from flask_babel import force_locale
from pydantic import BaseModel, ConfigDict, Field

from permits.labels import CATEGORY_NAMES, REGION_NAMES
from permits.models import Location, Organisation

LANGUAGES = ("az", "en", "ru")


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Translated(Document):
    """A text in Azerbaijani, English and Russian."""

    az: str
    en: str
    ru: str


class Coded(Document):
    code: str
    name: Translated


def translated(row, field: str) -> Translated:
    return Translated(**{language: getattr(row, f"{field}_{language}", "") or "" for language in LANGUAGES})


def named(names: dict, code: str) -> Translated:
    by_language = names.get(code, {})
    fallback = by_language.get("en") or (code or "").replace("_", " ").title()
    return Translated(**{language: by_language.get(language) or fallback for language in LANGUAGES})


def label(text) -> Translated:
    """A lazily translated label in the three languages."""
    values = {}
    for language in LANGUAGES:
        with force_locale(language):
            values[language] = str(text)
    return Translated(**values)


def coded(code: str, labels: dict) -> Coded:
    return Coded(code=code, name=label(labels[code]) if code in labels else Translated(az=code, en=code, ru=code))


def organisation_name(organisation: Organisation | None) -> Translated | None:
    return translated(organisation, "name") if organisation is not None else None


# ----------------------------------------------------------------------------- pages


class PageLinks(Document):
    next: str | None = Field(description="The next page (the same filters), or null on the last page.")


# ----------------------------------------------------------------------------- sites


class Photo(Document):
    url: str
    caption: str


class FilmingHours(Document):
    start: str = Field(description="HH:MM, Baku time")
    end: str


class SiteSummary(Document):
    slug: str
    url: str = Field(description="This site in the API.")
    page_url: str = Field(description="The site's public page.")
    name: Translated
    description: Translated
    region: Coded
    category: Coded
    owner: Translated | None
    heritage: bool
    tourist_site: bool
    restricted: bool
    fee_per_day: Decimal = Field(description="AZN per shoot day.")
    max_crew: int
    yearly_cap_days: int | None
    standing_consent: bool = Field(description="Low-impact shoots within the rules are approved at once.")
    filming_hours: FilmingHours | None
    latitude: float | None
    longitude: float | None
    photos: list[Photo]
    illustration_url: str


class SitePage(PageLinks):
    items: list[SiteSummary]


class AvailabilityDay(Document):
    date: dt.date
    status: Literal["free", "closed", "booked", "held"] = Field(
        description="closed: the owner closed the site; booked: a permitted shoot; held: an application under review "
                    "holds the day. Productions are never named."
    )


class Availability(Document):
    month: str = Field(description="YYYY-MM")
    days: list[AvailabilityDay]
    previous: str
    next: str


class SiteDetail(SiteSummary):
    rules: Translated
    availability: Availability


def site_summary(location: Location) -> dict:
    hours = None
    if location.filming_hours_start is not None and location.filming_hours_end is not None:
        hours = FilmingHours(start=f"{location.filming_hours_start:%H:%M}", end=f"{location.filming_hours_end:%H:%M}")
    return {
        "slug": location.slug,
        "url": url_for("api.get_site", slug=location.slug, _external=True),
        "page_url": url_for("locations.site", slug=location.slug, _external=True),
        "name": translated(location, "name"),
        "description": translated(location, "description"),
        "region": Coded(code=location.region, name=named(REGION_NAMES, location.region)),
        "category": Coded(code=location.category, name=named(CATEGORY_NAMES, location.category)),
        "owner": organisation_name(location.owner),
        "heritage": bool(location.heritage),
        "tourist_site": bool(location.tourist_site),
        "restricted": bool(location.restricted),
        "fee_per_day": location.fee_per_day,
        "max_crew": location.max_crew,
        "yearly_cap_days": location.yearly_cap_days,
        "standing_consent": bool(location.standing_consent),
        "filming_hours": hours,
        "latitude": float(location.latitude) if location.latitude is not None else None,
        "longitude": float(location.longitude) if location.longitude is not None else None,
        "photos": [
            Photo(url=url_for("locations.photo", slug=location.slug, photo_id=photo.id, _external=True), caption=photo.caption or "")
            for photo in location.photos
        ],
        "illustration_url": url_for("locations.illustration", slug=location.slug, _external=True),
    }


# ----------------------------------------------------------------------------- quotes


class QuoteLine(Document):
    site: str = Field(description="The site's slug.")
    name: Translated
    first_day: dt.date
    last_day: dt.date
    fee_per_day: Decimal
    shoot_days: int
    amount: Decimal


class QuoteReview(Document):
    kind: Coded
    organisation: Translated | None
    business_days: int = Field(description="0: approved at once under the owner's standing consent.")
    sites: list[str] = Field(description="For a site owner's review: the slugs of the owner's sites.")


class SiteWarning(Document):
    site: str
    detail: str


class QuoteResult(Document):
    currency: Literal["AZN"] = "AZN"
    tier: Coded
    base_fee: Decimal
    site_fees: Decimal
    total: Decimal
    lines: list[QuoteLine]
    reviews: list[QuoteReview]
    route: Literal["standard", "fast_track"]
    fast_track_offered: bool
    fast_track_reasons: list[str] = Field(description="Why the fast track does not apply (empty when it does).")
    latest_submission: dt.date | None = Field(description="The last day to apply for the first shoot day.")
    earliest_permit: dt.date
    late: bool
    problems: list[SiteWarning] = Field(description="What a site's rules refuse (crew, closed days, caps...).")
    conflicts: list[str] = Field(description="Slugs of sites already held or booked on some of these days.")


# ----------------------------------------------------------------------------- permits


class PermitSite(Document):
    site: str
    name: Translated
    first_day: dt.date
    last_day: dt.date


class PermitConditions(Document):
    organisation: Translated | None
    conditions: list[str]


class PermitVersionInfo(Document):
    version: int
    issued: dt.datetime
    change: str
    sha256: str | None = Field(description="SHA-256 of the PDF, null while it is being prepared.")
    current: bool


class PermitVerification(Document):
    number: str
    status: Literal["valid", "revoked", "expired"]
    status_text: str
    valid_from: dt.date
    valid_until: dt.date
    revoked_at: dt.datetime | None
    title: str = Field(description="The production's title.")
    company: str = Field(description="The production company's legal name.")
    current_version: int
    sites: list[PermitSite]
    conditions: list[PermitConditions]
    versions: list[PermitVersionInfo]
    amendment_pending: bool


# ----------------------------------------------------------------------------- the scorecard


class ScorecardBody(Document):
    organisation: Translated
    reviews: int
    median_business_days: float | None
    share_within_deadline: float | None = Field(description="0 to 1.")


class Scorecard(Document):
    window_days: int
    since: dt.date
    permits_issued: int
    shoot_days: int
    bodies: list[ScorecardBody]


# ----------------------------------------------------------------------------- applications


class BookingInfo(Document):
    id: int
    site: str
    name: Translated
    first_day: dt.date
    last_day: dt.date
    daily_start: str
    daily_end: str
    crew_on_site: int
    vehicles: int
    active: bool


class ReviewClock(Document):
    state: Literal["on-time", "due-soon", "overdue", "paused", "closed"]
    due_at: dt.datetime | None
    paused_at: dt.datetime | None
    sla_business_days: int


class ReviewInfo(Document):
    id: int
    kind: Coded
    organisation: Translated | None
    state: Coded
    opened_at: dt.datetime
    decided_at: dt.datetime | None
    clock: ReviewClock
    conditions: list[str]
    reason: str
    version: int = Field(description="The review's row version: If-Match of an answer to its request for information.")


class TimelineEvent(Document):
    at: dt.datetime
    subject: str
    action: str
    title: str
    from_state: str | None
    to_state: str | None
    review_id: int | None


class ApplicationSummary(Document):
    id: int
    url: str
    reference: str
    title: str
    state: Coded
    production_type: str
    country_of_origin: str
    impact_tier: str
    first_shoot_day: dt.date | None
    last_shoot_day: dt.date | None
    sites: list[str]
    version: int = Field(description="The row version (the ETag of the application).")
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class ApplicationPage(PageLinks):
    items: list[ApplicationSummary]


class ApplicationDetail(ApplicationSummary):
    synopsis: str
    activities: list[str]
    crew_total: int
    route: str
    fee_total: Decimal
    balance: Decimal
    bookings: list[BookingInfo]
    reviews: list[ReviewInfo]
    timeline: list[TimelineEvent]
    permit_number: str | None


class NewApplication(BaseModel):
    """A new draft: every field may be filled in later."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=255)
    production_type: str = Field("feature", max_length=32)
    country_of_origin: str | None = Field(None, min_length=2, max_length=2)
    synopsis: str = Field("", max_length=10000)
    activities: list[str] = Field(default_factory=list, max_length=20)
    crew_total: int = Field(0, ge=0, le=5000)


# ----------------------------------------------------------------------------- reviews


class QueueItem(Document):
    id: int
    url: str = Field(description="The review's page for reviewers.")
    kind: Coded
    state: Coded
    organisation: Translated | None
    clock: ReviewClock
    assignee: str | None = Field(description="The reviewer working on it, by name.")
    application: str = Field(description="The application's reference.")
    application_title: str
    company: str
    sites: list[str]


class QueuePage(PageLinks):
    items: list[QueueItem]
