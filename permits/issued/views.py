"""Issued permits: PDF download, revocation, amendments (riders).

Who sees a permit: the producers of its company, and the staff who can see
the application (the ministry, the organisations that reviewed it). Anyone
else gets a 404. Revoking is for the ministry's supervisors and platform
admins (403 for other staff who can see it); amending for the producers.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from permits.access import company_ids, staff_can_see_application
from permits.errors import refused
from permits.extensions import db
from permits.issued.forms import AmendForm, RevokeForm
from permits.labels import ACTIVITIES, APPLICATION_STATES, REVIEW_STATES
from permits.models import Location, Permit, PermitVersion
from permits.services import ServiceError, amendments, workflow
from permits.services import permits as permit_service
from permits.services.context import definition_of
from permits.storage import storage
from workflows import ApplicationState, Role

bp = Blueprint("issued", __name__)

PERMIT_STATUSES = {
    "valid": _l("Valid"),
    "revoked": _l("Revoked"),
    "expired": _l("Expired"),
}
PERMIT_STATUS_TAGS = {"valid": "govuk-tag--green", "revoked": "govuk-tag--red", "expired": "govuk-tag--grey"}
AMENDMENT_STATES = {
    "in_review": _l("Being reviewed"),
    "final_review": _l("Final decision"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "lapsed": _l("Closed"),
}
# The modifier of an amendment on the permit's timeline (a running one is "current").
AMENDMENT_TIMELINE = {"approved": "complete", "rejected": "error", "lapsed": "error"}
AMENDMENT_TAGS = {
    "in_review": "govuk-tag--blue",
    "final_review": "govuk-tag--light-blue",
    "approved": "govuk-tag--green",
    "rejected": "govuk-tag--red",
    "lapsed": "govuk-tag--grey",
}


@bp.app_context_processor
def permit_labels():
    return {
        "permit_statuses": PERMIT_STATUSES,
        "permit_status_tags": PERMIT_STATUS_TAGS,
        "amendment_states": AMENDMENT_STATES,
        "amendment_tags": AMENDMENT_TAGS,
        "amendment_timeline": AMENDMENT_TIMELINE,
    }


@bp.app_template_global("permit_for")
def permit_for(application):
    """The permit of an application (None before approval), for the panels."""
    if application is None or getattr(application, "id", None) is None:
        return None
    return permit_service.permit_of(application)


@bp.app_template_global("filming_at")
def filming_at(location):
    """Current and upcoming permitted shoots at a site (valid permits only)."""
    return permit_service.filming_at(location)


@bp.app_template_global("can_revoke_permit")
def can_revoke_permit(user, application) -> bool:
    """Whoever the application's process definition lets revoke an approved one."""
    if not getattr(user, "is_authenticated", False):
        return False
    definition = definition_of(application)
    if user.is_platform_admin:
        return "revoke" in definition.allowed_application_actions(ApplicationState.APPROVED, Role.PLATFORM_ADMIN)
    return any(
        "revoke" in definition.allowed_application_actions(ApplicationState.APPROVED, m.role, m.organisation.kind)
        for m in user.organisation_memberships
    )


def _is_producer_of(application) -> bool:
    return application.company_id in company_ids(current_user)


def _permit_or_404(permit_id: int) -> Permit:
    permit = db.session.get(Permit, permit_id)
    if permit is None:
        abort(404)
    application = permit.application
    if _is_producer_of(application):
        return permit
    if current_user.is_staff and staff_can_see_application(current_user, application):
        return permit
    abort(404)


def _producers_permit_or_404(permit_id: int) -> Permit:
    permit = db.session.get(Permit, permit_id)
    if permit is None or not _is_producer_of(permit.application):
        abort(404)
    return permit


@bp.route("/<id:permit_id>")
@login_required
def permit(permit_id: int):
    permit = _permit_or_404(permit_id)
    application = permit.application
    return render_template(
        "issued/permit.html",
        permit=permit,
        application=application,
        amendments=amendments.amendments_of(application),
        open_amendment=amendments.open_amendment(application),
        bookings=permit_service.permitted_bookings(application),
        conditions=permit_service.grouped_conditions(permit.conditions),
        is_producer=_is_producer_of(application),
        activities=ACTIVITIES,
        application_states=APPLICATION_STATES,
        review_states=REVIEW_STATES,
        amendment_reviews={a.id: amendments.reviews_of(a) for a in amendments.amendments_of(application)},
    )


