"""The authorization matrix, generated from ``app.url_map``.

Every rule of the application (``static`` aside) must be classified in
tests/security/routes.py; a route missing from the table fails the suite, so
a new route cannot escape. For each route, every identity of the world asks
for it: those allowed get their page (200/302, or 405 for a GET on a POST-only
route); everyone else signed in gets 404 or 403, by GET and by POST with a
valid CSRF token, and the database is unchanged afterwards; an anonymous
visitor is sent to sign in with ``next=``; public lookups of an object
nobody may see (an unpublished site, a forged token) answer the same to all.
Every response's security headers are checked on the way.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from tests.security.conftest import IDENTITIES, changed, check_headers, snapshot, token_for
from tests.security.routes import ROUTES

SKIPPED = {"static"}
DENIED = {403, 404}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED]


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    missing = sorted(endpoints - set(ROUTES))
    assert not missing, (
        "Routes missing from tests/security/routes.py (say who may use them and, for ids, whose object): "
        + ", ".join(missing)
    )
    stale = sorted(set(ROUTES) - endpoints)
    assert not stale, "tests/security/routes.py lists routes that no longer exist: " + ", ".join(stale)


def test_every_route_with_an_object_names_its_object(app):
    for rule in _rules(app):
        route = ROUTES[rule.endpoint]
        if rule.arguments:
            assert route.values is not None, f"{rule.endpoint} ({rule.rule}) takes {sorted(rule.arguments)}: name the object"


def _url(app, endpoint: str, values: dict) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def _methods(app, endpoint: str) -> set[str]:
    methods = set()
    for rule in app.url_map.iter_rules(endpoint):
        methods |= rule.methods - {"HEAD", "OPTIONS"}
    return methods


def _is_login_redirect(response, path: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == "/auth/login" and parse_qs(location.query).get("next", [""])[0].startswith("/")


def cases_for(app, endpoint: str) -> int:
    """How many requests the matrix makes for a route (for the report)."""
    route = ROUTES[endpoint]
    methods = _methods(app, endpoint)
    denied = len(set(IDENTITIES) - route.allowed) * (("GET" in methods) + bool(methods & WRITE_METHODS))
    return len(route.allowed) + denied + 1 + (len(IDENTITIES) + 1 if route.hidden else 0)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route(endpoint, app, sec, client_for):
    route = ROUTES[endpoint]
    if endpoint not in app.view_functions:
        pytest.fail(f"{endpoint} is classified but not registered")
    methods = _methods(app, endpoint)
    values = route.values(sec) if route.values else {}
    url = _url(app, endpoint, values)
    problems: list[str] = []

    # Those allowed: the page (GET), or 405 for a GET on a POST-only route.
    for identity in sorted(route.allowed):
        client = client_for(sec.user(identity))
        response = client.get(url)
        check_headers(response, authenticated=True, where=f"{identity} GET {url}")
        expected = {200, 302} if "GET" in methods else {405}
        if response.status_code not in expected:
            problems.append(f"{identity} GET {url}: {response.status_code}, expected {sorted(expected)}")

    # Everyone else signed in: 404 or 403, by GET and by POST, and nothing written.
    before = snapshot()
    for identity in sorted(set(IDENTITIES) - route.allowed):
        client = client_for(sec.user(identity))
        token = token_for(client, signed_in=True)
        if "GET" in methods:
            response = client.get(url)
            check_headers(response, authenticated=True, where=f"{identity} GET {url}")
            if response.status_code not in DENIED:
                problems.append(f"{identity} GET {url}: {response.status_code}, expected 403/404")
        if methods & WRITE_METHODS:
            response = client.post(url, data={"csrf_token": token})
            check_headers(response, authenticated=True, where=f"{identity} POST {url}")
            if response.status_code not in DENIED:
                problems.append(f"{identity} POST {url}: {response.status_code}, expected 403/404")
    after = snapshot()
    assert not changed(before, after), f"refused requests wrote to {changed(before, after)}"

    # Anonymous visitors.
    anonymous = client_for(None)
    if route.anonymous == "login":
        if "GET" in methods:
            response = anonymous.get(url)
        else:
            response = anonymous.post(url, data={"csrf_token": token_for(anonymous, signed_in=False)})
        check_headers(response, authenticated=False, where=f"anonymous {url}")
        if not _is_login_redirect(response, url):
            problems.append(f"anonymous {url}: {response.status_code} {response.headers.get('Location')}, expected sign-in with next=")
        assert not changed(after, snapshot()), "an anonymous request wrote"
    else:
        response = anonymous.get(url)
        check_headers(response, authenticated=False, where=f"anonymous GET {url}")
        expected = {200, 302} if "GET" in methods else {405}
        if response.status_code not in expected:
            problems.append(f"anonymous GET {url}: {response.status_code}, expected {sorted(expected)}")

    # Public lookups of what nobody may see answer the same to everybody.
    if route.hidden:
        hidden_url = _url(app, endpoint, route.hidden(sec))
        for identity in (None, *IDENTITIES):
            client = client_for(sec.user(identity) if identity else None)
            response = client.get(hidden_url)
            check_headers(response, authenticated=identity is not None, where=f"{identity} GET {hidden_url}")
            if response.status_code != route.hidden_status:
                problems.append(f"{identity or 'anonymous'} GET {hidden_url}: {response.status_code}, expected {route.hidden_status}")

    assert not problems, "\n".join(problems)
