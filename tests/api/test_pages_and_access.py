"""Keyset pages (the next link walks every row once), the same authorization
as the pages (another company's data is invisible), and a fixed number of
queries per list whatever the data's size."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from permits.extensions import db as database
from permits.models import Permit
from permits.services import workflow
from tests.api.conftest import assert_problem, make_token
from tests.factories import LocationFactory
from tests.services.scenario import MONDAY, approve_all, draft, open_reviews, submitted


def walk(client, url: str) -> tuple[list[dict], int]:
    """Every item of a list, following next links; and the number of pages."""
    items, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        body = response.get_json()
        items.extend(body["items"])
        pages += 1
        link = response.headers.get("Link")
        assert (link is not None) == (body["next"] is not None)
        if link:
            assert link == f'<{body["next"]}>; rel="next"'
        url = body["next"]
        assert pages < 100
    return items, pages


def test_the_catalogue_walks_every_site_once(world, api):
    for n in range(11):
        LocationFactory(owner=world.owner_b, slug=f"walk-{n:02d}", region="sheki" if n % 2 else "baku")
    LocationFactory(owner=world.owner_b, slug="walk-hidden", published=False)
    database.session.commit()
    items, pages = walk(api(), "/api/v1/sites?limit=3")
    slugs = [item["slug"] for item in items]
    assert len(slugs) == len(set(slugs)) == 13 and "walk-hidden" not in slugs
    assert slugs == sorted(slugs) and pages == 5
    # The filters stay on every page.
    items, _ = walk(api(), "/api/v1/sites?limit=2&region=sheki")
    assert [item["slug"] for item in items] == [f"walk-{n:02d}" for n in range(1, 11, 2)]
    # A forged cursor is refused, not read as the first page.
    assert_problem(api().get("/api/v1/sites?cursor=%%%"), 422)


def test_a_producer_walks_their_companys_applications_only(world, api):
    mine = [draft(world, sites=[world.site_a]).id for _ in range(7)]
    database.session.rollback()
    mine.append(submitted(world, sites=[world.site_a]).id)
    theirs = _other_companys_application(world)
    client = api(make_token(world.producer))
    items, pages = walk(client, "/api/v1/applications?limit=3")
    assert sorted(item["id"] for item in items) == sorted(mine) and pages == 3
    assert theirs not in {item["id"] for item in items}
    # Another company's application: 404, as on the portal.
    assert_problem(client.get(f"/api/v1/applications/{theirs}"), 404)
    other = api(make_token(world.other_producer))
    assert_problem(other.get(f"/api/v1/applications/{mine[0]}"), 404)
    assert [item["id"] for item in other.get("/api/v1/applications").get_json()["items"]] == [theirs]
    # Reviewers are not producers.
    assert_problem(api(make_token(world.ministry_reviewer)).get(f"/api/v1/applications/{mine[-1]}"), 403)


def _other_companys_application(world) -> int:
    from permits.services import applications

    database.session.rollback()
    application = applications.create_draft(world.other_producer, title="Theirs")
    database.session.commit()
    return application.id


def test_an_application_shows_reviews_clocks_bookings_and_timeline(world, api):
    application = submitted(world, sites=[world.site_a])
    approve_all(world, application, "ministry_screening")
    [tourism] = open_reviews(application, "tourism")
    workflow.decide(tourism, world.tourism_reviewer, "request_information", reason="Which street?", now=MONDAY)
    database.session.commit()
    response = api(make_token(world.producer)).get(f"/api/v1/applications/{application.id}")
    body = response.get_json()
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["state"]["code"] == "in_review" and body["reference"].startswith("AZF-")
    kinds = {review["kind"]["code"]: review for review in body["reviews"]}
    assert kinds["tourism"]["clock"]["state"] == "paused" and kinds["tourism"]["state"]["code"] == "info_requested"
    assert kinds["site_owner"]["clock"]["due_at"] is not None
    assert kinds["ministry_screening"]["clock"]["state"] == "closed"
    assert [b["site"] for b in body["bookings"]] == [world.site_a.slug]
    actions = [(event["subject"], event["action"]) for event in body["timeline"]]
    assert ("application", "submit") in actions and ("review", "request_information") in actions
    assert all(event["title"] for event in body["timeline"])


def test_a_reviewer_walks_their_organisations_queue_only(world, api):
    ids = []
    for _ in range(5):
        application = submitted(world, sites=[world.site_a])
        approve_all(world, application, "ministry_screening")
        ids.extend(r.id for r in open_reviews(application, "site_owner"))
    client = api(make_token(world.owner_a_reviewer))
    items, pages = walk(client, "/api/v1/reviews?queue=open&limit=2")
    assert sorted(item["id"] for item in items) == sorted(ids) and pages == 3
    assert all(item["kind"]["code"] == "site_owner" for item in items)
    # The other owner's reviewer sees none of them.
    assert api(make_token(world.owner_b_reviewer)).get("/api/v1/reviews?queue=open").get_json()["items"] == []


def test_the_site_never_names_a_production(world, api):
    application = submitted(world, sites=[world.site_a], start=dt.date(2027, 6, 7))
    response = api().get(f"/api/v1/sites/{world.site_a.slug}?month=2027-06")
    body = response.get_json()
    held = [day["date"] for day in body["availability"]["days"] if day["status"] == "held"]
    assert held == ["2027-06-07", "2027-06-08", "2027-06-09"]
    text = response.get_data(as_text=True)
    assert application.title not in text and application.reference not in text and "Lumière" not in text
    assert_problem(api().get(f"/api/v1/sites/{world.site_a.slug}?month=2027-13"), 422)


def test_verification_gives_the_pages_data_and_no_personal_data(world, api):
    application = submitted(world, sites=[world.site_a])
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    database.session.commit()
    approve_all(world, application, "ministry_final")
    database.session.refresh(application)
    permit = database.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one()
    by_token = api().get(f"/api/v1/permits/verify/{permit.verification_token}")
    assert by_token.status_code == 200 and by_token.headers["Cache-Control"] == "no-store"
    body = by_token.get_json()
    assert body["number"] == permit.number and body["status"] == "valid" and body["title"] == application.title
    assert body["sites"][0]["site"] == world.site_a.slug
    text = by_token.get_data(as_text=True)
    for personal in (application.contact_email, application.contact_name, world.producer.email):
        assert personal and personal not in text
    by_number = api().get(f"/api/v1/permits/verify?number={permit.number}&code={permit.short_code}")
    assert by_number.get_json() == body
    wrong = api().get(f"/api/v1/permits/verify?number={permit.number}&code=WRONG123")
    unknown = api().get(f"/api/v1/permits/verify?number=AZP-2027-999999&code={permit.short_code}")
    assert assert_problem(wrong, 404)["detail"] == assert_problem(unknown, 404)["detail"]


# ----------------------------------------------------------------------------- query counts


def _statements(client, url: str) -> int:
    database.session.commit()
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


def _grow(world, count: int) -> None:
    for n in range(count):
        LocationFactory(owner=world.owner_b if n % 2 else world.owner_a)
        application = submitted(world, sites=[world.site_a, world.site_b])
        approve_all(world, application, "ministry_screening")
    database.session.commit()


@pytest.mark.parametrize("who,url", [
    (None, "/api/v1/sites?limit=100"),
    ("producer", "/api/v1/applications?limit=100"),
    ("owner_a_reviewer", "/api/v1/reviews?queue=open&limit=100"),
])
def test_lists_ask_a_fixed_number_of_queries(world, api, who, url):
    client = api(make_token(getattr(world, who)) if who else None)
    _grow(world, 3)
    client.get(url)  # the token's last use is written on the first call
    small = _statements(client, url)
    _grow(world, 12)
    large = _statements(client, url)
    assert small == large, (url, small, large)
