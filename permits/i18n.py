"""Language selection for pages: the header switcher's choice kept in the
session, else the signed-in user's preference (the language of their
e-mails, set on the account page), else the browser's Accept-Language, else
Azerbaijani. The switcher changes the pages only, never the e-mails."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

LANGUAGE_NAMES = {"az": "Azərbaycanca", "en": "English", "ru": "Русский"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a task or a command: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        # The API reads no cookie: the client's Accept-Language, else English.
        return request.accept_languages.best_match(languages) or "en"
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
