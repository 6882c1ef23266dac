"""Public operations: the catalogue, one site with its availability, the
quote, permit verification and the scorecard. No token is needed; the
filters and rules are the pages' own (their forms and queries)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from flask import url_for
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from permits.api import pagination, problems
from permits.api.auth import verify_lookup_limit
from permits.api.base import bp
from permits.api.operations import operation
from permits.api.schemas import (
    Availability,
    AvailabilityDay,
    PermitConditions,
    PermitSite,
    PermitVerification,
    PermitVersionInfo,
    QuoteLine,
    QuoteResult,
    QuoteReview,
    Scorecard,
    ScorecardBody,
    SiteDetail,
    SitePage,
    SiteSummary,
    SiteWarning,
    coded,
    organisation_name,
    site_summary,
    translated,
)
from permits.extensions import db
from permits.labels import ACTIVITIES, PRODUCTION_TYPES, REVIEW_KINDS, TIERS
from permits.locations import catalogue
from permits.locations.forms import CatalogueFilterForm
from permits.locations.views import quote_facts, read_quote
from permits.models import Location, Organisation
from permits.services import amendments, statistics
from permits.services import applications as drafts
from permits.services import permits as permit_service
from permits.services import sites as site_calendars
from permits.services.context import calendar, now_utc
from permits.services.quotes import fast_track_reasons
from permits.services.sites import MAX_CREW
from permits.verify.views import STATUS_TEXT

SLUG = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"


def _no_store(headers: dict | None = None) -> dict:
    return {**(headers or {}), "Cache-Control": "no-store", "Pragma": "no-cache", "X-Robots-Tag": "noindex, nofollow",
            "Referrer-Policy": "no-referrer"}


# ----------------------------------------------------------------------------- the catalogue


class SitesQuery(pagination.PageQuery):
    q: str | None = Field(None, max_length=100, description="Words of the name or description, in any language.")
    region: str | None = Field(None, max_length=64, description="A region code.")
    category: str | None = Field(None, max_length=64, description="A kind of site.")
    heritage: bool = Field(False, description="Heritage sites only.")
    crew: int | None = Field(None, ge=1, le=MAX_CREW, description="Sites that allow at least this many people.")
    start_date: dt.date | None = Field(None, description="Free from (no closure, shoot or hold).")
    end_date: dt.date | None = Field(None, description="Free until (the start date when absent).")


def _catalogue_filters(query: SitesQuery) -> dict:
    """The catalogue page's form, given the query: its rules decide."""
    data = MultiDict()
    for name in ("q", "region", "category", "crew", "start_date", "end_date"):
        value = getattr(query, name)
        if value not in (None, ""):
            data[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    if query.heritage:
        data["heritage"] = "y"
    form = CatalogueFilterForm(formdata=data)
    form.region.choices = form.category.choices = []
    if not form.validate():
        raise problems.form_errors(form)
    return {
        "text": form.q.data or "",
        "region": form.region.data or "",
        "category": form.category.data or "",
        "heritage": bool(form.heritage.data),
        "crew": form.crew.data,
        "start": form.start_date.data,
        "end": form.end_date.data or form.start_date.data,
    }


@bp.get("/sites")
@operation(tags=("Public",), responses={200: SitePage}, headers={200: ("Link",)})
def list_sites(query: SitesQuery):
    """The catalogue of filming sites

    Published sites, by slug, with the catalogue page's filters. Free dates
    mean no closure, no permitted shoot and no hold of an application under
    review on any of those days."""
    filters = _catalogue_filters(query)
    after = pagination.decode_text(query.cursor, max_length=100)
    rows, more = catalogue.search_page(after=after, limit=query.limit, **filters)
    next_link = pagination.next_url(pagination.encode_text(rows[-1].slug)) if more and rows else None
    page = SitePage(items=[SiteSummary(**site_summary(location)) for location in rows], next=next_link)
    return page, 200, pagination.link_headers(next_link)


class SiteQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(None, pattern=r"^(20\d\d|2100)-(0[1-9]|1[0-2])$",
                              description="YYYY-MM: the month of the availability (this month when absent).")


def _published_site_or_404(slug: str) -> Location:
    if not re.match(SLUG, slug or ""):
        raise problems.not_found()
    location = db.session.execute(select(Location).where(Location.slug == slug)).scalar_one_or_none()
    if location is None or not location.published:
        raise problems.not_found("There is no published site with this slug.")
    return location


STATUS_OF_DAY = {"blackout": "closed", "approved": "booked", "hold": "held", "": "free"}


@bp.get("/sites/<slug>")
@operation(tags=("Public",), responses={200: SiteDetail}, errors=(404,))
def get_site(slug: str, query: SiteQuery):
    """One filming site and its availability for a month

    Each day of the month is free, closed by the owner, booked by a permitted
    shoot or held by an application under review. Productions are never named."""
    location = _published_site_or_404(slug)
    today = calendar().local_date(now_utc())
    first = site_calendars.month_of(query.month, today)
    weeks = site_calendars.site_month(location, first, today)
    days = [AvailabilityDay(date=day.date, status=STATUS_OF_DAY.get(day.status, "held"))
            for week in weeks for day in week if day.in_month]

    def month_url(month: dt.date) -> str:
        return url_for("api.get_site", slug=location.slug, month=f"{month:%Y-%m}", _external=True)

    availability = Availability(month=f"{first:%Y-%m}", days=days,
                                previous=month_url(site_calendars.shift_month(first, -1)),
                                next=month_url(site_calendars.shift_month(first, 1)))
    return SiteDetail(**site_summary(location), rules=translated(location, "rules"), availability=availability)


# ----------------------------------------------------------------------------- the quote

SITE_ITEM = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}(:\d{4}-\d{2}-\d{2}:\d{4}-\d{2}-\d{2})?$"


class QuoteQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sites: list[str] = Field(min_length=1, max_length=20, description=(
        "The sites, by slug; `slug:YYYY-MM-DD:YYYY-MM-DD` gives a site its own first and last day "
        "(the others use start_date and end_date)."))
    start_date: dt.date | None = Field(None, description="The first shoot day of the sites without their own days.")
    end_date: dt.date | None = Field(None, description="Their last shoot day.")
    crew: int = Field(ge=1, le=MAX_CREW, description="People on site.")
    vehicles: int = Field(0, ge=0, le=500)
    activities: list[Literal[tuple(ACTIVITIES)]] = Field(default_factory=list, max_length=len(ACTIVITIES))  # type: ignore[valid-type]
    production_type: Literal[tuple(PRODUCTION_TYPES)] = "feature"  # type: ignore[valid-type]
    country_of_origin: str = Field("AZ", pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2.")


def _quote_form_data(query: QuoteQuery) -> tuple[MultiDict, list[str]]:
    """The quote page's form data for the query (its form and rules decide)."""
    data = MultiDict()
    slugs = []
    for item in query.sites:
        if not re.match(SITE_ITEM, item):
            raise problems.validation_problem([{"field": "sites", "in": "query",
                                                "detail": f"{item[:40]!r} is not a slug, or slug:first-day:last-day."}])
        slug, _, dates = item.partition(":")
        slugs.append(slug)
        data.add("sites", slug)
        if dates:
            first, _, last = dates.partition(":")
            data[f"site-{slug}-start_date"] = first
            data[f"site-{slug}-end_date"] = last
    for name in ("start_date", "end_date"):
        value = getattr(query, name)
        if value is not None:
            data[name] = value.isoformat()
    data["crew"] = str(query.crew)
    data["vehicles"] = str(query.vehicles)
    for activity in query.activities:
        data.add("activities", activity)
    data["production_type"] = query.production_type
    data["country_of_origin"] = query.country_of_origin.upper()
    return data, slugs


def _quote_errors(form, site_forms) -> problems.Problem:
    errors = [{"field": name, "in": "query", "detail": str(message)}
              for name, messages in form.errors.items() for message in messages]
    for location, site_form in site_forms:
        for _name, messages in site_form.errors.items():
            errors.extend({"field": "sites", "in": "query", "detail": f"{location.slug}: {message}"} for message in messages)
    return problems.validation_problem(errors or [{"field": "sites", "in": "query", "detail": "The quote is not valid."}])


@bp.get("/quote")
@operation(tags=("Public",), responses={200: QuoteResult})
def get_quote(query: QuoteQuery):
    """A quote and a timeline

    The same numbers as the quote page and as an application with these
    bookings: the impact tier, the fees, the reviews needed and who holds
    them, the last day to apply and the earliest day the permit can be ready."""
    data, slugs = _quote_form_data(query)
    form, site_forms, chosen, planned = read_quote(data, validate=True)
    unknown = sorted(set(slugs) - {location.slug for location in chosen})
    if unknown:
        raise problems.validation_problem([{"field": "sites", "in": "query", "detail": f"No published site {slug!r}."}
                                           for slug in unknown[:20]])
    if not planned:
        raise _quote_errors(form, site_forms)
    facts = quote_facts(form)
    plan = drafts.plan(planned, activities=facts["activities"], country_of_origin=facts["country_of_origin"] or "AZ",
                       production_type=facts["production_type"])
    timeline = plan.timeline
    lines = [
        QuoteLine(site=p.location.slug, name=translated(p.location, "name"), first_day=p.start, last_day=p.end,
                  fee_per_day=fee.fee_per_day, shoot_days=fee.shoot_days, amount=fee.amount)
        for p, fee in zip(planned, timeline.site_fees, strict=True)
    ]
    reviews = [
        QuoteReview(kind=coded(line.required.kind_code, REVIEW_KINDS), organisation=organisation_name(line.organisation),
                    business_days=line.sla, sites=[site.slug for site in line.sites])
        for line in drafts.review_organisations(timeline.reviews, timeline.route, chosen)
    ]
    return QuoteResult(
        tier=coded(timeline.tier.value, TIERS),
        base_fee=timeline.quote.base_fee,
        site_fees=timeline.quote.site_fees,
        total=timeline.quote.total,
        lines=lines,
        reviews=reviews,
        route=timeline.route,
        fast_track_offered=timeline.fast_track_offered,
        fast_track_reasons=fast_track_reasons(timeline),
        latest_submission=timeline.latest_submission,
        earliest_permit=timeline.earliest_permit,
        late=timeline.late,
        problems=[SiteWarning(site=location.slug, detail=message) for location, message in plan.problems],
        conflicts=[location.slug for location in plan.conflicts],
    )


# ----------------------------------------------------------------------------- verification


def _verification(permit) -> PermitVerification:
    application = permit.application
    current = permit_service.current_version(permit)
    return PermitVerification(
        number=permit.number,
        status=permit.status,
        status_text=str(STATUS_TEXT.get(permit.status, "")),
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        revoked_at=permit.revoked_at if permit.status == "revoked" else None,
        title=application.title,
        company=application.company.legal_name,
        current_version=permit.current_version,
        sites=[PermitSite(site=b.location.slug, name=translated(b.location, "name"), first_day=b.start_date, last_day=b.end_date)
               for b in permit_service.permitted_bookings(application)],
        conditions=[PermitConditions(organisation=organisation_name(_organisation(item["organisation_id"])),
                                     conditions=list(item.get("conditions") or []))
                    for item in _condition_groups(permit.conditions)],
        versions=[PermitVersionInfo(version=v.version, issued=v.created_at, change=v.summary or "Permit issued",
                                    sha256=v.sha256 or None, current=current is not None and v.id == current.id)
                  for v in permit.versions],
        amendment_pending=amendments.open_amendment(application) is not None,
    )


def _condition_groups(conditions) -> list[dict]:
    """The permit's conditions grouped by organisation, in first-seen order (as the page)."""
    groups: dict[int, list[str]] = {}
    for item in conditions or []:
        groups.setdefault(item["organisation_id"], []).extend(item.get("conditions") or [])
    return [{"organisation_id": key, "conditions": texts} for key, texts in groups.items()]


def _organisation(organisation_id):
    return db.session.get(Organisation, organisation_id)


class VerifyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=32, description="The permit number, as printed.")
    code: str = Field(min_length=1, max_length=16, description="The short code printed beside it.")


