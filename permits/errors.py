"""Friendly, translated error pages that leak nothing."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from permits.extensions import db
from permits.services import ServiceError, StaleVersion

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist, or you cannot see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("Someone else acted first"),
        _l("This record was changed by someone else while you were looking at it. Reload the page to see the latest version."),
    ),
    413: (_l("File too large"), _l("The file you sent is larger than the limit. Please send a smaller file.")),
    414: (_l("Address too long"), _l("The address of this page is far longer than any address of this site. Check the link, or start again from the home page.")),
    429: (_l("Too many attempts"), _l("You have tried too many times. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. It has been logged. Please try again later.")),
}


# app.extensions key: [(path prefix, answer(error) -> response)]. Errors of a
# path under a prefix are answered by its function instead of a page (the
# JSON API's problem details: permits.api.problems.answer).
ERROR_ANSWERS = "error_answers"


def answer_elsewhere(error: BaseException):
    """The response of the function that answers errors under this path, or None."""
    for prefix, answer in current_app.extensions.get(ERROR_ANSWERS, ()):
        if request.path.startswith(prefix):
            return answer(error)
    return None


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(title), message=str(detail or message)), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def refused(error: ServiceError, form=None, *, field: str | None = None, aliases: dict | None = None, stale=None):
    """Every blueprint's answer to a service's refusal. The transaction is
    rolled back. A stale form, a refused transition, a missing permission or
    a missing object is an error page with the service's message (409, 403,
    404; ``stale`` may draw a page of its own for a stale form). Anything else
    is about the user's input: it goes on ``form`` next to the field the
    service names (``aliases`` maps the service's field names to the form's;
    ``field`` takes the rest) and None is returned, so the view shows the
    form again with a 400."""
    db.session.rollback()
    if isinstance(error, StaleVersion) and stale is not None:
        return stale()
    if form is None or error.status_code != 400:
        return render_error(error.status_code, error.message)
    name = (aliases or {}).get(error.field, error.field)
    target = getattr(form, name, None) if name else None
    if not hasattr(target, "errors"):
        target = getattr(form, field, None) if field else None
    if hasattr(target, "errors"):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return None


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        answer = answer_elsewhere(error)
        if answer is not None:
            return answer
        return render_error(
            400, _l("Your form expired or was sent from another site. Please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (301, 302, 303, 307, 308):
            return error
        answer = answer_elsewhere(error)
        if answer is not None:
            return answer
        detail = getattr(error, "user_message", None)
        if detail is None and isinstance(error, RateLimitExceeded) and error.limit.error_message:
            detail = error.description  # the limit's own message, in the reader's language
        return render_error(error.code or 500, detail)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        answer = answer_elsewhere(InternalServerError(original_exception=error))
        if answer is not None:
            return answer
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal(error):
        answer = answer_elsewhere(error)
        if answer is not None:
            return answer
        return render_error(500)
