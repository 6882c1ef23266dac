"""Bad input never reaches the database as a 500, whatever the bytes:
control characters are removed from every parameter at one place (the
request), ids outside the id columns' range are a 404 or a form error,
one-line fields collapse their whitespace, overlong addresses get the
product's own page. On PostgreSQL (TEST_DATABASE_URL) these are the cases
that answered 500 in the black-box test."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from permits.inputs import MAX_URL_LENGTH, IdConverter
from permits.models import Application, Notification, User
from tests.helpers import csrf_token
from tests.security.routes import API_ROUTES, ROUTES

HUGE = 99_999_999_999
REMOVED = "Invisible control characters (such as NUL) were removed from what you sent."


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_integer_in_a_route_is_an_id_bound_to_the_columns_range(app):
    plain = [rule.rule for rule in _rules(app)
             for converter in rule._converters.values()
             if isinstance(converter, IntegerConverter) and not isinstance(converter, IdConverter)]
    assert not plain, f"use <id:...> instead of <int:...> in: {plain}"
    ids = [rule for rule in _rules(app) if any(isinstance(c, IdConverter) for c in rule._converters.values())]
    assert len(ids) > 30


def test_the_id_pattern_matches_exactly_the_columns_range():
    """Out of range, an id matches no rule: never a 405 because the path has
    another method (the router compares methods before the converter's range)."""
    import re

    from permits.inputs import _up_to
    from permits.models.base import MAX_ID

    pattern = re.compile(IdConverter.regex + r"\Z")
    for value in ("1", "9", "10", "999999999", "1000000000", "1999999999", str(MAX_ID - 1), str(MAX_ID)):
        assert pattern.match(value), value
    for value in ("0", "007", "-1", str(MAX_ID + 1), "2200000000", "9999999999", str(HUGE), "1e3", " 1"):
        assert not pattern.match(value), value
    for limit in (1, 9, 10, 99, 100, 305, 1000):
        small = re.compile(_up_to(limit) + r"\Z")
        assert [n for n in range(1200) if small.match(str(n))] == list(range(1, limit + 1))


def _allowed_identity(route) -> str:
    for identity in ("producer", "ministry", "owner_a", "owner_a_sup", "ministry_sup", "finance", "admin"):
        if identity in route.allowed:
            return identity
    raise AssertionError("nobody may use this route")


def test_ids_beyond_the_columns_range_are_not_found_on_every_route(app, sec, client_for):
    checked = 0
    for rule in _rules(app):
        id_args = [name for name, c in rule._converters.items() if isinstance(c, IdConverter)]
        if not id_args:
            continue
        route = ROUTES.get(rule.endpoint) or API_ROUTES[rule.endpoint]
        client = client_for(sec.user(_allowed_identity(route)))
        values = route.values(sec)
        for name in id_args:
            with app.test_request_context():
                url = url_for(rule.endpoint, **{**values, name: HUGE})
            method = "GET" if "GET" in rule.methods else sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})[0]
            data = {"csrf_token": csrf_token(client.get("/account/").data)} if method != "GET" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 404, (url, method, response.status_code)
            checked += 1
    assert checked > 30


def test_out_of_range_ids_in_query_strings_and_forms_are_refused_quietly(app, sec, client_for, db):
    producer = client_for(sec.user("producer"))
    assert producer.get(f"/notifications/?before={HUGE}").status_code == 404
    assert producer.get("/notifications/?before=-1").status_code == 404
    assert producer.get("/notifications/?before=١٢").status_code == 404  # digits, but not ours
    ministry = client_for(sec.user("ministry"))
    assert ministry.get(f"/review/?site={HUGE}").status_code == 200
    assert ministry.get(f"/review/applications?site={HUGE}").status_code == 200
    import base64

    cursor = base64.urlsafe_b64encode(f"-|{HUGE}".encode()).decode()
    assert ministry.get(f"/review/?after={cursor}").status_code == 200
    assert ministry.get(f"/review/applications?after={cursor}").status_code == 200

    draft = sec.draft.id
    page = producer.get(f"/applications/{draft}/sites/add")
    response = producer.post(f"/applications/{draft}/sites/add", data={
        "csrf_token": csrf_token(page.data), "location_id": str(HUGE), "start_date": "2027-09-06", "end_date": "2027-09-07",
        "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "5", "vehicles": "0"})
    assert response.status_code == 400 and "govuk-error-summary" in response.get_data(as_text=True)
    page = producer.get(f"/applications/{draft}/documents")
    response = producer.post(f"/applications/{draft}/documents/attach",
                             data={"csrf_token": csrf_token(page.data), "document_id": str(HUGE)})
    assert response.status_code == 400 and "govuk-error-summary" in response.get_data(as_text=True)

    supervisor = client_for(sec.user("owner_a_sup"))
    review = sec.owner_a_review
    page = supervisor.get(f"/review/tasks/{review.id}")
    response = supervisor.post(f"/review/tasks/{review.id}/assign", data={
        "csrf_token": csrf_token(page.data), "version": str(review.version), "assignee": str(HUGE), "confirm": "yes"})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(type(review), review.id).assignee_id == review.assignee_id


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/verify/?number=A%00&code=x", 404),
        ("/verify/%00abc", 404),
        ("/verify/abc%00", 404),
        ("/sites/?q=%00", 200),
        ("/sites/?q=Shek%00i%01&region=%00", 200),
        ("/sites/quote?sites=%00&start_date=2027-06-07%00&end_date=2027-06-08&crew=5", 200),
        ("/%00", 404),
    ],
)
def test_nul_in_a_public_address_is_removed_or_not_found(client, db, path, status):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status == 200:
        assert REMOVED in response.get_data(as_text=True)


