"""The signed-in user's own account: name, language, password, notifications."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from permits.account.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    NotificationPreferencesForm,
    ProfileForm,
    RevokeTokenForm,
)
from permits.errors import refused
from permits.extensions import db
from permits.models import ApiToken
from permits.services import ServiceError, accounts, api_tokens, notify
from permits.services.context import now_utc

bp = Blueprint("account", __name__)


def _page(form, password_form, preferences_form=None, token_form=None, status: int = 200):
    preferences_form = preferences_form or NotificationPreferencesForm(prefix="notify", obj=current_user)
    token_form = token_form or ApiTokenForm(prefix="token", formdata=None)
    return render_template(
        "account/profile.html", form=form, password_form=password_form, preferences_form=preferences_form,
        token_form=token_form, tokens=api_tokens.tokens_of(current_user), now=now_utc(),
    ), status


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
            revoked = accounts.change_password(current_user, password_form.current_password.data,
                                               password_form.password.data)
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
            if notice := api_tokens.revoked_notice(revoked):
                flash(notice, "warning")
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


# ----------------------------------------------------------------------------- API tokens


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    """A new personal access token: its secret is shown on this one page, once."""
    token_form = ApiTokenForm(prefix="token")
    if token_form.validate_on_submit():
        try:
            made = api_tokens.create(
                current_user, name=token_form.name.data, scopes=["read", "write"] if token_form.access.data == "write" else ["read"],
                expires_in_days=int(token_form.lifetime.data),
            )
        except ServiceError as error:
            failure = refused(error, token_form, field="name", aliases={"scopes": "access", "expires_in_days": "lifetime"})
            if failure is not None:
                return failure
        else:
            db.session.commit()
            return render_template("account/token_created.html", token=made.token, secret=made.secret)
    return _page(ProfileForm(obj=current_user), ChangePasswordForm(prefix="pw"), token_form=token_form, status=400)


def _own_token_or_404(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    return token


@bp.route("/tokens/<id:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_token(token_id: int):
    """Asks first; the POST revokes at once (API calls with it get 401 from then on)."""
    token = _own_token_or_404(token_id)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        try:
            api_tokens.revoke(current_user, token.id)
        except ServiceError as error:
            return refused(error)
        db.session.commit()
        flash(_("The token “%(name)s” is revoked. Programs using it can no longer reach the API.", name=token.name), "success")
        return redirect(url_for("account.profile") + "#api-tokens")
    return render_template("account/revoke_token.html", token=token, form=form)
