"""Public verification of permits by QR token or number and short code.

No sign-in. The page shows the permit's status (valid, revoked, expired,
amended), the production, the company, the sites and dates and the
conditions - and no personal data. Responses are never cached, lookups are
rate limited, and an unknown number and a wrong code get the same "not found".
"""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from permits.extensions import limiter
from permits.page_cache import SHOOTS, SITES, public_page
from permits.services import amendments
from permits.services import permits as permit_service

bp = Blueprint("verify", __name__)



def _lookup_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]

STATUS_TEXT = {
    "valid": _l("This permit is valid."),
    "revoked": _l("This permit has been revoked. Filming under it is not allowed."),
    "expired": _l("This permit has expired. Filming under it is not allowed."),
}


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _result(permit):
    application = permit.application
    versions = list(permit.versions)
    response = make_response(
        render_template(
            "verify/result.html",
            permit=permit,
            application=application,
            bookings=permit_service.permitted_bookings(application),
            conditions=permit_service.grouped_conditions(permit.conditions),
            versions=versions,
            current=permit_service.current_version(permit),
            status_text=STATUS_TEXT.get(permit.status, ""),
            open_amendment=amendments.open_amendment(application),
        )
    )
    return _no_store(response)


def _not_found():
    return _no_store(make_response(render_template("verify/lookup.html", not_found=True), 404))


@bp.route("/", methods=["GET"])
@limiter.shared_limit(_lookup_limit, scope="verify-lookup")
@public_page(scopes=lambda *args, **kwargs: (SITES, SHOOTS))
def lookup():
    number = request.args.get("number", "")
    code = request.args.get("code", "")
    if not number and not code:
        return _no_store(make_response(render_template("verify/lookup.html", not_found=False)))
    permit = permit_service.find_by_number_and_code(number, code)
    if permit is None:
        return _not_found()
    return _result(permit)


@bp.route("/<token>", methods=["GET"])
@limiter.shared_limit(_lookup_limit, scope="verify-lookup")
@public_page(scopes=lambda *args, **kwargs: (SITES, SHOOTS))
def by_token(token: str):
    permit = permit_service.find_by_token(token)
    if permit is None:
        return _not_found()
    return _result(permit)