def _send(permit: Permit, version: PermitVersion | None):
    if version is None or version.status != "ready":
        flash(_("The permit's PDF is still being prepared. Try again in a minute."), "info")
        return redirect(url_for("issued.permit", permit_id=permit.id))
    response = send_file(
        storage().open(version.storage_key),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{permit.number}-v{version.version}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<id:permit_id>/pdf")
@login_required
def pdf(permit_id: int):
    """The current version's PDF (or the latest ready one while it is made)."""
    permit = _permit_or_404(permit_id)
    version = permit_service.current_version(permit)
    if version is None or version.status != "ready":
        version = permit_service.latest_ready_version(permit)
    return _send(permit, version)


@bp.route("/<id:permit_id>/versions/<id:number>.pdf")
@login_required
def version_pdf(permit_id: int, number: int):
    permit = _permit_or_404(permit_id)
    version = next((v for v in permit.versions if v.version == number), None)
    if version is None:
        abort(404)
    return _send(permit, version)


@bp.route("/<id:permit_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(permit_id: int):
    permit = _permit_or_404(permit_id)
    application = permit.application
    if not can_revoke_permit(current_user, application):
        abort(403)
    form = RevokeForm()
    if permit.status != "valid":
        return render_template("issued/revoke.html", permit=permit, application=application, form=None)
    if form.validate_on_submit():
        try:
            workflow.revoke(application, current_user, form.reason.data, expected_version=form.version.data or None)
        except ServiceError as error:
            failure = refused(error, form, field="reason")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("Permit %(number)s is revoked. The producer has been told.", number=permit.number), "success")
            return redirect(url_for("issued.permit", permit_id=permit.id))
    if not form.is_submitted():
        form.version.data = str(application.version)
    return render_template("issued/revoke.html", permit=permit, application=application, form=form)


def _site_choices(application) -> list[tuple[int, str]]:
    permitted = {b.location_id for b in permit_service.permitted_bookings(application)}
    sites = db.session.execute(select(Location).where(Location.published.is_(True))).scalars().all()
    ordered = sorted(sites, key=lambda s: (s.id not in permitted, s.name.casefold()))
    return [(0, _("Choose a site"))] + [
        (s.id, s.name + (" — " + _("on the permit") if s.id in permitted else "")) for s in ordered
    ]


@bp.route("/<id:permit_id>/amend", methods=["GET", "POST"])
@login_required
def amend(permit_id: int):
    permit = _producers_permit_or_404(permit_id)
    application = permit.application
    open_amendment = amendments.open_amendment(application)
    if permit.status != "valid" or application.state != "approved" or open_amendment is not None:
        return render_template("issued/amend.html", permit=permit, application=application, form=None,
                               open_amendment=open_amendment)
    form = AmendForm()
    form.location_id.choices = _site_choices(application)
    if form.validate_on_submit():
        location = db.session.get(Location, form.location_id.data)
        if location is None or not location.published:
            form.location_id.errors = [_("Choose the filming site.")]
        else:
            try:
                amendments.request_amendment(
                    application,
                    current_user,
                    location=location,
                    start=form.start_date.data,
                    end=form.end_date.data,
                    daily_start=form.daily_start.data,
                    daily_end=form.daily_end.data,
                    crew_on_site=form.crew_on_site.data,
                    vehicles=form.vehicles.data or 0,
                    note=form.note.data or "",
                    expected_version=form.version.data or None,
                )
            except ServiceError as error:
                failure = refused(error, form, field="start_date")
                if failure is not None:
                    return failure
            else:
                db.session.commit()
                flash(_("Your amendment was sent. Only the reviews it touches are opened; your permit stays valid meanwhile."), "success")
                return redirect(url_for("issued.permit", permit_id=permit.id))
    if not form.is_submitted():
        form.version.data = str(application.version)
        form.vehicles.data = 0
    return render_template("issued/amend.html", permit=permit, application=application, form=form,
                           open_amendment=None)
