"""Every error under /api/ is RFC 9457 problem details, never an HTML page:
one test per status the API answers."""

from __future__ import annotations

import pytest

from permits import create_app
from permits.extensions import db as database
from tests.api.conftest import ApiClient, assert_problem, make_token
from tests.conftest import make_config
from tests.services.scenario import draft, submitted


@pytest.fixture
def producer_api(world, api):
    return api(make_token(world.producer, scopes=("read", "write")))


def test_400_invalid_json(world, producer_api):
    for body in (b"{", b"{'a': 1}", b"\xff\xfe", b"[" * 100000, b'{"title": NaN}', b'{"crew_total": Infinity}'):
        response = producer_api.post("/api/v1/applications", data=body, headers={"Content-Type": "application/json"})
        problem = assert_problem(response, 400)
        assert problem["type"] == "/api/v1/problems/invalid-json"


def test_401_without_a_token(world, api):
    response = api().get("/api/v1/applications")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")


def test_403_a_staff_token_on_a_producers_operation(world, api):
    staff = api(make_token(world.owner_a_reviewer))
    assert "producers" in assert_problem(staff.get("/api/v1/applications"), 403)["detail"]
    producer = api(make_token(world.producer))
    assert "reviewers" in assert_problem(producer.get("/api/v1/reviews"), 403)["detail"]


def test_404_no_route_no_object_no_site(world, producer_api, api):
    for url in ("/api/v1/nothing-here", "/api/v2/sites", "/api/", "/api/v1/applications/999999",
                "/api/v1/applications/0", "/api/v1/applications/99999999999", "/api/v1/sites/not-a-site",
                "/api/v1/sites/%00", "/api/v1/permits/verify/not-a-token"):
        response = producer_api.get(url)
        assert_problem(response, 404)
        assert b"<html" not in response.data.lower()


def test_405_wrong_method_names_the_allowed_ones(world, producer_api):
    response = producer_api.open("/api/v1/sites", "DELETE")
    problem = assert_problem(response, 405)
    assert "GET" in response.headers["Allow"] and "DELETE is not allowed" in problem["detail"]


