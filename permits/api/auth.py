"""Bearer authentication and the rate limits of the API.

A call is anonymous or carries ``Authorization: Bearer <personal access
token>``; nothing else authenticates it: before any API view runs, the
request's user is set from the token (or to anonymous), so a session cookie
sent along is never read. A header that is there but names no usable token
(unknown, expired, revoked, malformed, its user deactivated) is a 401 with
``WWW-Authenticate``, on public operations too.

Rate limits (Flask-Limiter): every API call counts against its token's
budget (``API_RATE_LIMIT``), or its address's (``API_ANONYMOUS_RATE_LIMIT``)
when it has no valid token, over all API routes together.
"""

from __future__ import annotations

import functools
import logging

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from permits.api import problems
from permits.extensions import db, limiter, login_manager
from permits.models import ApiToken
from permits.services import api_tokens

log = logging.getLogger(__name__)

_MISSING = object()


def _bearer_secret() -> str | object | None:
    """The token of the Authorization header; None without the header;
    _MISSING for a header that is not a Bearer token."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _MISSING
    return secret.strip()


def current_token() -> ApiToken | None:
    """The request's valid token (looked up once per request), or None."""
    if "api_token" not in g:
        secret = _bearer_secret()
        token = None
        g.api_token_sent = secret is not None
        if isinstance(secret, str):
            try:
                token = api_tokens.find(secret)
            except Exception:  # a database that does not answer: no token, the view will fail on its own
                log.exception("API token lookup failed")
                db.session.rollback()
        g.api_token = token
    return g.api_token


def current_user_or_none():
    token = current_token()
    return token.user if token is not None else None


def authenticate() -> None:
    """Before every API view: the user is the token's (or anonymous, whatever
    cookie came along); a token sent that is not usable is refused."""
    token = current_token()
    login_manager._update_request_context_with_user(token.user if token is not None else None)
    if token is None and g.get("api_token_sent"):
        raise problems.unauthorized("The token is unknown, expired or revoked.", invalid=True)
    if token is not None and api_tokens.needs_touch(token):
        # At most one write a minute per token; a failure never fails the call.
        try:
            api_tokens.touch(token)
            db.session.commit()
        except Exception:
            log.warning("Could not record the use of API token %s", token.id, exc_info=True)
            db.session.rollback()


def requires(scope: str):
    """The operation needs a token with ``scope`` (401 without one, 403 with too little)."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            token = current_token()
            if token is None:
                raise problems.unauthorized()
            if not token.allows(scope):
                raise problems.insufficient_scope(scope)
            return view(*args, **kwargs)

        guarded.required_scope = scope
        return guarded

    return decorate


# ----------------------------------------------------------------------------- rate limits


def rate_key() -> str:
    token = current_token()
    return f"api-token:{token.id}" if token is not None else f"api-address:{get_remote_address()}"


def rate_limit() -> str:
    if current_token() is not None:
        return current_app.config["API_RATE_LIMIT"]
    return current_app.config["API_ANONYMOUS_RATE_LIMIT"]


# One budget over every API route (decorate each API blueprint with it).
api_limit = limiter.shared_limit(rate_limit, scope="api", key_func=rate_key)


def verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# The same budget per address as the public verification page (the same scope).
verify_lookup_limit = limiter.shared_limit(verify_limit, scope="verify-lookup")
