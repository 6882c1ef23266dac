"""Every error under ``/api/`` as RFC 9457 problem details.

``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and ``instance``; a validation problem lists its fields under
``errors`` (``field``, where it was - ``query``, ``body``, ``path`` - and
``detail``; a body member also has its JSON ``pointer``). Titles and the
details written here are English and stable; a service's refusal keeps its
own (translated when the client asks for a language).

The app's error handlers (``permits.errors``) hand every error of a path
under ``/api/`` to :func:`answer`, so a missing route, a wrong method, a rate
limit, an address too long or an unexpected exception is never an HTML page.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from permits.services import NotFound, PermissionDenied, ServiceError, StaleVersion

MEDIA_TYPE = "application/problem+json"
API_PATHS = "/api/"
TYPE_BASE = "/api/v1/problems/"
REALM = 'Bearer realm="film-permits-api"'


class FieldProblem(BaseModel):
    field: str = Field(description="The parameter or body member, dotted for nested members.")
    location: str = Field(alias="in", description="query, body or path")
    detail: str
    pointer: str | None = Field(None, description="JSON Pointer of a body member.")

    model_config = {"populate_by_name": True}


class ProblemDetails(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="A URI reference naming the kind of problem; about:blank when the status says it all.")
    title: str
    status: int = Field(ge=100, le=599)
    detail: str
    instance: str = Field(description="The path of the request that failed.")


class ValidationProblem(ProblemDetails):
    """Problem details of a request whose fields are not valid, each named."""

    errors: list[FieldProblem] = Field(default_factory=list)


class Problem(HTTPException):
    """An HTTP error of the API, answered as problem details wherever it is raised."""

    def __init__(self, status: int, detail: str, *, kind: str | None = None, title: str | None = None,
                 errors: list[dict] | None = None, headers: dict[str, str] | None = None):
        super().__init__(description=detail)
        self.code = status
        self.detail = detail
        self.kind = kind
        self.title = title or HTTP_STATUS_CODES.get(status, "Error")
        self.errors = errors
        self.extra_headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.kind if self.kind else "about:blank",
            "title": self.title,
            "status": self.code,
            "detail": self.detail,
            "instance": _instance(),
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def get_response(self, environ=None, scope=None) -> Response:
        response = current_app.response_class(current_app.json.dumps(self.body()), status=self.code, mimetype=MEDIA_TYPE)
        response.headers["Content-Language"] = "en"
        response.headers["Cache-Control"] = "no-store"
        for name, value in self.extra_headers.items():
            response.headers[name] = value
        return response


def _instance() -> str:
    try:
        return request.path
    except RuntimeError:  # outside a request
        return ""


# ----------------------------------------------------------------------------- the problems


def invalid_fields(error, location: str) -> Problem:
    """A pydantic ValidationError of the query or the body: 422, every field named."""
    errors = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        loc = [str(part) for part in item.get("loc", ())]
        entry = {"field": ".".join(loc) or location, "in": location, "detail": item.get("msg", "Invalid value.")}
        if location == "body":
            entry["pointer"] = "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in loc)
        errors.append(entry)
    return validation_problem(errors)


def validation_problem(errors: list[dict], detail: str | None = None) -> Problem:
    count = len(errors)
    return Problem(422, detail or ("1 field is not valid." if count == 1 else f"{count} fields are not valid."),
                   kind="validation-error", title="Your request is not valid", errors=errors)


def form_errors(form, location: str = "query", names: dict[str, str] | None = None) -> Problem:
    """A WTForms form's errors (the pages' own rules) as a validation problem;
    ``names`` maps the form's field names to the API's."""
    errors = []
    for name, messages in form.errors.items():
        field = (names or {}).get(name, name)
        for message in messages if isinstance(messages, list) else [messages]:
            if isinstance(message, dict):  # an enclosed form
                continue
            errors.append({"field": field, "in": location, "detail": str(message)})
    for message in getattr(form, "form_errors", ()):
        errors.append({"field": location, "in": location, "detail": str(message)})
    return validation_problem(errors)


def invalid_json(error: Exception | None = None) -> Problem:
    detail = "The request body is not valid JSON (UTF-8, no NaN or Infinity, not nested too deeply)."
    return Problem(400, detail, kind="invalid-json", title="The body is not JSON")


def unsupported_media_type(mimetype: str | None, accepted: str = "application/json") -> Problem:
    return Problem(415, f"Send the request body as {accepted}.", kind="unsupported-media-type",
                   title="Unsupported media type", headers={"Accept-Post": accepted})


def too_large(limit: int) -> Problem:
    return Problem(413, f"The request body is larger than the API accepts ({limit} bytes).")


def unauthorized(detail: str = "This operation needs a personal access token (Authorization: Bearer).",
                 *, invalid: bool = False) -> Problem:
    challenge = REALM + (', error="invalid_token", error_description="The token is unknown, expired or revoked"'
                         if invalid else "")
    return Problem(401, detail, kind="invalid-token" if invalid else None, title="Authentication needed" if not invalid
                   else "The token is not valid", headers={"WWW-Authenticate": challenge})


def insufficient_scope(scope: str) -> Problem:
    return Problem(403, f"This operation needs a token with the {scope!r} scope.", kind="insufficient-scope",
                   title="The token's scope is not enough",
                   headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'})


def forbidden(detail: str = "Your account may not do this.") -> Problem:
    return Problem(403, detail)


def not_found(detail: str = "The resource does not exist, or you may not see it.") -> Problem:
    return Problem(404, detail)


def stale_version(current: int) -> Problem:
    return Problem(412, f"The resource was changed meanwhile: its version is now {current}. Read it again, then retry.",
                   kind="stale-version", title="The version is not the current one", headers={"ETag": f'"{current}"'})


def precondition_required() -> Problem:
    return Problem(428, "Send If-Match with the resource's ETag (its row version) to change it.",
                   kind="precondition-required", title="If-Match is required")


def refused(error: ServiceError) -> Problem:
    """A service's refusal: the same words as on the pages."""
    if isinstance(error, NotFound):
        return not_found(error.message)
    if isinstance(error, PermissionDenied):
        return forbidden(error.message)
    if isinstance(error, StaleVersion):
        return Problem(409, error.message, kind="conflict", title="Someone else acted first")
    if error.field:
        return validation_problem([{"field": error.field, "in": "body", "detail": error.message}], detail=error.message)
    return Problem(409, error.message, kind="refused", title="The action is not possible now")


