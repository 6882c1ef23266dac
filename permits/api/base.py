"""The API's blueprint and its OpenAPI generator.

Every route under ``/api/v1`` is declared with ``@spec.validate(...)`` (query
and body models, responses, tags, security): the document served at
``/api/v1/openapi.json`` is generated from them, and a test fails if a rule
of the url_map under ``/api/v1`` is missing from it. Another blueprint that
serves under ``/api/v1`` (the open-data feed, webhooks) uses this same
``spec`` and ``problems``/``auth`` helpers.
"""

from __future__ import annotations

from flask import Blueprint
from pydantic import ValidationError
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from spectree.plugins.base import Context
from spectree.plugins.flask_plugin import FlaskPlugin
from spectree.utils import get_multidict_items

from permits.api import problems
from permits.api.problems import ValidationProblem
from permits.inputs import remove_control_characters
from permits.models.base import MAX_ID

PREFIX = "/api/v1"
bp = Blueprint("api", __name__)

# The largest JSON body the API reads (uploads have their own limit).
MAX_JSON_BYTES = 256 * 1024
JSON_TYPES = ("application/json", "application/merge-patch+json")
FORM_TYPE = "multipart/form-data"

DESCRIPTION = """\
The film permits single window of Azerbaijan, for programs.

**Authentication.** Public operations need nothing. The others take a
personal access token, made on the account page (*API tokens*), sent as
`Authorization: Bearer fpat_…`. A token has the scope `read` or `read` and
`write`, and an expiry; a session cookie never authenticates an API call.

**Errors** are problem details (RFC 9457, `application/problem+json`) with
`type`, `title`, `status`, `detail` and `instance`; validation errors list
each field under `errors`. Problem types: `about:blank` (the status says it
all), and under `/api/v1/problems/`: `validation-error`, `invalid-json`,
`unsupported-media-type`, `invalid-token`, `insufficient-scope`,
`refused` (a rule of the process refused the action), `not-ready` (a
draft that cannot be submitted yet: `errors` names each section and what it
misses), `stale-version`
(412: the `If-Match` row version is not the current one),
`precondition-required` (428), `rate-limited` (429).

**Pages.** Lists are pages by key: follow `next` (in the body and in the
`Link` header) until it is null. `limit` sets the page size.

**Versions.** A single resource's `ETag` is its row version; send it back as
`If-Match` with a change, and a change made meanwhile by someone else
answers 412.

**Rate limits.** Per token (`API_RATE_LIMIT`), and per address for calls
without a token; a refusal is 429 with `Retry-After`.

Site names and texts come in the three languages (`az`, `en`, `ru`); the
titles of problems are English.
"""


class ProductPlugin(FlaskPlugin):
    """spectree's Flask plugin, taught the product's ``<id:…>`` converter and
    its request rules: a JSON body must be declared as JSON (415), parse
    (400) and fit ``MAX_JSON_BYTES`` (413); a field error names the query
    parameter or the body's member (422, problem details)."""

    def parse_path(self, route, path_parameter_descriptions):
        path, parameters = super().parse_path(route, path_parameter_descriptions)
        converters = {name: converter for converter, _args, name in _rule_parts(str(route))}
        for parameter in parameters:
            if converters.get(parameter["name"]) == "id":
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return path, parameters

    def get_func_operation_id(self, func, path, method):
        return func.__name__

    def request_validation(self, request, query, json, form, headers, cookies):
        parsed_query = parsed_json = None
        if query is not None:
            try:
                parsed_query = self.model_adapter.validate_obj(query, get_multidict_items(request.args, query))
            except ValidationError as error:
                raise problems.invalid_fields(error, "query") from None
        parsed_form = None
        if form is not None and (json is None or request.mimetype == FORM_TYPE):
            # A multipart body (files): its size is the app's MAX_CONTENT_LENGTH (413).
            if request.mimetype != FORM_TYPE:
                raise problems.unsupported_media_type(request.mimetype, accepted=FORM_TYPE)
            items = get_multidict_items(request.form, form)
            items.update(get_multidict_items(request.files, form) if request.files else {})
            try:
                parsed_form = self.model_adapter.validate_obj(form, _clean(items))
            except UnicodeError:
                raise problems.validation_problem([{"field": "body", "in": "body", "detail": "Text must be UTF-8."}]) from None
            except ValidationError as error:
                raise problems.invalid_fields(error, "body") from None
        elif json is not None:
            body = read_json_body(request)
            try:
                parsed_json = self.model_adapter.validate_obj(json, body)
            except ValidationError as error:
                raise problems.invalid_fields(error, "body") from None
        request.context = Context(parsed_query, parsed_json, parsed_form, None, None)


def read_json_body(request):
    """The request's JSON document, or a problem: 415 for another media type,
    413 past ``MAX_JSON_BYTES``, 400 for bytes that are not JSON."""
    import json

    if request.mimetype not in JSON_TYPES:
        raise problems.unsupported_media_type(request.mimetype)
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise problems.too_large(MAX_JSON_BYTES)
    raw = request.stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise problems.too_large(MAX_JSON_BYTES)
    try:
        text = raw.decode("utf-8")
        return _clean(json.loads(text, parse_constant=_no_constant))
    except (UnicodeError, ValueError, RecursionError) as error:
        raise problems.invalid_json(error) from None


def _clean(value):
    """Strings as the forms get them (permits.inputs): control characters
    removed, keys too; a lone surrogate (not UTF-8) is refused."""
    if isinstance(value, str):
        value.encode("utf-8")  # UnicodeEncodeError for "\ud800"
        return remove_control_characters(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value  # a number, a boolean, null; an uploaded file (its bytes are the service's)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _rule_parts(rule: str):
    from spectree.plugins.werkzeug_utils import werkzeug_parse_rule

    return [part for part in werkzeug_parse_rule(rule) if part[0] is not None]


def _model_name(model) -> str:
    return getattr(model, "__name__", str(model))


spec = SpecTree(
    "flask",
    backend=ProductPlugin,
    title="Film permits API",
    version="1.0.0",
    description=DESCRIPTION,
    path="api/v1/spectree",  # spectree's own pages are not registered (see docs.py)
    mode="strict",
    annotations=True,
    validation_error_status=422,
    validation_error_model=ValidationProblem,
    naming_strategy=_model_name,
    nested_naming_strategy=lambda _parent, child: child,
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(type="http", scheme="bearer", bearer_format="fpat_…",
                                    description="A personal access token from the account page."),
        )
    ],
)
