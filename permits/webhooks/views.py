"""Webhook endpoints: list, create (the secret shown once), change, switch
off, rotate the secret, delete; an endpoint's recent deliveries with the
receiver's answers, and a re-send.

A company's administrator manages its endpoints, an organisation's
supervisors and admins manage the organisation's. Anyone else signed in
gets 403 on the list; an endpoint (or a delivery) one does not manage is
404, whoever asks.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from permits.errors import refused
from permits.extensions import db
from permits.models import User, WebhookStatus
from permits.notifications import webhooks as webhook_delivery
from permits.services import NotFound, ServiceError, webhooks
from permits.webhooks.forms import EVENT_LABELS, ConfirmForm, EditForm, EndpointForm

bp = Blueprint("webhooks", __name__)

STATUS_TAGS = {
    WebhookStatus.PENDING: "grey",
    WebhookStatus.SENDING: "light-blue",
    WebhookStatus.DELIVERED: "green",
    WebhookStatus.FAILED: "yellow",
    WebhookStatus.DEAD: "red",
}


def status_labels() -> dict[str, str]:
    return {
        WebhookStatus.PENDING: _("Waiting"),
        WebhookStatus.SENDING: _("Sending"),
        WebhookStatus.DELIVERED: _("Delivered"),
        WebhookStatus.FAILED: _("Will retry"),
        WebhookStatus.DEAD: _("Gave up"),
    }


@bp.app_context_processor
def inject_webhooks_link():
    # The account page links here for those who manage endpoints.
    if has_request_context() and request.endpoint == "account.profile" and current_user.is_authenticated:
        return {"webhooks_link": bool(webhooks.managed_owners(_user()))}
    return {}


def _user() -> User:
    return current_user._get_current_object()


def _owners_or_403() -> list[webhooks.Owner]:
    owners = webhooks.managed_owners(_user())
    if not owners:
        abort(403)
    return owners


def _endpoint_or_404(endpoint_id: int):
    try:
        return webhooks.endpoint_for(_user(), endpoint_id)
    except NotFound:
        abort(404)


def _common() -> dict:
    return {
        "event_labels": EVENT_LABELS,
        "status_labels": status_labels(),
        "status_tags": STATUS_TAGS,
        "signature_header": webhook_delivery.SIGNATURE_HEADER,
        "event_header": webhook_delivery.EVENT_HEADER,
        "delivery_header": webhook_delivery.DELIVERY_HEADER,
        "max_endpoints": webhooks.MAX_ENDPOINTS_PER_OWNER,
        "max_attempts": webhook_delivery.MAX_ATTEMPTS,
    }


@bp.route("/")
@login_required
def index():
    owners = _owners_or_403()
    endpoints = webhooks.endpoints_of(owners)
    names = {o.key: o.name for o in owners}
    rows = [(e, names.get(f"company:{e.company_id}" if e.company_id else f"organisation:{e.organisation_id}", ""))
            for e in endpoints]
    return render_template("webhooks/index.html", rows=rows, **_common())


def _new_page(form: EndpointForm, status: int = 200):
    return render_template("webhooks/new.html", form=form, **_common()), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    owners = _owners_or_403()
    form = EndpointForm() if request.method == "POST" else EndpointForm(formdata=None)
    form.owner.choices = [(o.key, o.name) for o in owners]
    if request.method == "GET":
        return _new_page(form)
    if not form.validate():
        return _new_page(form, 400)
    try:
        endpoint, secret = webhooks.create_endpoint(
            _user(), form.owner.data or "", form.url.data or "", events=form.events.data or [],
            description=form.description.data or "",
        )
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _new_page(form, 400)
    db.session.commit()
    # Shown in this answer only (never stored in the session, never again).
    return render_template("webhooks/secret.html", endpoint=endpoint, secret=secret, created=True, **_common())


def _endpoint_page(endpoint, form: EditForm | None = None, status: int = 200):
    if form is None:
        form = EditForm(formdata=None, description=endpoint.description, events=list(endpoint.events or []),
                        active=endpoint.active)
    deliveries = webhooks.recent_deliveries(endpoint)
    bodies = {d.id: json.dumps(d.payload, ensure_ascii=False, indent=2, sort_keys=True) for d in deliveries}
    return render_template(
        "webhooks/endpoint.html", endpoint=endpoint, owner=webhooks.owner_name(endpoint), form=form,
        confirm=ConfirmForm(formdata=None), deliveries=deliveries, bodies=bodies, **_common(),
    ), status


@bp.route("/<id:endpoint_id>")
@login_required
def endpoint(endpoint_id: int):
    return _endpoint_page(_endpoint_or_404(endpoint_id))


@bp.route("/<id:endpoint_id>/edit", methods=["POST"])
@login_required
def edit(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    form = EditForm()
    if not form.validate():
        return _endpoint_page(endpoint, form, 400)
    try:
        webhooks.update_endpoint(_user(), endpoint, events=form.events.data or [],
                                 description=form.description.data or "", active=form.active.data)
    except ServiceError as error:
        failure = refused(error, form)
        return failure if failure is not None else _endpoint_page(_endpoint_or_404(endpoint_id), form, 400)
    db.session.commit()
    flash(_("The endpoint is saved."), "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@bp.route("/<id:endpoint_id>/rotate", methods=["POST"])
@login_required
def rotate(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        secret = webhooks.rotate_secret(_user(), endpoint)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    return render_template("webhooks/secret.html", endpoint=endpoint, secret=secret, created=False, **_common())


@bp.route("/<id:endpoint_id>/delete", methods=["GET", "POST"])
@login_required
def delete(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    form = ConfirmForm() if request.method == "POST" else ConfirmForm(formdata=None)
    if request.method == "GET":
        return render_template("webhooks/delete.html", endpoint=endpoint, form=form, **_common())
    if not form.validate():
        abort(400)
    try:
        webhooks.delete_endpoint(_user(), endpoint)
    except ServiceError as error:
        return refused(error)
    db.session.commit()
    flash(_("The endpoint and its deliveries were deleted."), "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/<id:endpoint_id>/deliveries/<id:delivery_id>/resend", methods=["POST"])
@login_required
def resend(endpoint_id: int, delivery_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    try:
        delivery = webhooks.delivery_of(endpoint, delivery_id)
    except NotFound:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    try:
        webhooks.resend(_user(), delivery)
    except ServiceError as error:
        if error.status_code != 400:
            return refused(error)
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
    db.session.commit()
    flash(_("Delivery %(id)s will be sent again now.", id=delivery.id), "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
