"""The OpenAPI document and its readable page (Swagger UI, vendored under
permits/static/vendor/swagger-ui, started by permits/static/js/api-docs.js:
no CDN and no inline script, so the site's CSP applies unchanged)."""

from __future__ import annotations

from flask import current_app, render_template
from pydantic import BaseModel, ConfigDict

from permits.api.base import bp
from permits.api.operations import document, operation


class OpenAPIDocument(BaseModel):
    """An OpenAPI 3.1 document."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict
    paths: dict


@bp.get("/openapi.json")
@operation(tags=("Documentation",), responses={200: OpenAPIDocument})
def openapi_document():
    """This API's OpenAPI 3.1 document

    Generated from the code: every operation under /api/v1, its parameters,
    bodies, answers and problems."""
    return current_app.response_class(current_app.json.dumps(document()), mimetype="application/json")


@bp.get("/docs")
@operation(tags=("Documentation",), responses={200: None})
def docs():
    """The documentation page

    The OpenAPI document, readable (HTML)."""
    return render_template("api/docs.html")
