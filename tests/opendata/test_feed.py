"""The open-data feed: every issued permit, one row per site and dates, with
BLDS fields, revoked ones as revoked, no personal data, keyset pages, a
streamed CSV, a file per day, ETags, and the same number of statements
whatever the number of permits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import event

from permits.extensions import db as database
from permits.services import opendata, workflow
from tests import clock
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted

# The scenario decides and pays at MONDAY (tests/services/scenario.py); the
# feed's world lives that day, whatever moment the suite runs at (CI moves it
# to hard ones), so that submitting, issuing and revoking share one day file.
TODAY = clock.CALENDAR.local_date(MONDAY).isoformat()
YESTERDAY = (clock.CALENDAR.local_date(MONDAY) - dt.timedelta(days=1)).isoformat()
TOMORROW = (clock.CALENDAR.local_date(MONDAY) + dt.timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def on_monday():
    with clock.freeze(MONDAY):
        yield

PERSONAL = {
    "contact_name": "Nigar Personal-Contact",
    "contact_email": "nigar.private@example.test",
    "contact_phone": "+994 50 555 12 34",
    "local_contact": "Call Rashad on +994 55 111 22 33",
}


def _approved(world, *, sites=None, title="The Silk Road"):
    application = submitted(world, sites=sites or [world.site_a])
    application.title = title
    for name, value in PERSONAL.items():
        setattr(application, name, value)
    database.session.commit()
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    database.session.commit()
    approve_all(world, application, "ministry_final")
    assert application.state == "approved"
    return application


@pytest.fixture
def world(db):
    world = build_world()
    company = world.producer.company
    company.contact_name, company.contact_email, company.contact_phone = "Company Person", "boss@lumiere.example", "+33 1 23 45 67 89"
    database.session.commit()
    return world


@pytest.fixture
def permits(world):
    """A valid permit at both sites, a revoked one, and an application still in review."""
    valid = _approved(world, sites=[world.site_a, world.site_b], title="=HYPERLINK(\"http://x\")")
    revoked = _approved(world, title="Night Train")
    workflow.revoke(revoked, world.ministry_supervisor, "Filming outside the permitted hours.")
    database.session.commit()
    in_review = submitted(world, sites=[world.site_a])
    in_review.title = "Not Yet Permitted"
    database.session.commit()
    return valid, revoked


def _get(client, url, **headers):
    database.session.rollback()
    return client.get(url, headers=headers)


def _no_personal_data(text: str, world) -> None:
    for value in PERSONAL.values():
        assert value not in text
    company = world.producer.company
    for value in (company.contact_name, company.contact_email, company.contact_phone, company.legal_name,
                  world.producer.email, world.producer.name, world.ministry_supervisor.name, world.ministry_supervisor.email,
                  "Filming outside the permitted hours."):
        assert value not in text, value


def test_the_json_feed_has_a_row_per_permitted_booking_with_blds_fields(client, world, permits):
    valid, revoked = permits
    response = _get(client, "/open-data/permits.json")
    numbers = {valid.permit_record[0].number if isinstance(valid.permit_record, list) else valid.permit_record.number}
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    body = response.get_json()
    assert body["next"] is None
    rows = body["data"]
    assert [set(row) for row in rows] == [set(opendata.FIELD_NAMES)] * 3
    by_status = {}
    for row in rows:
        by_status.setdefault(row["StatusCurrent"], []).append(row)
    assert len(by_status["valid"]) == 2 and len(by_status["revoked"]) == 1
    [gone] = by_status["revoked"]
    assert gone["ProductionTitle"] == "Night Train"
    assert gone["PermitNum"] == (revoked.permit_record[0] if isinstance(revoked.permit_record, list) else revoked.permit_record).number
    assert {row["PermitNum"] for row in by_status["valid"]} == numbers
    assert gone["StatusCurrentMapped"] == "Permit Cancelled"
    assert gone["StatusDate"] == TODAY
    first = by_status["valid"][0]
    assert first["PermitNum"].startswith(f"AZP-{MONDAY.year}-")
    assert first["PermitType"] == "Filming" and first["WorkClass"] == "feature"
    assert first["AppliedDate"] == first["IssuedDate"] == TODAY
    assert first["ShootStartDate"] == "2027-06-07" and first["ExpiresDate"] == "2027-06-09"
    assert (first["DailyStartTime"], first["DailyEndTime"]) == ("08:00", "20:00")
    assert {row["OriginalAddress1"] for row in by_status["valid"]} == {"Maiden Tower", "Yanar Dag"}
    assert first["OriginalCity"] == "Baku" and first["Region"] == "baku"
    assert first["IssuingBody"] == world.ministry.name_en and first["IssuingBodyAz"] == world.ministry.name_az
    assert "Not Yet Permitted" not in response.get_data(as_text=True)
    _no_personal_data(response.get_data(as_text=True), world)


def test_the_json_pages_follow_their_next_links_to_the_end(client, world, permits):
    seen, url, pages = [], "/open-data/permits.json?limit=1", 0
    while url:
        body = _get(client, url).get_json()
        seen.extend(row["RecordId"] for row in body["data"])
        url = body["next"]
        pages += 1
        assert pages < 10
    assert pages == 3 and len(seen) == len(set(seen)) == 3
    whole = [row["RecordId"] for row in _get(client, "/open-data/permits.json").get_json()["data"]]
    assert seen == whole


@pytest.mark.parametrize("query", ["after=abc", "after=1", "after=99999999999.1", "after=1.-2", "limit=0", "limit=1001",
                                   "limit=x", "limit=1e3"])
def test_a_bad_cursor_or_limit_is_a_clear_400(client, world, query):
    response = _get(client, f"/open-data/permits.json?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert json.loads(response.data)["title"] in ("Bad cursor", "Bad limit")


def test_the_csv_has_the_same_rows_streamed_and_is_safe_in_a_spreadsheet(client, world, permits):
    response = _get(client, "/open-data/permits.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(opendata.FIELD_NAMES)
    assert sorted(row["StatusCurrent"] for row in rows) == ["revoked", "valid", "valid"]
    assert {row["ProductionTitle"] for row in rows if row["StatusCurrent"] == "valid"} == {"'=HYPERLINK(\"http://x\")"}
    _no_personal_data(text, world)


def test_a_day_file_lists_the_permits_issued_or_changed_that_day(client, world, permits):
    for fmt in ("json", "csv"):
        response = _get(client, f"/open-data/permits/{TODAY}.{fmt}")
        assert response.status_code == 200
        _no_personal_data(response.get_data(as_text=True), world)
    day = _get(client, f"/open-data/permits/{TODAY}.json").get_json()
    assert day["date"] == TODAY
    assert sorted(row["StatusCurrent"] for row in day["data"]) == ["revoked", "valid", "valid"]
    assert _get(client, f"/open-data/permits/{YESTERDAY}.json").get_json()["data"] == []
    rows = list(csv.DictReader(io.StringIO(_get(client, f"/open-data/permits/{TODAY}.csv").get_data(as_text=True))))
    assert len(rows) == 3
    for bad in (f"{TOMORROW}.json", "2027-02-30.csv", "19-04-2027.csv", f"{TODAY}.xml", "1999-01-01.csv"):
        assert _get(client, f"/open-data/permits/{bad}").status_code == 404, bad


def test_a_client_that_has_the_answer_gets_304(client, world, permits):
    for url in ("/open-data/permits.json", f"/open-data/permits/{YESTERDAY}.csv", f"/open-data/permits/{TODAY}.json"):
        first = _get(client, url)
        assert first.headers["ETag"]
        again = _get(client, url, **{"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_the_page_links_the_files_and_explains_every_field(client, world, language):
    response = _get(client, "/open-data/", **{"Accept-Language": language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'lang="{language}"' in page
    for name in opendata.FIELD_NAMES:
        assert f"<code>{name}</code>" in page
    for link in ("/open-data/permits.csv", "/open-data/permits.json", f"/open-data/permits/{YESTERDAY}.csv"):
        assert link in page


def _statements(client, url: str) -> int:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    database.session.rollback()
    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with client.application.app_context():
            response = client.get(url)
            assert response.status_code == 200
            response.get_data()
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return len(seen)


def test_every_file_takes_the_same_statements_whatever_the_number_of_permits(client, world):
    urls = ("/open-data/permits.json?limit=1000", "/open-data/permits.csv", f"/open-data/permits/{TODAY}.json",
            f"/open-data/permits/{TODAY}.csv", "/open-data/")
    _approved(world)
    few = {url: _statements(client, url) for url in urls}
    for n in range(4):
        application = _approved(world, sites=[world.site_a, world.site_b], title=f"Film {n}")
        if n % 2:
            workflow.revoke(application, world.ministry_supervisor, "Revoked.")
            database.session.commit()
    many = {url: _statements(client, url) for url in urls}
    assert many == few, (few, many)
    print("statements per answer:", few)
    assert len(_get(client, "/open-data/permits.json?limit=1000").get_json()["data"]) == 1 + 4 * 2
    assert few["/open-data/permits.json?limit=1000"] <= 2