def test_409_412_428_a_write_with_the_row_version(world, producer_api):
    application = draft(world, sites=[world.site_a])
    url = f"/api/v1/applications/{application.id}/production"
    body = {"title": "The Silk Road II", "production_type": "feature", "country_of_origin": "FR", "synopsis": "A road."}
    # No If-Match: 428.
    assert assert_problem(producer_api.open(url, "PUT", json=body), 428)["type"].endswith("/precondition-required")
    etag = producer_api.get(f"/api/v1/applications/{application.id}").headers["ETag"]
    assert etag == f'"{application.version}"'
    # The current version: saved, a new ETag.
    response = producer_api.open(url, "PUT", json=body, headers={"If-Match": etag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["title"] == "The Silk Road II"
    assert response.headers["ETag"] != etag
    # The old version again: 412, nothing written.
    stale = producer_api.open(url, "PUT", json={**body, "title": "Lost"}, headers={"If-Match": etag})
    problem = assert_problem(stale, 412)
    assert problem["type"].endswith("/stale-version") and stale.headers["ETag"] == response.headers["ETag"]
    assert producer_api.get(f"/api/v1/applications/{application.id}").get_json()["title"] == "The Silk Road II"
    # A weak tag never matches; "*" does.
    assert_problem(producer_api.open(url, "PUT", json=body, headers={"If-Match": "W/" + response.headers["ETag"]}), 412)
    assert producer_api.open(url, "PUT", json=body, headers={"If-Match": "*"}).status_code == 200
    # A submitted application can no longer be changed: the service refuses, 409.
    database.session.rollback()  # the requests wrote meanwhile: a fresh transaction
    filed = submitted(world, sites=[world.site_a])
    current = producer_api.get(f"/api/v1/applications/{filed.id}").headers["ETag"]
    refused = producer_api.open(f"/api/v1/applications/{filed.id}/production", "PUT", json=body, headers={"If-Match": current})
    assert "can no longer be changed" in assert_problem(refused, 409)["detail"]


def test_413_a_body_too_large(world, producer_api):
    response = producer_api.post("/api/v1/applications", data=b'{"title": "' + b"x" * 300_000 + b'"}',
                                 headers={"Content-Type": "application/json"})
    assert_problem(response, 413)


def test_414_an_address_too_long(world, api):
    assert_problem(api().get("/api/v1/sites?q=" + "a" * 3000), 414)


def test_415_a_body_that_is_not_json(world, producer_api):
    for content_type, data in (("text/plain", b"title=x"), ("application/x-www-form-urlencoded", b"title=x"),
                               ("multipart/form-data; boundary=x", b"--x--")):
        response = producer_api.post("/api/v1/applications", data=data, headers={"Content-Type": content_type})
        assert assert_problem(response, 415)["type"].endswith("/unsupported-media-type")


def test_422_names_every_field(world, api, producer_api):
    problem = assert_problem(api().get("/api/v1/sites?crew=abc&limit=0&start_date=2027-13-01"), 422)
    fields = {item["field"] for item in problem["errors"]}
    assert fields == {"crew", "limit", "start_date"}
    assert all(item["in"] == "query" for item in problem["errors"])
    # The catalogue page's own rule: the last day after the first.
    problem = assert_problem(api().get("/api/v1/sites?start_date=2027-06-09&end_date=2027-06-01"), 422)
    assert [item["field"] for item in problem["errors"]] == ["end_date"]
    # A body: the member's JSON pointer.
    problem = assert_problem(producer_api.post("/api/v1/applications", json={"crew_total": -1, "colour": "red"}), 422)
    pointers = {item["pointer"] for item in problem["errors"]}
    assert pointers == {"#/crew_total", "#/colour"}
    # A service's refusal of a field.
    problem = assert_problem(producer_api.post("/api/v1/applications", json={"production_type": "opera"}), 422)
    assert problem["errors"][0]["field"] == "production_type"
    # An unknown parameter is refused too (it would otherwise be ignored silently).
    assert_problem(api().get("/api/v1/sites?colour=red"), 422)


def _fresh_app(database_url, tmp_root, **overrides):
    return create_app(make_config(database_url, tmp_root, **overrides))


def test_429_too_many_requests_per_address_and_per_token(db, database_url, tmp_root, world):
    limited = _fresh_app(database_url, tmp_root, API_ANONYMOUS_RATE_LIMIT="2 per hour", API_RATE_LIMIT="3 per hour")
    anonymous = ApiClient(limited.test_client())
    assert [anonymous.get("/api/v1/scorecard").status_code for _ in range(2)] == [200, 200]
    response = anonymous.get("/api/v1/sites")  # every API route shares the budget
    problem = assert_problem(response, 429)
    assert problem["type"].endswith("/rate-limited") and int(response.headers["Retry-After"]) > 0
    # A token has its own budget, not the address's.
    token = ApiClient(limited.test_client(), make_token(world.producer))
    assert [token.get("/api/v1/applications").status_code for _ in range(3)] == [200, 200, 200]
    assert_problem(token.get("/api/v1/applications"), 429)
    # Another token of the same address is not limited by the first.
    other = ApiClient(limited.test_client(), make_token(world.other_producer))
    assert other.get("/api/v1/applications").status_code == 200


def test_verification_shares_the_pages_limit_per_address(db, database_url, tmp_root, world):
    limited = _fresh_app(database_url, tmp_root, VERIFY_RATE_LIMIT="2 per hour")
    client = limited.test_client()
    assert client.get("/verify/?number=AZP-1&code=X").status_code == 404  # the page
    assert ApiClient(client).get("/api/v1/permits/verify?number=AZP-1&code=X").status_code == 404
    assert_problem(ApiClient(client).get("/api/v1/permits/verify/some-token"), 429)
    assert client.get("/verify/?number=AZP-1&code=X").status_code == 429


def test_500_an_unexpected_error_is_a_problem_and_logged(db, database_url, tmp_root, caplog):
    broken = _fresh_app(database_url, tmp_root)

    @broken.get("/api/v1/broken-on-purpose")
    def broken_on_purpose():
        raise RuntimeError("a bug")

    response = ApiClient(broken.test_client()).get("/api/v1/broken-on-purpose")
    problem = assert_problem(response, 500)
    assert "a bug" not in response.get_data(as_text=True)
    assert problem["title"] == "Internal Server Error"
    assert "Unhandled error on GET /api/v1/broken-on-purpose" in caplog.text


def test_pages_keep_their_html_errors(world, app):
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
