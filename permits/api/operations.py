"""``@operation``: one declaration per API route - its models, the answers it
can give, who may call it - from which spectree validates the request and
writes the route into the OpenAPI document."""

from __future__ import annotations

import copy

from spectree import Response

from permits.api.auth import requires
from permits.api.base import spec
from permits.api.problems import ProblemDetails, document_problems

# Response headers the document names, by operation (the function's name).
RESPONSE_HEADERS: dict[str, dict[str, dict[str, dict]]] = {}
# Bodies that are not JSON (a PDF), by operation: status -> media type.
RESPONSE_MEDIA: dict[str, dict[str, str]] = {}
# OpenAPI links of an operation's answers (what a client calls next with what), by operation.
RESPONSE_LINKS: dict[str, dict[str, dict[str, dict]]] = {}

HEADER_DOCS = {
    "ETag": {"schema": {"type": "string"}, "description": "The row version, quoted: send it back as If-Match."},
    "Link": {"schema": {"type": "string"}, "description": 'The next page: <url>; rel="next" (absent on the last page).'},
    "Location": {"schema": {"type": "string"}, "description": "The new resource."},
    "Content-Disposition": {"schema": {"type": "string"}, "description": "attachment, with the file's name."},
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."},
}


def operation(*, tags: tuple[str, ...], responses: dict[int, object], scope: str | None = None,
              errors: tuple[int, ...] = (), headers: dict[int, tuple[str, ...]] | None = None,
              media: dict[int, str] | None = None, links: dict[int, dict[str, dict]] | None = None):
    """``responses``: status -> model (None: no body model); ``scope``: the
    token scope needed (None: public, a token optional); ``errors``: the
    problem statuses the operation may answer besides 401/403 (with a scope),
    422 and 429, which every operation declares; ``media``: status -> the
    media type of a body that is not JSON (a file); ``links``: status -> the
    OpenAPI links of that answer (name -> Link object)."""
    problems = set(errors) | {429}
    if scope is not None:
        problems |= {401, 403}
    else:
        problems |= {401}  # a token sent that is not valid
    codes = {f"HTTP_{status}": model for status, model in responses.items() if model is not None}
    bare = [f"HTTP_{status}" for status, model in responses.items() if model is None]
    response = Response(*bare, **codes)
    security = [{"bearer": []}] if scope is not None else [{}, {"bearer": []}]

    def decorate(view):
        for status in sorted(problems):
            response.add_model(status, ProblemDetails, replace=False)
        if links:
            RESPONSE_LINKS[view.__name__] = {str(status): named for status, named in links.items()}
        if headers:
            RESPONSE_HEADERS[view.__name__] = {str(status): {name: HEADER_DOCS[name] for name in names}
                                              for status, names in headers.items()}
        if media:
            RESPONSE_MEDIA[view.__name__] = {str(status): kind for status, kind in media.items()}
        validated = spec.validate(resp=response, tags=list(tags), security=security)(view)
        return requires(scope)(validated) if scope is not None else validated

    return decorate


def document_headers(document: dict) -> None:
    for operations in document.get("paths", {}).values():
        for operation_ in operations.values():
            named = RESPONSE_HEADERS.get(operation_.get("operationId"), {})
            for status, headers in named.items():
                response = operation_.get("responses", {}).get(status)
                if response is not None:
                    response.setdefault("headers", {}).update(headers)
            for status, kind in RESPONSE_MEDIA.get(operation_.get("operationId"), {}).items():
                response = operation_.get("responses", {}).get(status)
                if response is not None:
                    response["content"] = {kind: {"schema": {"type": "string", "contentMediaType": kind}}}
            for status, links in RESPONSE_LINKS.get(operation_.get("operationId"), {}).items():
                response = operation_.get("responses", {}).get(status)
                if response is not None:
                    response.setdefault("links", {}).update(copy.deepcopy(links))


IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": 'The resource\'s ETag (its row version, quoted: "7"), or * for any version.',
}


def document_preconditions(document: dict) -> None:
    """A change that answers 428 without If-Match says so in its parameters."""
    for operations in document.get("paths", {}).values():
        for operation_ in operations.values():
            if "428" in operation_.get("responses", {}):
                parameters = operation_.setdefault("parameters", [])
                if not any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters):
                    parameters.append(dict(IF_MATCH))


def document() -> dict:
    """The OpenAPI 3.1 document: spectree's, with the problem details' media
    type on every error, the headers the API sends, and the server."""
    generated = copy.deepcopy(spec.spec)
    document_problems(generated)
    document_headers(generated)
    document_preconditions(generated)
    generated["servers"] = [{"url": "/", "description": "This installation"}]
    generated["security"] = []
    return generated