NOT_FOUND = "No permit has this number and code (or this token)."


@bp.get("/permits/verify")
@verify_lookup_limit
@operation(tags=("Public",), responses={200: PermitVerification}, errors=(404,))
def verify_by_number(query: VerifyQuery):
    """Check a permit by its number and short code

    The same answer as the public verification page, with no personal data;
    an unknown number and a wrong code are the same 404. Lookups share the
    page's limit per address."""
    permit = permit_service.find_by_number_and_code(query.number, query.code)
    if permit is None:
        raise problems.Problem(404, NOT_FOUND, headers=_no_store())
    return _verification(permit), 200, _no_store()


@bp.get("/permits/verify/<token>")
@verify_lookup_limit
@operation(tags=("Public",), responses={200: PermitVerification}, errors=(404,))
def verify_by_token(token: str):
    """Check a permit by the token of its QR code

    The same answer as the public verification page, with no personal data."""
    permit = permit_service.find_by_token(token)
    if permit is None:
        raise problems.Problem(404, NOT_FOUND, headers=_no_store())
    return _verification(permit), 200, _no_store()


# ----------------------------------------------------------------------------- the scorecard


@bp.get("/scorecard")
@operation(tags=("Public",), responses={200: Scorecard})
def get_scorecard():
    """The public scorecard

    Permits issued and shoot days in the last 90 days, and how fast each
    reviewing body decided (median business days, share within the deadline)."""
    card = statistics.scorecard()
    return Scorecard(
        window_days=card["window_days"],
        since=card["since"],
        permits_issued=card["permits_issued"],
        shoot_days=card["shoot_days"],
        bodies=[ScorecardBody(organisation=translated(row["organisation"], "name"), reviews=row["reviews"],
                              median_business_days=row["median"], share_within_deadline=row["share"])
                for row in card["bodies"]],
    )