def test_nul_in_sign_in_and_forgotten_password_is_a_plain_answer(client, db):
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"csrf_token": csrf_token(page.data), "email": "ann\x00@example.test",
                                                "password": "x\x00y"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in body and REMOVED in body
    page = client.get("/auth/forgot-password")
    response = client.post("/auth/forgot-password", data={"csrf_token": csrf_token(page.data), "email": "\x00@x.test"})
    assert response.status_code == 200


def test_nul_in_queue_filters_notes_messages_and_profile_is_removed(sec, client_for, db):
    ministry = client_for(sec.user("ministry"))
    for path in ("/review/?q=%00&country=F%00", "/review/applications?q=A%00Z&state=%00", "/review/escalations?q=%00"):
        assert ministry.get(path).status_code == 200, path
    owner = client_for(sec.user("owner_a"))
    review = sec.owner_a_review
    page = owner.get(f"/review/tasks/{review.id}")
    response = owner.post(f"/review/tasks/{review.id}/notes", data={"csrf_token": csrf_token(page.data), "body": "Call\x00 them\x07"})
    assert response.status_code == 302
    page = owner.get(f"/review/tasks/{review.id}")
    assert "Call them" in page.get_data(as_text=True)
    response = owner.post(f"/review/tasks/{review.id}/messages", data={"csrf_token": csrf_token(page.data), "body": "\x00Hello"})
    assert response.status_code == 302

    producer = client_for(sec.user("producer"))
    page = producer.get("/account/")
    response = producer.post("/account/", data={"csrf_token": csrf_token(page.data), "name": "Ann\x00 Lee", "language": "en"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(User, sec.user("producer").id).name == "Ann Lee"


def test_a_section_keeps_line_breaks_in_text_areas_and_collapses_one_line_fields(sec, client_for, db):
    producer = client_for(sec.user("producer"))
    draft = sec.draft.id
    page = producer.get(f"/applications/{draft}/production")
    response = producer.post(f"/applications/{draft}/production", data={
        "csrf_token": csrf_token(page.data),
        "title": "  The Silk\r\nRoad\u2028\tPermit no. 1\x00  ",
        "production_type": "feature", "country_of_origin": "F\x00R",
        "synopsis": "Day one: the caravan.\r\nDay two: the\x0b market.",
        "completed": "no",
    })
    assert response.status_code == 302
    db.session.rollback()
    application = db.session.get(Application, draft)
    assert application.title == "The Silk Road Permit no. 1"
    assert application.country_of_origin == "FR"
    assert application.synopsis == "Day one: the caravan.\r\nDay two: the market."


def test_conditions_of_an_approval_are_one_line_each(sec, client_for, db):
    owner = client_for(sec.user("owner_a"))
    review = sec.owner_a_review
    page = owner.get(f"/review/tasks/{review.id}/decide/approve_with_conditions")
    response = owner.post(f"/review/tasks/{review.id}/decide/approve_with_conditions", data={
        "csrf_token": csrf_token(page.data), "version": str(review.version), "confirm": "yes",
        "conditions-0": "No filming\nPERMIT VALID UNTIL 2099", "conditions-1": "", "conditions-2": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    decided = db.session.get(type(review), review.id)
    assert decided.conditions == ["No filming PERMIT VALID UNTIL 2099"]


def test_a_5000_character_token_gets_the_products_own_address_too_long_page(client, db):
    response = client.get("/verify/" + "A" * 5000, headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 414
    assert "Address too long" in body and "app-header" in body
    assert response.headers["Content-Security-Policy"]
    response = client.get("/sites/?q=" + "x" * MAX_URL_LENGTH, headers={"Accept-Language": "az"})
    assert response.status_code == 414 and "<html lang=\"az\"" in response.get_data(as_text=True)
    # Just under the cap is an ordinary page.
    assert client.get("/sites/?q=" + "x" * 100).status_code == 200


def test_the_bell_survives_a_notice_list_cursor_beyond_the_range(sec, client_for, db):
    producer = client_for(sec.user("producer"))
    newest = db.session.scalars(select(Notification.id).order_by(Notification.id.desc())).first()
    assert producer.get(f"/notifications/?before={newest + 1}").status_code == 200
