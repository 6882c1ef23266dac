"""The landing page, each role's home page and the language switcher."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from permits.auth.views import safe_next
from permits.extensions import db
from permits.i18n import LANGUAGE_NAMES

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/home")
@login_required
def home():
    """Send each role to its own starting page."""
    endpoints = current_app.view_functions
    if current_user.is_staff and "review.queue" in endpoints:
        return redirect(url_for("review.queue"))
    if current_user.is_producer and "portal.home" in endpoints:
        return redirect(url_for("portal.home"))
    if current_user.is_platform_admin and not current_user.is_staff and not current_user.is_producer:
        return redirect(url_for("admin.index"))
    return render_template("main/home.html")


@bp.route("/language", methods=["POST"])
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = language
    if current_user.is_authenticated and current_user.language != language:
        # The pages change; the e-mails stay in the account's language: say so.
        with force_locale(language):
            said = escape(_("These pages are now in %(language)s. Your e-mails stay in %(email_language)s.",
                            language=LANGUAGE_NAMES[language],
                            email_language=LANGUAGE_NAMES.get(current_user.language, current_user.language)))
            link = Markup('<a class="govuk-notification-banner__link" href="{url}">{text}</a>').format(
                url=url_for("account.profile"), text=_("Change the language of your e-mails on your account page"))
        flash(Markup("{} {}").format(said, link), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
