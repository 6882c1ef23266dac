"""The site owners' tools: their sites, a site's calendar, closures, rules and limits.

Staff see the sites of their own organisations (the film commission sees
every site); only a supervisor or admin of the owner changes one.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from permits.access import is_ministry, organisation_ids, staff_required
from permits.errors import refused
from permits.extensions import db
from permits.models import Location, User
from permits.services import ServiceError, sites
from permits.services.context import calendar, now_utc
from permits.sites.forms import BlackoutForm, RemoveForm, SiteSettingsForm

bp = Blueprint("sites", __name__)


def _user() -> User:
    return current_user._get_current_object()


def _my_sites() -> list[Location]:
    query = select(Location).order_by(Location.name_en)
    if not is_ministry(current_user):
        query = query.where(Location.owner_organisation_id.in_(sorted(organisation_ids(current_user)) or [-1]))
    return list(db.session.execute(query).scalars())


def _site_or_404(slug: str) -> Location:
    location = db.session.execute(select(Location).where(Location.slug == slug)).scalar_one_or_none()
    if location is None:
        abort(404)
    if location.owner_organisation_id not in organisation_ids(current_user) and not is_ministry(current_user):
        abort(404)
    return location


def _site_editor_or_403(slug: str) -> Location:
    location = _site_or_404(slug)
    if not sites.can_edit(_user(), location):
        abort(403)
    return location


@bp.route("")
@staff_required
def index():
    mine = _my_sites()
    return render_template("sites/index.html", sites=mine, can_edit={s.id: sites.can_edit(_user(), s) for s in mine})


def _site_page(location: Location, *, settings_form=None, blackout_form=None, status: int = 200):
    today = calendar().local_date(now_utc())
    first = sites.month_of(request.args.get("month"), today)
    editable = sites.can_edit(_user(), location)
    if settings_form is None:
        settings_form = SiteSettingsForm(
            formdata=None,
            rules_az=location.rules_az,
            rules_en=location.rules_en,
            rules_ru=location.rules_ru,
            fee_per_day=f"{location.fee_per_day:.2f}",
            max_crew=location.max_crew,
            yearly_cap_days=location.yearly_cap_days,
            standing_consent=location.standing_consent,
            filming_hours_start=location.filming_hours_start,
            filming_hours_end=location.filming_hours_end,
        )
    return (
        render_template(
            "sites/calendar.html",
            location=location,
            weeks=sites.site_month(location, first, today),
            month=first,
            previous=sites.shift_month(first, -1).strftime("%Y-%m"),
            following=sites.shift_month(first, 1).strftime("%Y-%m"),
            today=today,
            editable=editable,
            settings_form=settings_form,
            blackout_form=blackout_form or BlackoutForm(formdata=None),
            delete_form=RemoveForm(formdata=None),
            used_days=sites.shoot_days_in_year(location, first.year),
        ),
        status,
    )


@bp.route("/<slug>/calendar", endpoint="calendar")
@staff_required
def site_calendar(slug: str):
    return _site_page(_site_or_404(slug))


@bp.route("/<slug>/settings", methods=["POST"])
@staff_required
def settings(slug: str):
    location = _site_editor_or_403(slug)
    form = SiteSettingsForm()
    if not form.validate():
        return _site_page(location, settings_form=form, status=400)
    try:
        sites.update_settings(
            location,
            _user(),
            rules_az=form.rules_az.data or "",
            rules_en=form.rules_en.data or "",
            rules_ru=form.rules_ru.data or "",
            fee_per_day=form.fee_per_day.data,
            max_crew=form.max_crew.data,
            yearly_cap_days=form.yearly_cap_days.data,
            standing_consent=form.standing_consent.data,
            filming_hours_start=form.filming_hours_start.data,
            filming_hours_end=form.filming_hours_end.data,
        )
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _site_page(_site_or_404(slug), settings_form=form, status=400)
    db.session.commit()
    flash(_("The site's rules and limits are saved."), "success")
    return redirect(url_for("sites.calendar", slug=location.slug))


@bp.route("/<slug>/blackouts", methods=["POST"])
@staff_required
def add_blackout(slug: str):
    location = _site_editor_or_403(slug)
    form = BlackoutForm()
    if not form.validate():
        return _site_page(location, blackout_form=form, status=400)
    try:
        sites.add_blackout(location, _user(), start=form.start_date.data, end=form.end_date.data, reason=form.reason.data or "")
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _site_page(_site_or_404(slug), blackout_form=form, status=400)
    db.session.commit()
    flash(_("The site is closed to filming on those days."), "success")
    return redirect(url_for("sites.calendar", slug=location.slug, month=form.start_date.data.strftime("%Y-%m")))


@bp.route("/<slug>/blackouts/<id:blackout_id>/delete", methods=["POST"])
@staff_required
def remove_blackout(slug: str, blackout_id: int):
    location = _site_editor_or_403(slug)
    if not RemoveForm().validate():
        abort(400)
    try:
        sites.remove_blackout(location, _user(), blackout_id)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    flash(_("The closure was removed."), "success")
    return redirect(url_for("sites.calendar", slug=location.slug))
