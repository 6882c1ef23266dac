"""The public catalogue of filming sites."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from permits.errors import refused
from permits.extensions import db
from permits.labels import (
    ACTIVITIES,
    APPLICATION_STATES,
    PRODUCTION_TYPES,
    REVIEW_STATES,
    TIERS,
    category_label,
    region_label,
)
from permits.locations import catalogue as queries
from permits.locations.forms import CatalogueFilterForm, QuoteForm
from permits.models import Location, LocationPhoto
from permits.services import ServiceError
from permits.services import applications as drafts
from permits.services import sites as site_calendars
from permits.services.context import calendar, now_utc
from permits.services.quotes import fast_track_reasons
from permits.storage import storage

bp = Blueprint("locations", __name__)


@bp.app_context_processor
def catalogue_helpers():
    return {
        "region_label": region_label,
        "category_label": category_label,
        "activity_labels": ACTIVITIES,
        "production_type_labels": PRODUCTION_TYPES,
        "tier_labels": TIERS,
        "application_states": APPLICATION_STATES,
        "review_states": REVIEW_STATES,
    }


def _site_or_404(slug: str) -> Location:
    location = db.session.execute(select(Location).where(Location.slug == slug)).scalar_one_or_none()
    if location is None or not location.published:
        abort(404)
    return location


def _today():
    return calendar().local_date(now_utc())


@bp.route("/")
def catalogue():
    form = CatalogueFilterForm(formdata=request.args)
    form.region.choices = [("", _("Any region")), *queries.regions_in_use()]
    form.category.choices = [("", _("Any kind")), *queries.categories_in_use()]
    valid = form.validate() if request.args else True
    filters = {}
    if valid:
        filters = {
            "text": form.q.data or "",
            "region": form.region.data or "",
            "category": form.category.data or "",
            "heritage": bool(form.heritage.data),
            "crew": form.crew.data,
            "start": form.start_date.data,
            "end": form.end_date.data or form.start_date.data,
        }
    sites = queries.search(**filters)
    active_filters = any(v for v in filters.values())
    return render_template("locations/catalogue.html", form=form, sites=sites, active_filters=active_filters)


@bp.route("/quote")
def quote():
    locations = list(
        db.session.execute(select(Location).where(Location.published.is_(True))).scalars()
    )
    locations.sort(key=lambda location: location.name.casefold())
    form = QuoteForm(formdata=request.args if request.args else None)
    form.sites.choices = [(location.slug, location.name) for location in locations]
    if not request.args and current_user.is_authenticated and current_user.company:
        form.country_of_origin.data = current_user.company.country
    result = None
    if request.args and form.validate():
        by_slug = {location.slug: location for location in locations}
        chosen = [by_slug[slug] for slug in form.sites.data if slug in by_slug]
        if not chosen:
            form.sites.errors.append(_("Choose at least one filming site."))
        else:
            planned = [
                drafts.PlannedSite(location, form.start_date.data, form.end_date.data, form.crew.data, form.vehicles.data or 0)
                for location in chosen
            ]
            country = form.country_of_origin.data or "AZ"
            plan = drafts.plan(planned, activities=form.activities.data or [], country_of_origin=country,
                               production_type=form.production_type.data or "feature")
            result = {
                "plan": plan,
                "reviews": drafts.review_organisations(plan.timeline.reviews, plan.timeline.route),
                "fast_track_reasons": fast_track_reasons(plan.timeline),
                "sites": chosen,
                "days": (form.end_date.data - form.start_date.data).days + 1,
            }
    return render_template("locations/quote.html", form=form, result=result, today=_today())


@bp.route("/<slug>")
def site(slug: str):
    location = _site_or_404(slug)
    today = _today()
    first = site_calendars.month_of(request.args.get("month"), today)
    weeks = site_calendars.site_month(location, first, today)
    return render_template(
        "locations/site.html",
        site=location,
        weeks=weeks,
        month=first,
        previous_month=site_calendars.shift_month(first, -1),
        next_month=site_calendars.shift_month(first, 1),
        today=today,
        upcoming_blackouts=[b for b in location.blackouts if b.end_date >= today],
    )


@bp.route("/<slug>/illustration.svg")
def illustration(slug: str):
    location = _site_or_404(slug)
    response = Response(queries.illustration_svg(location), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/<slug>/photos/<id:photo_id>")
def photo(slug: str, photo_id: int):
    location = _site_or_404(slug)
    item = db.session.get(LocationPhoto, photo_id)
    if item is None or item.location_id != location.id or not storage().exists(item.storage_key):
        abort(404)
    if item.content_type not in ("image/jpeg", "image/png", "image/webp"):
        abort(404)
    response = send_file(storage().open(item.storage_key), mimetype=item.content_type, max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<slug>/add", methods=["POST"])
def add_to_application(slug: str):
    """Add the site to the producer's newest draft (or a new one) and go to
    the booking form, prefilled with this site."""
    location = _site_or_404(slug)
    if not current_user.is_authenticated:
        flash(_("Sign in to add %(site)s to an application.", site=location.name), "info")
        return redirect(url_for("auth.login", next=url_for("locations.site", slug=slug)))
    if not current_user.is_producer:
        abort(403)
    try:
        application = drafts.draft_for_site(current_user)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    return redirect(url_for("portal.add_booking", application_id=application.id, site=location.slug))
