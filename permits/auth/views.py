"""Sign in, sign out, registration and password reset."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from permits.auth.forms import EmptyForm, ForgotPasswordForm, LoginForm, RegistrationForm, ResetPasswordForm
from permits.errors import refused
from permits.extensions import db, limiter
from permits.services import ServiceError, accounts, api_tokens

bp = Blueprint("auth", __name__)

def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            # One message for an unknown e-mail and a wrong password.
            error = _("The e-mail address or password is not correct.")
        else:
            next_url = safe_next(request.args.get("next"))
            language = session.get("language")
            # Rotate the session: nothing from before sign-in survives it.
            session.clear()
            if language:
                session["language"] = language
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(next_url or url_for("main.home"))
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_all_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out."), "success")
    return redirect(url_for("main.index"))


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"],
               error_message=lambda: _("Too many registrations from your network. Please try again in an hour."))
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    if request.method == "GET":
        form.language.data = str(get_locale().language)
    if form.validate_on_submit():
        try:
            accounts.request_registration(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                language=form.language.data,
                legal_name=form.legal_name.data,
                country=form.country.data,
                registration_number=form.registration_number.data or "",
                phone=form.phone.data or "",
            )
        except ServiceError as error:
            failure = refused(error, form, field="email")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            # Where to go once the e-mailed link is opened in this browser
            # (a quote's "Start an application", say).
            next_url = safe_next(request.args.get("next"))
            if next_url:
                session["after_registration"] = next_url
            # The same page whether or not the address has an account.
            return render_template("auth/register_sent.html", email=form.email.data)
    return render_template("auth/register.html", form=form)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    """The link of the confirmation e-mail: a page with one button (a GET
    changes nothing, so a mail scanner opening the link creates no account)."""
    pending = accounts.pending_registration(token)
    if pending is None:
        return render_template("auth/register_invalid.html"), 400
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            user = accounts.confirm_registration(token)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "info")
            return redirect(url_for("auth.login"))
        next_url = safe_next(session.get("after_registration"))
        session.clear()
        login_user(user)
        db.session.commit()
        flash(_("Welcome! Your account and your company are registered."), "success")
        return redirect(next_url or url_for("main.home"))
    return render_template("auth/register_confirm.html", pending=pending, form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if accounts.user_for_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            _user, revoked = accounts.reset_password(token, form.password.data)
        except ServiceError as error:
            failure = refused(error, form, field="password")
            if failure is not None:
                return failure
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your password has been changed. Sign in with the new password."), "success")
            if notice := api_tokens.revoked_notice(revoked):
                flash(notice, "warning")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