# ----------------------------------------------------------------------------- any error under /api/

DETAILS = {
    400: "The request could not be understood.",
    401: "This operation needs a personal access token (Authorization: Bearer).",
    403: "Your account may not do this.",
    404: "The resource does not exist, or you may not see it.",
    406: "The API answers in JSON only.",
    408: "The request took too long to arrive.",
    409: "The resource is not in a state that allows this.",
    410: "The resource is gone.",
    413: "The request is larger than the API accepts.",
    414: "The address is longer than the API accepts.",
    415: "Send the request body as application/json.",
    429: "Too many requests. Wait before trying again (see Retry-After).",
    431: "The request headers are too large.",
    500: "An unexpected error happened on our side. It has been logged.",
    501: "The API does not do this.",
    503: "The service is not available right now. Try again later.",
}


def answer(error: BaseException) -> Response:
    """The problem-details response for any error of an API path."""
    if isinstance(error, Problem):
        return error.get_response()
    if isinstance(error, HTTPException):
        status = error.code or 500
        headers = {}
        detail = DETAILS.get(status, HTTP_STATUS_CODES.get(status, "Error") + ".")
        kind = None
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            allowed = sorted(set(error.valid_methods))
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not allowed here; use {', '.join(m for m in allowed if m != 'OPTIONS')}."
        if status == 429:
            kind = "rate-limited"
            limit = getattr(getattr(error, "limit", None), "limit", None)
            if limit is not None:
                detail = f"Too many requests: the limit is {limit}. Wait before trying again (see Retry-After)."
        if status == 401:
            headers["WWW-Authenticate"] = REALM
        return Problem(status, detail, kind=kind, headers=headers).get_response()
    return Problem(500, DETAILS[500]).get_response()


# ----------------------------------------------------------------------------- the document


def document_problems(document: dict) -> None:
    """Error responses of the document are problem details: their media type
    is application/problem+json, 401 names WWW-Authenticate and 429 Retry-After."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for code, response in (operation.get("responses") or {}).items():
                if not code.isdigit() or int(code) < 400:
                    continue
                content = response.get("content") or {}
                if "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
                headers = response.setdefault("headers", {})
                if code == "401":
                    headers["WWW-Authenticate"] = {"schema": {"type": "string"}, "description": "The Bearer challenge."}
                if code == "429":
                    headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                if not headers:
                    response.pop("headers")
