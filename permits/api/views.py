"""The API blueprint with every route module registered on it; ``setup``
wires what the API needs of the app (create_app calls it).

Another blueprint serving under ``/api/v1`` (the open-data feed, webhooks)
declares its routes with ``permits.api.operations.operation``, is decorated
with ``permits.api.auth.api_limit`` and exempted from CSRF like this one; the
authentication and the problem details below cover every path under /api/.
"""

from __future__ import annotations

from flask import Flask, request

from permits.api import docs, producers, public, reviewers  # noqa: F401  (they register their routes)
from permits.api.auth import api_limit, authenticate
from permits.api.base import bp
from permits.api.problems import API_PATHS, answer
from permits.errors import ERROR_ANSWERS
from permits.extensions import csrf

api_limit(bp)
# Bearer tokens only: no cookie authenticates an API call, so there is no
# cross-site request to forge.
csrf.exempt(bp)


def setup(app: Flask) -> None:
    app.extensions.setdefault(ERROR_ANSWERS, []).append((API_PATHS, answer))

    @app.before_request
    def api_caller():
        if request.path.startswith(API_PATHS):
            authenticate()
