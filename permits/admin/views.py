"""Platform administration: organisations and staff accounts."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from permits.admin.forms import OrganisationForm, StaffUserForm
from permits.errors import refused
from permits.extensions import db
from permits.models import Organisation, OrganisationMembership, User
from permits.services import ServiceError, accounts

bp = Blueprint("admin", __name__)


def platform_admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_platform_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/")
@platform_admin_required
def index():
    counts = {
        "organisations": db.session.scalar(select(func.count(Organisation.id))),
        "users": db.session.scalar(select(func.count(User.id))),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/organisations", methods=["GET", "POST"])
@platform_admin_required
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            accounts.create_organisation(
                key=form.key.data,
                kind=form.kind.data,
                name_az=form.name_az.data,
                name_en=form.name_en.data,
                name_ru=form.name_ru.data,
                email=form.email.data or "",
                phone=form.phone.data or "",
            )
        except ServiceError as error:
            failure = refused(error, form, field="key")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("The organisation has been created."), "success")
            return redirect(url_for("admin.organisations"))
    rows = db.session.execute(
        select(Organisation, func.count(OrganisationMembership.id))
        .outerjoin(OrganisationMembership)
        .group_by(Organisation.id)
        .order_by(Organisation.kind, Organisation.key)
    ).all()
    return render_template("admin/organisations.html", form=form, rows=rows)


@bp.route("/staff", methods=["GET", "POST"])
@platform_admin_required
def staff():
    form = StaffUserForm()
    organisations = db.session.execute(select(Organisation).order_by(Organisation.key)).scalars().all()
    form.organisation_id.choices = [(o.id, o.name) for o in organisations]
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            accounts.create_staff_user(
                organisation=organisation,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=form.role.data,
                language=form.language.data,
            )
        except ServiceError as error:
            failure = refused(error, form, field="email")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("The account has been created."), "success")
            return redirect(url_for("admin.staff"))
    members = db.session.execute(
        select(OrganisationMembership)
        .options(selectinload(OrganisationMembership.user), selectinload(OrganisationMembership.organisation))
        .order_by(OrganisationMembership.organisation_id, OrganisationMembership.role)
    ).scalars().all()
    return render_template("admin/staff.html", form=form, members=members)


@bp.route("/process")
@platform_admin_required
def process():
    """The process as the code defines it: a picture and every transition."""
    from workflows import current_definition, registered_versions
    from workflows.diagram import to_mermaid

    definition = current_definition()
    return render_template(
        "admin/process.html", definition=definition, versions=registered_versions(), mermaid=to_mermaid(definition)
    )


@bp.route("/process.svg")
@platform_admin_required
def process_svg():
    from workflows import current_definition
    from workflows.diagram import to_svg

    return Response(to_svg(current_definition()), mimetype="image/svg+xml")
