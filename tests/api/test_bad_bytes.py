"""Bad bytes never make a 500: junk in every query parameter, path value,
header and body of every API route answers a JSON document or problem
details. Deterministic junk (a seeded generator), no hypothesis database."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest

from tests.api.conftest import make_token
from tests.services.scenario import draft

JUNK_TEXT = [
    "", " ", "\x00", "\x00\x01\x7f", "%", "%00", "'; DROP TABLE users; --", "<script>alert(1)</script>",
    "9" * 400, "-1", "0", "1e309", "-9223372036854775809", "NaN", "Infinity", "true", "null", "[]", "{}",
    "\ud83d\ude00" * 50, "\u202e\u2066", "Ω≈ç√∫", "\ufeff", "a" * 1500, "2027-02-30", "9999-12-31", "0000-00-00",
    "slug:2027-06-01:2027-06-02", "site-0:", "::", "../../etc/passwd", "\\", "\r\nX-Injected: 1",
]
JUNK_JSON = [
    b"", b"null", b"[]", b"1", b'"x"', b"{", b'{"title": 1e999999}', b'{"crew_total": 1e400}',
    b'{"crew_total": 123456789012345678901234567890}', b'{"title": "\\ud800"}', b'{"title": "\\u0000"}',
    b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00", b'{"activities": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
    b'{"title": {"nested": true}}', b'{"activities": "drone"}', b'{"__proto__": {}}', b'{"title": "' + b"\xc3\x28" + b'"}',
]
PARAMETERS = ["q", "region", "category", "heritage", "crew", "start_date", "end_date", "limit", "cursor", "month",
              "sites", "crew", "vehicles", "activities", "production_type", "country_of_origin", "number", "code",
              "queue", "state"]


def _url(path: str, name: str, value: str) -> str:
    return f"{path}?{quote(name, safe='')}={quote(value, safe='', errors='surrogatepass')}"


def _check(response, where: str):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    assert response.mimetype in ("application/json", "application/problem+json", "text/html"), where
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", where
        assert response.get_json()["status"] == response.status_code


@pytest.fixture
def clients(world, api):
    return {
        "anonymous": api(),
        "producer": api(make_token(world.producer, scopes=("read", "write"))),
        "reviewer": api(make_token(world.owner_a_reviewer)),
    }


def test_junk_in_every_query_parameter_of_every_get(app, world, clients):
    application = draft(world, sites=[world.site_a])
    paths = ["/api/v1/sites", f"/api/v1/sites/{world.site_a.slug}", "/api/v1/quote", "/api/v1/scorecard",
             "/api/v1/permits/verify", "/api/v1/permits/verify/abc", "/api/v1/applications",
             f"/api/v1/applications/{application.id}", "/api/v1/reviews", "/api/v1/openapi.json"]
    rng = random.Random(18)
    for path in paths:
        for name in PARAMETERS:
            for value in rng.sample(JUNK_TEXT, 6):
                who = rng.choice(list(clients))
                _check(clients[who].get(_url(path, name, value)), f"{who} GET {path} {name}={value!r}")


def test_junk_path_values(world, clients):
    for value in JUNK_TEXT:
        encoded = quote(value, safe="", errors="surrogatepass") or "x"
        for template in ("/api/v1/sites/{}", "/api/v1/applications/{}", "/api/v1/permits/verify/{}",
                         "/api/v1/applications/{}/production"):
            path = template.format(encoded)
            _check(clients["producer"].get(path), f"GET {path}")


def test_junk_bodies_and_content_types(world, clients):
    application = draft(world, sites=[world.site_a])
    targets = [("POST", "/api/v1/applications"), ("PUT", f"/api/v1/applications/{application.id}/production")]
    for method, path in targets:
        for body in JUNK_JSON:
            for content_type in ("application/json", "application/json; charset=latin-1", "text/plain", None):
                headers = {"If-Match": "*"}
                if content_type:
                    headers["Content-Type"] = content_type
                response = clients["producer"].open(path, method, data=body, headers=headers)
                _check(response, f"{method} {path} {content_type} {body[:40]!r}")


def test_junk_headers(world, clients):
    for header, value in (("Authorization", "Bearer \x00"), ("Authorization", "Bearer " + "ü" * 100),
                          ("If-Match", "\x00"), ("If-Match", '"' + "9" * 400 + '"'), ("Accept-Language", "xx;q=abc"),
                          ("Accept", "*/*;q=junk"), ("X-Forwarded-For", "not-an-ip")):
        try:
            response = clients["producer"].get("/api/v1/applications", headers={header: value})
        except ValueError:  # the test client itself refuses the header (a newline, a NUL): no server sees it
            continue
        _check(response, f"{header}: {value!r}")


def test_control_characters_are_removed_from_json_as_from_forms(world, clients):
    response = clients["producer"].post("/api/v1/applications", json={"title": "The\x00 Silk\x07 Road", "synopsis": "a\tb\nc"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "The Silk Road" and body["synopsis"] == "a\tb\nc"
    lone = clients["producer"].post("/api/v1/applications", data=b'{"title": "\\ud800"}',
                                    headers={"Content-Type": "application/json"})
    assert lone.status_code == 400 and lone.mimetype == "application/problem+json"
