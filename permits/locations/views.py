"""The public catalogue of filming sites."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from permits.errors import refused, render_error
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
from permits.locations.forms import CatalogueFilterForm, QuoteForm, SiteDatesForm
from permits.models import Location, LocationPhoto
from permits.page_cache import SHOOTS, SHOOTS_EVERYWHERE, SITES, public_page, site_scope
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


# The site's page shows the owner, every photo and the closures: loaded with the site, not on first touch.
_SITE_PAGE = (joinedload(Location.owner), selectinload(Location.photos), selectinload(Location.blackouts))


def _site_or_404(slug: str, *, options=()) -> Location:
    location = db.session.execute(select(Location).where(Location.slug == slug).options(*options)).scalar_one_or_none()
    if location is None or not location.published:
        abort(404)
    return location


def _today():
    return calendar().local_date(now_utc())


def _catalogue_reads():
    # Free dates (a filter) depend on the shoots; the cards on the sites alone.
    dated = request.args.get("start_date") or request.args.get("end_date")
    return (SITES, SHOOTS) if dated else (SITES,)


@bp.route("/")
@public_page(scopes=_catalogue_reads)
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


def _submitted(args) -> bool:
    """Whether the quote form was sent: a link that only preselects sites
    (a site page's "Get a quote") shows the empty form, without errors."""
    return any(key != "sites" for key in args)


def _published_sites() -> list[Location]:
    locations = list(db.session.execute(select(Location).where(Location.published.is_(True))).scalars())
    locations.sort(key=lambda location: location.name.casefold())
    return locations


def read_quote(formdata, *, validate: bool):
    """The quote form, each chosen site's own dates (a form each) and, when
    the form validates, the planned sites: each on its own dates or on the
    common ones."""
    locations = _published_sites()
    form = QuoteForm(formdata=formdata if formdata else None)
    form.sites.choices = [(location.slug, location.name) for location in locations]
    by_slug = {location.slug: location for location in locations}
    chosen = [by_slug[slug] for slug in dict.fromkeys(form.sites.data or []) if slug in by_slug]
    site_forms = [(location, SiteDatesForm(formdata=formdata if formdata else None, prefix=f"site-{location.slug}"))
                  for location in chosen]
    for location, site_form in site_forms:
        site_form.start_date.label.text = _("First day at %(site)s", site=location.name)
        site_form.end_date.label.text = _("Last day at %(site)s", site=location.name)
    if not validate:
        return form, site_forms, chosen, None
    valid = form.validate()
    for location, site_form in site_forms:
        if not site_form.validate():
            valid = False
            for field in site_form:
                field.errors = [f"{location.name}: {message}" for message in field.errors]
    if form.sites.data and not chosen:
        form.sites.errors.append(_("Choose at least one filming site."))
        valid = False
    needs_common = [location for location, site_form in site_forms if site_form.own_dates is None]
    if needs_common or not chosen:
        if form.start_date.data is None and not form.start_date.errors:
            form.start_date.errors.append(_("Enter the first shoot day."))
            valid = False
        if form.end_date.data is None and not form.end_date.errors:
            form.end_date.errors.append(_("Enter the last shoot day."))
            valid = False
    if not valid:
        return form, site_forms, chosen, None
    planned = []
    for location, site_form in site_forms:
        first, last = site_form.own_dates or (form.start_date.data, form.end_date.data)
        planned.append(drafts.PlannedSite(location, first, last, form.crew.data, form.vehicles.data or 0))
    return form, site_forms, chosen, planned


def quote_facts(form) -> dict:
    return {
        "activities": form.activities.data or [],
        "country_of_origin": (form.country_of_origin.data or "").strip().upper()[:2],
        "production_type": form.production_type.data or "feature",
    }


@bp.route("/quote")
@public_page
def quote():
    submitted = _submitted(request.args)
    form, site_forms, chosen, planned = read_quote(request.args, validate=submitted)
    if not request.args and current_user.is_authenticated and current_user.company:
        form.country_of_origin.data = current_user.company.country
    result = None
    if planned:
        facts = quote_facts(form)
        plan = drafts.plan(planned, activities=facts["activities"], country_of_origin=facts["country_of_origin"] or "AZ",
                           production_type=facts["production_type"])
        result = {
            "plan": plan,
            "planned": planned,
            "reviews": drafts.review_organisations(plan.timeline.reviews, plan.timeline.route, chosen),
            "fast_track_reasons": fast_track_reasons(plan.timeline),
            "sites": chosen,
            "same_dates": len({(p.start, p.end) for p in planned}) == 1,
            "days": (planned[0].end - planned[0].start).days + 1,
        }
    return render_template("locations/quote.html", form=form, site_forms=site_forms, result=result, today=_today(),
                           arriving=bool(request.args.get("start")))


@bp.route("/quote/start", methods=["POST"])
def start_from_quote():
    """"Start an application" on a quote: a draft with the quote's sites, each
    on its dates, the crew, vehicles, activities, type and country. A visitor
    signs in (or registers) first and comes back to the same quote."""
    args = [(key, value) for key, value in request.form.items(multi=True) if key not in ("csrf_token", "start")]
    back = url_for("locations.quote") + "?" + urlencode([*args, ("start", "1")])
    if not current_user.is_authenticated:
        flash(_("Sign in, or register your company, to start an application with this quote. The quote is kept."), "info")
        return redirect(url_for("auth.login", next=back))
    if not current_user.is_producer:
        message = _("Only producers acting for a company can start an application. You are signed in with a staff account.")
        return render_error(403, message)
    form, _site_forms, _chosen, planned = read_quote(request.form, validate=True)
    if not planned:
        return redirect(back)
    facts = quote_facts(form)
    try:
        application = drafts.draft_from_quote(current_user, planned, crew_total=form.crew.data, **facts)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("Your application is started with the quote's sites, dates, crew and activities. Complete each section, then submit."),
          "success")
    return redirect(url_for("portal.application", application_id=application.id))


@bp.route("/<slug>")
@public_page(scopes=lambda slug: (SITES, SHOOTS_EVERYWHERE, site_scope(slug)))
def site(slug: str):
    location = _site_or_404(slug, options=_SITE_PAGE)
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
