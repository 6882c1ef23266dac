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
from tests.security.routes import API_ROUTES, ROUTES

SKIPPED = {"static"}
DENIED = {403, 404}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED]


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    missing = sorted(endpoints - set(ROUTES) - set(API_ROUTES))
    assert not missing, (
        "Routes missing from tests/security/routes.py (say who may use them and, for ids, whose object): "
        + ", ".join(missing)
    )
    stale = sorted((set(ROUTES) | set(API_ROUTES)) - endpoints)
    assert not stale, "tests/security/routes.py lists routes that no longer exist: " + ", ".join(stale)


def test_every_api_route_is_under_api_and_every_api_rule_is_an_api_route(app):
    for rule in _rules(app):
        assert (rule.endpoint in API_ROUTES) == rule.rule.startswith("/api/"), (rule.endpoint, rule.rule)


def test_every_route_with_an_object_names_its_object(app):
    for rule in _rules(app):
        route = ROUTES.get(rule.endpoint) or API_ROUTES[rule.endpoint]
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


# ----------------------------------------------------------------------------- the JSON API


def _api_url(app, endpoint: str, route, sec, values=None) -> str:
    url = _url(app, endpoint, values if values is not None else (route.values(sec) if route.values else {}))
    return url + ("?" + route.query(sec) if route.query else "")


def _api_call(client, method: str, url: str, token: str | None, body: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, headers={**headers, "If-Match": "*"}, **(body or {"json": {}}))


def _body(route, sec, method: str) -> dict | None:
    return route.body(sec) if route.body is not None and method != "GET" else None


@pytest.mark.parametrize("endpoint", sorted(API_ROUTES))
def test_api_route(endpoint, app, sec, client_for):
    """Every API route, called with each identity's token (read and write),
    with none, and with a signed-in session cookie but no token (which is
    anonymous to the API)."""
    import time_machine

    from permits.extensions import db
    from permits.services import api_tokens
    from tests import clock

    route = API_ROUTES[endpoint]
    if endpoint not in app.view_functions:
        pytest.fail(f"{endpoint} is classified but not registered")
    methods = _methods(app, endpoint)
    writes = sorted(methods & WRITE_METHODS)
    url = _api_url(app, endpoint, route, sec)
    problems: list[str] = []
    with time_machine.travel(clock.now(), tick=False):  # a token's last use is written once a minute at most
        tokens = {}
        for identity in IDENTITIES:
            tokens[identity] = api_tokens.create(sec.user(identity), name="matrix", scopes=["read", "write"],
                                                 expires_in_days=30).secret
        db.session.commit()
        for identity, token in tokens.items():  # each token's first use, written before the snapshot
            client_for(None).get("/api/v1/scorecard", headers={"Authorization": f"Bearer {token}"})

        # Those allowed: 2xx, by the route's own methods.
        for identity in sorted(route.allowed):
            for method in ["GET"] if "GET" in methods else writes:
                response = _api_call(client_for(None), method, url, tokens[identity], _body(route, sec, method))
                check_headers(response, authenticated=True, where=f"{identity} {method} {url}")
                if not 200 <= response.status_code < 300 and response.status_code not in route.also_passed:
                    problems.append(f"{identity} {method} {url}: {response.status_code} {response.get_data(as_text=True)[:200]}")

        # Every other token: 403 or 404 by every method, nothing written.
        before = snapshot()
        for identity in sorted(set(IDENTITIES) - route.allowed):
            for method in (["GET"] if "GET" in methods else []) + writes:
                response = _api_call(client_for(None), method, url, tokens[identity], _body(route, sec, method))
                check_headers(response, authenticated=True, where=f"{identity} {method} {url}")
                if response.status_code not in DENIED or response.mimetype != "application/problem+json":
                    problems.append(f"{identity} {method} {url}: {response.status_code}, expected a 403/404 problem")
        # No token, and a signed-in browser's cookie without a token: public or 401.
        for identity in (None, "producer", "ministry_sup"):
            client = client_for(sec.user(identity) if identity else None)
            for method in (["GET"] if "GET" in methods else []) + writes:
                response = _api_call(client, method, url, None, _body(route, sec, method))
                who = f"{identity or 'anonymous'} (no token) {method} {url}"
                check_headers(response, authenticated=False, where=who)  # the cookie is not read
                expected = 200 if route.public and method == "GET" else 401
                if response.status_code != expected:
                    problems.append(f"{who}: {response.status_code}, expected {expected}")
        after = snapshot()
        assert not changed(before, after), f"refused API calls wrote to {changed(before, after)}"

        # What nobody may see answers the same to everybody.
        if route.hidden:
            hidden_url = _api_url(app, endpoint, route, sec, route.hidden(sec))
            for identity in (None, *IDENTITIES):
                response = _api_call(client_for(None), "GET", hidden_url, tokens.get(identity))
                if response.status_code != 404:
                    problems.append(f"{identity or 'anonymous'} GET {hidden_url}: {response.status_code}, expected 404")

    assert not problems, "\n".join(problems)
