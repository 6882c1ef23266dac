"""The signed-in user's own account: name, language, password, notifications."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from permits.account.forms import ChangePasswordForm, NotificationPreferencesForm, ProfileForm
from permits.errors import refused
from permits.extensions import db
from permits.services import ServiceError, accounts, notify

bp = Blueprint("account", __name__)


def _page(form, password_form, preferences_form=None):
    preferences_form = preferences_form or NotificationPreferencesForm(prefix="notify", obj=current_user)
    return render_template(
        "account/profile.html", form=form, password_form=password_form, preferences_form=preferences_form
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, name=form.name.data, language=form.language.data)
        except ServiceError as error:
            failure = refused(error, form, field="language")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            session.pop("language", None)
            flash(_("Your details have been saved."), "success")
            return redirect(url_for("account.profile"))
    return _page(form, password_form)


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            accounts.change_password(current_user, password_form.current_password.data, password_form.password.data)
        except ServiceError as error:
            failure = refused(error, password_form, field="password")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            # Every other session ended with the version bump; keep this one.
            session.clear()
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. You were signed out everywhere else."), "success")
            return redirect(url_for("account.profile"))
    return _page(form, password_form)


@bp.route("/notifications", methods=["POST"])
@login_required
def notification_preferences():
    preferences_form = NotificationPreferencesForm(prefix="notify")
    if preferences_form.validate_on_submit():
        try:
            notify.update_preferences(
                current_user,
                email_notifications=preferences_form.email_notifications.data,
                daily_digest=preferences_form.daily_digest.data,
            )
        except ServiceError as error:
            failure = refused(error, preferences_form, field="email_notifications")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            flash(_("Your notification choices have been saved."), "success")
            return redirect(url_for("account.profile") + "#notification-preferences")
    return _page(ProfileForm(obj=current_user), ChangePasswordForm(prefix="pw"), preferences_form)
