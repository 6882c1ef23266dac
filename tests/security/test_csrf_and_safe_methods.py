"""CSRF on every state-changing route, and no GET that changes state.

Both sweeps are generated from ``app.url_map`` with the objects of
tests/security/routes.py, so a new route is covered the day it is added.
"""

from __future__ import annotations

import pytest
from flask import url_for

from tests.security.conftest import changed, check_headers, snapshot, token_for
from tests.security.routes import API_ROUTES, ROUTES

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# A form that would do something if the token were not checked first.
PAYLOAD = {
    "language": "en",
    "name": "Mallory",
    "email": "mallory@example.test",
    "password": "a long enough passphrase",
    "confirm": "yes",
    "completed": "yes",
    "body": "Hello",
    "reason": "Because",
    "title": "Forged",
    "note": "Forged",
    "show": "dead",
    "version": "1",
}

# GET routes that write on purpose. Nothing today: a GET that writes must be
# listed here with the reason (and what it writes), never silently excluded.
GET_WRITES_ALLOWED: dict[str, str] = {}


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _url(app, endpoint, sec):
    route = ROUTES.get(endpoint) or API_ROUTES[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **(route.values(sec) if route.values else {}))
    query = getattr(route, "query", None)
    return url + ("?" + query(sec) if query else "")


def _actor(route) -> str | None:
    """Someone who may use the route, so that only the token stands in the way."""
    for identity in ("producer", "owner_a_sup", "owner_a", "ministry_sup", "admin"):
        if identity in route.allowed:
            return identity
    return sorted(route.allowed)[0] if route.allowed else None


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_state_changing_routes_refuse_a_request_without_a_valid_token(endpoint, app, sec, client_for):
    methods = set().union(*(r.methods for r in app.url_map.iter_rules(endpoint))) & WRITE_METHODS
    route = ROUTES[endpoint]
    url = _url(app, endpoint, sec)
    if not methods:
        # A read-only route takes no writes at all (and the GET sweep below checks it writes nothing).
        before = snapshot()
        response = client_for(sec.user("admin")).post(url, data=PAYLOAD)
        assert response.status_code in (400, 405), f"POST {url}: {response.status_code}"
        assert not changed(before, snapshot())
        return
    actor = _actor(route)
    client = client_for(sec.user(actor) if actor else None)
    own_token = token_for(client, signed_in=actor is not None)
    someone_else = client_for(sec.user("other_producer"))
    foreign_token = token_for(someone_else, signed_in=True)
    forged = own_token[:-6] + ("AAAAAA" if not own_token.endswith("AAAAAA") else "BBBBBB")

    before = snapshot()
    for method in sorted(methods):
        for label, extra in (("no token", {}), ("forged token", {"csrf_token": forged}),
                             ("another session's token", {"csrf_token": foreign_token})):
            response = client.open(url, method=method, data={**PAYLOAD, **extra})
            check_headers(response, authenticated=actor is not None, where=f"{method} {url} ({label})")
            assert response.status_code == 400, f"{actor} {method} {url} with {label}: {response.status_code}"
            assert "Your form expired" in response.get_data(as_text=True)
        # Not even with the header a script would set, without the cookie's session.
        response = client_for(None).open(url, method=method, data=PAYLOAD, headers={"X-CSRFToken": own_token})
        assert response.status_code == 400, f"anonymous {method} {url} with a stolen header token"
    assert not changed(before, snapshot()), f"{endpoint}: a refused request wrote"


GET_IDENTITIES = (None, "producer", "owner_a", "ministry_sup", "admin")


def test_no_get_changes_state(app, sec, client_for):
    """Every GET route, as an admin, a producer, reviewers and anonymously."""
    writers: dict[str, list[str]] = {}
    count = 0
    for identity in GET_IDENTITIES:
        client = client_for(sec.user(identity) if identity else None)
        for rule in sorted(_rules(app), key=lambda r: r.endpoint):
            if "GET" not in rule.methods:
                continue
            url = _url(app, rule.endpoint, sec)
            before = snapshot()
            response = client.get(url)
            count += 1
            # The API reads no cookie: a signed-in browser is anonymous there.
            signed_in = identity is not None and not url.startswith("/api/")
            check_headers(response, authenticated=signed_in, where=f"{identity} GET {url}")
            assert response.status_code < 500, f"{identity} GET {url}: {response.status_code}"
            diff = changed(before, snapshot())
            if diff and rule.endpoint not in GET_WRITES_ALLOWED:
                writers.setdefault(rule.endpoint, []).append(f"{identity or 'anonymous'} wrote {sorted(diff)}")
    assert not writers, writers
    assert count >= 5 * 40


@pytest.mark.parametrize("endpoint", sorted(API_ROUTES))
def test_api_writes_ignore_a_signed_in_browsers_cookie_and_csrf_token(endpoint, app, sec, client_for):
    """The API takes no CSRF token because no cookie authenticates it: a
    signed-in browser's request with its cookie and a valid CSRF token is
    anonymous (401) and writes nothing."""
    methods = set().union(*(r.methods for r in app.url_map.iter_rules(endpoint))) & WRITE_METHODS
    if not methods:
        return
    url = _url(app, endpoint, sec)
    client = client_for(sec.user("producer"))
    token = token_for(client, signed_in=True)
    before = snapshot()
    for method in sorted(methods):
        for extra in ({"json": {"title": "Forged", "csrf_token": token}},
                      {"data": {**PAYLOAD, "csrf_token": token}},
                      {"json": {"title": "Forged"}, "headers": {"X-CSRFToken": token, "If-Match": "*"}}):
            response = client.open(url, method=method, **extra)
            assert response.status_code == 401, f"{method} {url} with the cookie: {response.status_code}"
            assert response.mimetype == "application/problem+json"
    assert not changed(before, snapshot()), f"{endpoint}: a cookie's request wrote"
