"""The producers' writes of /api/v1: a draft's sections, bookings and
documents, submission, answers to requests for information, withdrawal, the
permit's PDF and the invoices - through the pages' forms and services, with
If-Match on the row version; and a whole filing through the API alone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from permits.extensions import db as database
from permits.models import Application, ApplicationDocument, Message, Notification, ReviewTask, WorkflowEvent
from permits.services import documents, workflow
from tests import clock
from tests.api.conftest import assert_problem, make_token
from tests.factories import PASSWORD
from tests.helpers import login, post_form
from tests.portal.conftest import JPEG, complete_draft, pdf_bytes
from tests.services.scenario import MONDAY, approve_all, draft, open_reviews, submitted

API = "/api/v1/applications"


def future(days: int = 45) -> dt.date:
    return clock.days_ahead(days)


@pytest.fixture
def writer(world, api):
    return api(make_token(world.producer, scopes=("read", "write")))


@pytest.fixture
def reader(world, api):
    return api(make_token(world.producer))


@pytest.fixture
def other(world, api):
    return api(make_token(world.other_producer, scopes=("read", "write")))


@pytest.fixture
def staff(world, api):
    return api(make_token(world.owner_a_reviewer, scopes=("read", "write")))


def etag_of(client, application_id: int) -> str:
    response = client.get(f"{API}/{application_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.headers["ETag"]


def put(client, url: str, body: dict, etag: str | None):
    return client.open(url, "PUT", json=body, headers={"If-Match": etag} if etag else {})


def post(client, url: str, etag: str | None = None, **kwargs):
    headers = {"If-Match": etag} if etag else {}
    return client.post(url, headers=headers, **kwargs)


def delete(client, url: str, etag: str | None):
    return client.open(url, "DELETE", headers={"If-Match": etag} if etag else {})


def upload_body(data: bytes, name: str = "certificate.pdf", **fields) -> dict:
    return {"file": (io.BytesIO(data), name), **{k: v for k, v in fields.items() if v is not None}}


def fresh():
    database.session.rollback()  # the requests wrote in their own transactions


def field_names(problem: dict) -> set[str]:
    return {error["field"] for error in problem["errors"]}


BOOKING = {"daily_start": "08:00", "daily_end": "19:00", "crew_on_site": 10, "vehicles": 2, "notes": "Gate 2"}


def booking_body(world, start: dt.date, days: int = 2, **changes) -> dict:
    return {"site": world.site_a.slug, "first_day": start.isoformat(),
            "last_day": (start + dt.timedelta(days=days - 1)).isoformat(), **BOOKING, **changes}


def new_draft(client) -> tuple[int, str]:
    response = client.post(API, json={"title": "Caspian Light"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"], response.headers["ETag"]


# ----------------------------------------------------------------------------- the whole filing


def _file_through_the_api(world, writer, start: dt.date) -> int:
    """Create, every section, a booking, the documents, submit: the API alone."""
    application_id, etag = new_draft(writer)
    url = f"{API}/{application_id}"

    def step(response, status=200):
        assert response.status_code == status, response.get_data(as_text=True)
        return response.headers["ETag"]

    etag = step(put(writer, f"{url}/contacts", {"contact_name": "Ana", "contact_email": "ana@example.test",
                                                "contact_phone": "+994 12 000 00 00", "complete": True}, etag))
    etag = step(put(writer, f"{url}/production", {"title": "The Silk Road", "production_type": "feature",
                                                  "country_of_origin": "FR",
                                                  "synopsis": "A caravan crosses the old city at dawn.",
                                                  "complete": True}, etag))
    booked = post(writer, f"{url}/bookings", etag, json=booking_body(world, start, crew_on_site=10, vehicles=0))
    etag = step(booked, 201)
    assert booked.get_json()["booking"]["site"] == world.site_a.slug
    etag = step(put(writer, f"{url}/sections/sites", {"complete": True}, etag))
    etag = step(put(writer, f"{url}/activities", {"activities": [], "safety_notes": "", "complete": True}, etag))
    etag = step(put(writer, f"{url}/crew", {"crew_total": 10, "equipment_notes": "Two cameras", "complete": True}, etag))
    # The documents the reviews need, as the documents page names them.
    listing = writer.get(f"{url}/documents").get_json()
    assert listing["checks"] and all(check["blocking"] for check in listing["checks"])
    fresh()
    kinds = [need.document_kind for _kind, need in documents.needed_documents(database.session.get(Application, application_id))]
    assert "insurance" in kinds
    for kind in dict.fromkeys(kinds):
        fields = {"kind": kind}
        if kind in documents.EXPIRING_KINDS:
            fields["expires_on"] = (start + dt.timedelta(days=400)).isoformat()
        if kind == "insurance":
            fields["insured_name"] = world.producer.company.legal_name
        etag = step(post(writer, f"{url}/documents", etag, data=upload_body(pdf_bytes(kind), f"{kind}.pdf", **fields),
                         content_type="multipart/form-data"), 201)
    assert writer.get(f"{url}/documents").get_json()["checks"] == []
    etag = step(put(writer, f"{url}/sections/documents", {"complete": True}, etag))
    etag = step(put(writer, f"{url}/declaration", {"declaration_name": "Ana Producer", "confirm": True}, etag))
    sections = writer.get(f"{url}/sections").get_json()
    assert sections["ready"] and sections["missing"] == [], sections
    assert {s["section"]: s["status"]["code"] for s in sections["sections"]} == dict.fromkeys(
        ("company", "production", "sites", "activities", "crew", "documents", "declaration"), "completed")
    submitted_ = post(writer, f"{url}/submit", etag)
    assert submitted_.status_code == 200, submitted_.get_data(as_text=True)
    body = submitted_.get_json()
    assert body["state"]["code"] != "draft" and body["reference"].startswith("AZF-")
    assert submitted_.headers["ETag"] == f'"{body["version"]}"'
    return application_id


def _what_it_left(application_id: int) -> dict:
    fresh()
    events = database.session.execute(
        select(WorkflowEvent).where(WorkflowEvent.application_id == application_id).order_by(WorkflowEvent.id)).scalars()
    notices = database.session.execute(
        select(Notification).where(Notification.application_id == application_id)).scalars()
    reviews = database.session.execute(select(ReviewTask).where(ReviewTask.application_id == application_id)).scalars()
    application = database.session.get(Application, application_id)
    return {
        "state": application.state,
        "events": [(e.subject, e.action, e.from_state, e.to_state, e.actor_role) for e in events],
        "notices": sorted((n.kind, n.user_id) for n in notices),
        "reviews": sorted((r.kind, r.state) for r in reviews),
        "documents": sorted(link.document.kind for link in application.documents),
        "fee_total": application.fee_total,
    }


def test_a_whole_filing_through_the_api_alone_leaves_what_the_pages_leave(app, world, writer):
    by_api = _file_through_the_api(world, writer, future(45))
    # The same filing through the pages: a complete draft, submitted from the check page.
    fresh()
    paged = complete_draft(world, start=future(60))
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(browser, world.producer.email, PASSWORD)
    fresh()
    response = post_form(browser, f"/applications/{paged.id}/submit", {"version": str(paged.version)},
                         page_url=f"/applications/{paged.id}/check")
    assert response.status_code == 302
    api_left, page_left = _what_it_left(by_api), _what_it_left(paged.id)
    assert api_left["state"] == page_left["state"] != "draft"
    assert api_left["events"] == page_left["events"] and api_left["events"]
    assert api_left["notices"] == page_left["notices"] and api_left["notices"]
    assert api_left["reviews"] == page_left["reviews"] and api_left["reviews"]
    assert api_left["documents"] == page_left["documents"]
    assert api_left["fee_total"] == page_left["fee_total"]


# ----------------------------------------------------------------------------- who may write


WRITES = [
    ("PUT", "/contacts", {"contact_name": "A"}),
    ("PUT", "/activities", {"activities": []}),
    ("PUT", "/crew", {"crew_total": 3}),
    ("PUT", "/declaration", {"declaration_name": "A", "confirm": True}),
    ("PUT", "/sections/sites", {"complete": False}),
    ("PUT", "/sections/documents", {"complete": False}),
    ("POST", "/withdraw", {}),
    ("POST", "/submit", None),
]


def test_a_read_token_another_company_and_staff_are_refused_and_nothing_changes(world, writer, reader, other, staff, api):
    application = draft(world, sites=[world.site_a])
    url = f"{API}/{application.id}"
    version = application.version
    for method, tail, body in WRITES:
        kwargs = {"json": body} if body is not None else {}
        where = f"{method} {tail}"
        problem = assert_problem(reader.open(url + tail, method, headers={"If-Match": "*"}, **kwargs), 403)
        assert problem["type"].endswith("/insufficient-scope"), where
        assert_problem(other.open(url + tail, method, headers={"If-Match": "*"}, **kwargs), 404)
        assert "producers" in assert_problem(staff.open(url + tail, method, headers={"If-Match": "*"}, **kwargs), 403)["detail"]
        assert_problem(api().open(url + tail, method, headers={"If-Match": "*"}, **kwargs), 401)
    booking = application.bookings[0]
    assert_problem(other.post(f"{url}/bookings", json=booking_body(world, future()), headers={"If-Match": "*"}), 404)
    assert_problem(other.open(f"{url}/bookings/{booking.id}", "DELETE", headers={"If-Match": "*"}), 404)
    assert_problem(other.post(f"{url}/documents", data=upload_body(pdf_bytes(), kind="synopsis"),
                              content_type="multipart/form-data", headers={"If-Match": "*"}), 404)
    assert_problem(other.get(f"{url}/documents"), 404)
    assert_problem(other.get(f"{url}/sections"), 404)
    assert_problem(other.get(f"{url}/invoices"), 404)
    assert_problem(other.get(f"{url}/permit.pdf"), 404)
    fresh()
    assert database.session.get(Application, application.id).version == version
    assert len(database.session.get(Application, application.id).bookings) == 1


@pytest.mark.parametrize("method,tail,body", WRITES[:6])
def test_each_section_needs_if_match_and_the_current_version(world, writer, method, tail, body):
    application = draft(world, sites=[world.site_a])
    url = f"{API}/{application.id}{tail}"
    assert assert_problem(put(writer, url, body, None), 428)["type"].endswith("/precondition-required")
    assert_problem(put(writer, url, body, '"999"'), 412)
    etag = etag_of(writer, application.id)
    assert_problem(put(writer, url, body, "W/" + etag), 412)
    saved = put(writer, url, body, etag)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.headers["ETag"] == f'"{saved.get_json()["version"]}"'
    if saved.headers["ETag"] != etag:
        stale = assert_problem(put(writer, url, body, etag), 412)
        assert stale["type"].endswith("/stale-version")


# ----------------------------------------------------------------------------- the sections: the pages' rules


def test_the_contacts_section_uses_the_pages_form_and_rules(world, writer):
    application_id, etag = new_draft(writer)
    url = f"{API}/{application_id}/contacts"
    too_long = assert_problem(put(writer, url, {"contact_name": "x" * 256}, etag), 422)
    assert field_names(too_long) == {"contact_name"}
    assert "255" in too_long["errors"][0]["detail"] and too_long["errors"][0]["pointer"] == "#/contact_name"
    # Marked complete without a telephone: the section's own rule names the field.
    missing = assert_problem(put(writer, url, {"contact_name": "Ana", "contact_email": "ana@example.test",
                                               "complete": True}, etag), 422)
    assert field_names(missing) == {"contact_phone"}
    assert assert_problem(put(writer, url, {"contact_name": "Ana", "nickname": "x"}, etag), 422)["errors"][0]["field"] == "nickname"
    saved = put(writer, url, {"contact_name": " Ana   Aliyeva ", "contact_email": "ana@example.test",
                              "contact_phone": "+994 12 000 00 00", "complete": True}, etag)
    assert saved.status_code == 200
    fresh()
    application = database.session.get(Application, application_id)
    assert application.contact_name == "Ana Aliyeva"  # the page's one-line filter
    assert "company" in application.completed_sections


def test_crew_activities_and_declaration_are_checked_as_on_their_pages(world, writer):
    application_id, etag = new_draft(writer)
    url = f"{API}/{application_id}"
    for crew in (-1, 10001, 10**30):
        assert field_names(assert_problem(put(writer, f"{url}/crew", {"crew_total": crew}, etag), 422)) == {"crew_total"}
    assert field_names(assert_problem(put(writer, f"{url}/crew", {"crew_total": 0, "complete": True}, etag), 422)) == {"crew_total"}
    unknown = assert_problem(put(writer, f"{url}/activities", {"activities": ["juggling"]}, etag), 422)
    assert field_names(unknown) == {"activities"}
    needs_notes = assert_problem(put(writer, f"{url}/activities", {"activities": ["drone"], "complete": True}, etag), 422)
    assert field_names(needs_notes) == {"safety_notes"}
    assert field_names(assert_problem(put(writer, f"{url}/declaration", {"declaration_name": "Ana"}, etag), 422)) == {"confirm"}
    assert field_names(assert_problem(put(writer, f"{url}/declaration", {"confirm": True}, etag), 422)) == {"declaration_name"}
    signed = put(writer, f"{url}/declaration", {"declaration_name": "Ana", "confirm": True}, etag)
    assert signed.status_code == 200
    sections = writer.get(f"{url}/sections").get_json()
    declaration = next(s for s in sections["sections"] if s["section"] == "declaration")
    assert declaration["status"]["code"] == "completed" and not sections["ready"]
    assert {item["section"] for item in sections["missing"]} >= {"company", "sites", "documents"}


def test_the_sites_section_needs_a_site(world, writer):
    application_id, etag = new_draft(writer)
    problem = assert_problem(put(writer, f"{API}/{application_id}/sections/sites", {"complete": True}, etag), 422)
    assert field_names(problem) == {"complete"} and "filming site" in problem["detail"]
    assert_problem(put(writer, f"{API}/{application_id}/sections/crew", {"complete": True}, etag), 404)


def test_a_submitted_application_can_no_longer_change(world, writer):
    filed = submitted(world, sites=[world.site_a])
    etag = etag_of(writer, filed.id)
    for _method, tail, body in WRITES[:6]:
        assert "can no longer be changed" in assert_problem(put(writer, f"{API}/{filed.id}{tail}", body, etag), 409)["detail"]
    assert_problem(post(writer, f"{API}/{filed.id}/bookings", etag, json=booking_body(world, future())), 409)
    assert_problem(post(writer, f"{API}/{filed.id}/documents", etag, data=upload_body(pdf_bytes(), kind="synopsis"),
                        content_type="multipart/form-data"), 409)


# ----------------------------------------------------------------------------- bookings


def test_a_booking_is_added_with_the_pages_checks_and_moves_the_version(world, writer):
    application_id, etag = new_draft(writer)
    url = f"{API}/{application_id}/bookings"
    start = future()
    refusals = {
        "site": booking_body(world, start, site="no-such-site"),
        "crew_on_site": booking_body(world, start, crew_on_site=world.site_a.max_crew + 1),
        "first_day": booking_body(world, clock.days_ahead(-1)),
        "last_day": {**booking_body(world, start), "last_day": (start - dt.timedelta(days=1)).isoformat()},
        "daily_end": booking_body(world, start, daily_start="20:00", daily_end="06:00"),
    }
    for field, body in refusals.items():
        problem = assert_problem(post(writer, url, etag, json=body), 422)
        assert field in field_names(problem), (field, problem)
    assert field_names(assert_problem(post(writer, url, etag, json=booking_body(world, start, daily_start="25:99")), 422)) == {"daily_start"}
    assert_problem(post(writer, url, None, json=booking_body(world, start)), 428)
    added = post(writer, url, etag, json=booking_body(world, start))
    assert added.status_code == 201, added.get_data(as_text=True)
    body = added.get_json()
    assert body["booking"]["crew_on_site"] == 10 and body["booking"]["daily_end"] == "19:00"
    assert added.headers["ETag"] == f'"{body["version"]}"' != etag
    # The old version no longer matches: another program added a site meanwhile.
    assert_problem(post(writer, url, etag, json=booking_body(world, future(80))), 412)


def test_a_booking_on_a_closed_day_is_refused_and_a_clash_is_a_warning(world, writer):
    from permits.models import LocationBlackout

    start = future()
    database.session.add(LocationBlackout(location_id=world.site_b.id, start_date=start, end_date=start, reason="Works"))
    database.session.commit()
    held = submitted(world, sites=[world.site_a], start=start)
    assert held.state != "draft"
    application_id, etag = new_draft(writer)
    url = f"{API}/{application_id}/bookings"
    closed = assert_problem(post(writer, url, etag, json=booking_body(world, start, site=world.site_b.slug)), 422)
    assert "closed to filming" in closed["detail"] and field_names(closed) == {"first_day"}
    clash = post(writer, url, etag, json=booking_body(world, start))
    assert clash.status_code == 201
    assert any("Another production" in warning for warning in clash.get_json()["warnings"])


def test_a_booking_is_removed_with_if_match(world, writer):
    application = draft(world)
    mine, other_site = application.bookings
    elsewhere = draft(world, sites=[world.site_a])
    url = f"{API}/{application.id}/bookings"
    etag = etag_of(writer, application.id)
    assert_problem(delete(writer, f"{url}/{mine.id}", None), 428)
    assert_problem(delete(writer, f"{url}/{elsewhere.bookings[0].id}", etag), 404)
    removed = delete(writer, f"{url}/{mine.id}", etag)
    assert removed.status_code == 200, removed.get_data(as_text=True)
    assert [b["id"] for b in removed.get_json()["bookings"]] == [other_site.id]
    assert_problem(delete(writer, f"{url}/{other_site.id}", etag), 412)
    assert_problem(delete(writer, f"{url}/{mine.id}", removed.headers["ETag"]), 404)


# ----------------------------------------------------------------------------- documents


def _upload(writer, application_id: int, etag: str, data: bytes, name: str = "certificate.pdf", **fields):
    return post(writer, f"{API}/{application_id}/documents", etag, data=upload_body(data, name, **fields),
                content_type="multipart/form-data")


def test_a_document_is_checked_by_its_bytes_as_on_the_page(app, world, writer):
    application_id, etag = new_draft(writer)
    insurance = {"kind": "insurance", "expires_on": future(400).isoformat(), "insured_name": "Lumière SAS"}
    html = assert_problem(_upload(writer, application_id, etag, b"<html><script>1</script></html>", "x.pdf", **insurance), 415)
    assert html["type"].endswith("/unsupported-media-type") and field_names(html) == {"file"}
    fake = assert_problem(_upload(writer, application_id, etag, b"%PDF-1.4 no end", "x.pdf", **insurance), 415)
    assert "PDF, JPEG or PNG" in fake["detail"]
    assert field_names(assert_problem(_upload(writer, application_id, etag, b"", "x.pdf", **insurance), 422)) == {"file"}
    no_date = assert_problem(_upload(writer, application_id, etag, pdf_bytes(), kind="insurance", insured_name="Lumière SAS"), 422)
    assert field_names(no_date) == {"expires_on"}
    bad_date = assert_problem(_upload(writer, application_id, etag, pdf_bytes(), kind="insurance", expires_on="2027-02-30"), 422)
    assert field_names(bad_date) == {"expires_on"}
    assert field_names(assert_problem(_upload(writer, application_id, etag, pdf_bytes(), kind="poem"), 422)) == {"kind"}
    no_file = assert_problem(post(writer, f"{API}/{application_id}/documents", etag, data={"kind": "synopsis"},
                                  content_type="multipart/form-data"), 422)
    assert field_names(no_file) == {"file"}
    as_json = assert_problem(post(writer, f"{API}/{application_id}/documents", etag, json={"kind": "synopsis"}), 415)
    assert as_json["detail"] == "Send the request body as multipart/form-data."
    assert_problem(_upload(writer, application_id, None, pdf_bytes(), kind="synopsis"), 428)
    fresh()
    assert database.session.get(Application, application_id).documents == []
    uploaded = _upload(writer, application_id, etag, pdf_bytes(), "../../etc/In\u202esurance.pdf", **insurance, keep="true")
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    body = uploaded.get_json()
    assert body["kind"]["code"] == "insurance" and body["content_type"] == "application/pdf" and body["in_passport"]
    assert body["filename"] == "Insurance.pdf" and body["size"] == len(pdf_bytes())
    assert uploaded.headers["ETag"] != etag
    image = _upload(writer, application_id, uploaded.headers["ETag"], JPEG, "plan.png", kind="site_plan")
    assert image.status_code == 201 and image.get_json()["content_type"] == "image/jpeg"
    listing = writer.get(f"{API}/{application_id}/documents")
    assert [item["kind"]["code"] for item in listing.get_json()["items"]] == ["insurance", "site_plan"]
    assert listing.headers["ETag"] == image.headers["ETag"]


def test_an_upload_larger_than_the_limit_is_413(app, world, writer):
    application_id, etag = new_draft(writer)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        big = pdf_bytes("x" * 8000)
        assert_problem(_upload(writer, application_id, etag, big, kind="synopsis"), 413)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    fresh()
    assert database.session.get(Application, application_id).documents == []


def test_an_application_keeps_at_most_twenty_documents(world, writer):
    application_id, etag = new_draft(writer)
    for number in range(documents.MAX_DOCUMENTS_PER_APPLICATION):
        response = _upload(writer, application_id, etag, pdf_bytes(str(number)), f"{number}.pdf", kind="synopsis")
        assert response.status_code == 201, response.get_data(as_text=True)
        etag = response.headers["ETag"]
    full = assert_problem(_upload(writer, application_id, etag, pdf_bytes("21"), kind="synopsis"), 422)
    assert "at most 20 documents" in full["detail"]


def test_a_document_is_taken_off_a_draft(world, writer):
    application_id, etag = new_draft(writer)
    first = _upload(writer, application_id, etag, pdf_bytes(), kind="synopsis")
    etag = first.headers["ETag"]
    document_id = first.get_json()["id"]
    fresh()
    passport = documents.add_to_passport(world.producer, documents.Upload(io.BytesIO(pdf_bytes("r")), "r.pdf"),
                                         kind="registration")
    database.session.commit()
    url = f"{API}/{application_id}/documents"
    assert_problem(delete(writer, f"{url}/{passport.id}", etag), 404)  # not on this application
    assert_problem(delete(writer, f"{url}/{document_id}", None), 428)
    removed = delete(writer, f"{url}/{document_id}", etag)
    assert removed.status_code == 200 and removed.get_json()["items"] == []
    assert_problem(delete(writer, f"{url}/{document_id}", removed.headers["ETag"]), 404)


# ----------------------------------------------------------------------------- submission


def test_submit_lists_what_is_missing_and_needs_the_current_version(world, writer):
    application_id, etag = new_draft(writer)
    url = f"{API}/{application_id}/submit"
    assert_problem(post(writer, url), 428)
    assert_problem(post(writer, url, '"999"'), 412)
    problem = assert_problem(post(writer, url, etag), 422)
    assert problem["type"].endswith("/not-ready")
    assert {error["field"] for error in problem["errors"]} == {"company", "production", "sites", "activities", "crew",
                                                               "documents", "declaration"}
    assert all(error["in"] == "application" and error["detail"] for error in problem["errors"])
    fresh()
    assert database.session.get(Application, application_id).state == "draft"


def test_a_complete_draft_is_submitted_once(world, writer):
    application = complete_draft(world)
    url = f"{API}/{application.id}/submit"
    etag = etag_of(writer, application.id)
    done = post(writer, url, etag)
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["submitted_at"] is not None
    assert_problem(post(writer, url, etag), 412)
    assert_problem(post(writer, url, done.headers["ETag"]), 409)


# ----------------------------------------------------------------------------- after submission


@pytest.fixture
def asking(world):
    """An application in review whose tourism review asks for information."""
    application = submitted(world, sites=[world.site_a], start=dt.date(2027, 6, 7))
    approve_all(world, application, "ministry_screening")
    [review] = open_reviews(application, "tourism")
    workflow.decide(review, world.tourism_reviewer, "request_information", reason="Which street?", now=MONDAY)
    database.session.commit()
    return application, review


def test_an_answer_resumes_the_review_with_the_companys_documents(world, writer, asking):
    application, review = asking
    kept = documents.add_to_passport(world.producer, documents.Upload(io.BytesIO(pdf_bytes("r")), "r.pdf"),
                                     kind="registration")
    foreign = documents.add_to_passport(world.other_producer, documents.Upload(io.BytesIO(pdf_bytes("o")), "o.pdf"),
                                        kind="registration")
    database.session.commit()
    url = f"{API}/{application.id}/reviews/{review.id}/answer"
    detail = writer.get(f"{API}/{application.id}").get_json()
    version = next(r["version"] for r in detail["reviews"] if r["id"] == review.id)
    etag = f'"{version}"'
    assert_problem(post(writer, url, json={"body": "Nizami street."}), 428)
    assert_problem(post(writer, url, '"999"', json={"body": "Nizami street."}), 412)
    assert field_names(assert_problem(post(writer, url, etag, json={"body": "  "}), 422)) == {"body"}
    assert field_names(assert_problem(post(writer, url, etag, json={"body": "x" * 5001}), 422)) == {"body"}
    unknown = assert_problem(post(writer, url, etag, json={"body": "Here.", "document_ids": [foreign.id, 99999999]}), 422)
    assert field_names(unknown) == {"document_ids"}
    assert [error["detail"] for error in unknown["errors"]] == [f"Your company has no document {foreign.id}.",
                                                               "Your company has no document 99999999."]
    other_review = next(r for r in open_reviews(application) if r.id != review.id)
    assert_problem(post(writer, f"{API}/{application.id}/reviews/999999/answer", etag, json={"body": "x"}), 404)
    wrong = post(writer, f"{API}/{application.id}/reviews/{other_review.id}/answer", f'"{other_review.version}"',
                 json={"body": "x"})
    assert_problem(wrong, 409)
    answered = post(writer, url, etag, json={"body": "Nizami street, 10:00 to 12:00.", "document_ids": [kept.id]})
    assert answered.status_code == 200, answered.get_data(as_text=True)
    assert answered.headers["ETag"] == f'"{answered.get_json()["version"]}"'
    fresh()
    review = database.session.get(ReviewTask, review.id)
    assert review.state != "info_requested"
    message = database.session.execute(select(Message).where(Message.review_task_id == review.id,
                                                             Message.kind == "info_response")).scalar_one()
    assert message.body == "Nizami street, 10:00 to 12:00."
    link = database.session.execute(select(ApplicationDocument).where(ApplicationDocument.document_id == kept.id)).scalar_one()
    assert link.message_id == message.id
    # Answered: the review no longer asks.
    assert_problem(post(writer, url, f'"{review.version}"', json={"body": "Again."}), 409)


def test_an_answer_may_come_with_files_as_multipart(world, writer, asking):
    application, review = asking
    url = f"{API}/{application.id}/reviews/{review.id}/answer"
    refused = post(writer, url, f'"{review.version}"', data={"body": "Plan attached.", "files": [(io.BytesIO(b"MZ\x90"), "a.exe")]},
                   content_type="multipart/form-data")
    assert_problem(refused, 415)
    answered = post(writer, url, f'"{review.version}"',
                    data={"body": "Plan attached.", "files": [(io.BytesIO(pdf_bytes("plan")), "plan.pdf")]},
                    content_type="multipart/form-data")
    assert answered.status_code == 200, answered.get_data(as_text=True)
    fresh()
    links = [link for link in database.session.get(Application, application.id).documents if link.message_id]
    assert [link.document.original_filename for link in links] == ["plan.pdf"]


def test_withdraw_with_if_match_and_an_optional_reason(world, writer, asking):
    application, _review = asking
    url = f"{API}/{application.id}/withdraw"
    etag = etag_of(writer, application.id)
    assert_problem(post(writer, url, json={}), 428)
    assert field_names(assert_problem(post(writer, url, etag, json={"reason": "x" * 2001}), 422)) == {"reason"}
    assert_problem(post(writer, url, '"999"', json={}), 412)
    done = post(writer, url, etag, json={"reason": "The budget fell through."})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["state"]["code"] == "withdrawn"
    assert_problem(post(writer, url, done.headers["ETag"], json={}), 409)
    fresh()
    event = database.session.execute(select(WorkflowEvent).where(WorkflowEvent.application_id == application.id,
                                                                 WorkflowEvent.action == "withdraw")).scalar_one()
    assert event.payload == {"reason": "The budget fell through."}
    a_draft = draft(world, sites=[world.site_a])
    assert_problem(post(writer, f"{API}/{a_draft.id}/withdraw", etag_of(writer, a_draft.id), json={}), 409)


# ----------------------------------------------------------------------------- the permit and the invoices


def test_the_permit_pdf_and_the_invoices(world, writer, reader):
    from tests.permits_issue.helpers import approved, render_pending

    a_draft = draft(world, sites=[world.site_a])
    assert "No permit" in assert_problem(reader.get(f"{API}/{a_draft.id}/permit.pdf"), 404)["detail"]
    assert reader.get(f"{API}/{a_draft.id}/invoices").get_json()["items"] == []
    fresh()
    application, permit = approved(world, sites=[world.site_a])
    preparing = reader.get(f"{API}/{application.id}/permit.pdf")
    assert "being prepared" in assert_problem(preparing, 503)["detail"]
    assert int(preparing.headers["Retry-After"]) > 0
    render_pending(permit)
    response = reader.get(f"{API}/{application.id}/permit.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert f"{permit.number}-v1.pdf" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    invoices = reader.get(f"{API}/{application.id}/invoices")
    assert invoices.status_code == 200, invoices.get_data(as_text=True)
    body = invoices.get_json()
    assert body["items"] and body["items"][0]["lines"] and body["items"][0]["lines"][0]["label"]["en"]
    pdf = reader.get(body["items"][0]["pdf_url"].replace("http://localhost", ""))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert_problem(reader.get(f"{API}/{a_draft.id}/invoices/{body['items'][0]['id']}.pdf"), 404)


# ----------------------------------------------------------------------------- bad bytes


JUNK_MULTIPART = [
    (b"--x\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ninsurance\r\n--x--", "multipart/form-data; boundary=x"),
    (b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-", "multipart/form-data; boundary=x"),
    (b"\x00\xff" * 50, "multipart/form-data; boundary=x"),
    (b"--x\r\n\r\n\r\n", "multipart/form-data"),
    (b"--" + b"x" * 2000 + b"\r\n", "multipart/form-data; boundary=" + "x" * 80),
    (b"kind=insurance", "application/x-www-form-urlencoded"),
    (b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\xff\xfe.pdf\"\r\n\r\n%PDF-1\n%%EOF\r\n--x--",
     "multipart/form-data; boundary=x"),
    (b"--x\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n\xc3\x28\x00\r\n--x--", "multipart/form-data; boundary=x"),
]
JUNK_JSON = [b"", b"null", b"[]", b"{", b'{"crew_total": 1e400}', b'{"crew_total": 123456789012345678901234567890}',
             b'{"first_day": "2027-02-30"}', b'{"site": "\\ud800"}', b'{"activities": "drone"}', b'{"complete": "maybe"}',
             b'{"document_ids": [0, -1, 99999999999999999999]}', b'{"daily_start": "\\u0000"}', b'{"body": {"a": 1}}']


def _check(response, where: str):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", where


def test_bad_bytes_never_make_a_500(app, world, writer, asking, monkeypatch):
    application, review = asking
    monkeypatch.setitem(app.config, "UPLOAD_RATE_LIMIT", "100000 per hour")  # every junk body reaches the checks
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per hour")
    a_draft = draft(world, sites=[world.site_a])
    booking = a_draft.bookings[0]
    targets = [("PUT", f"{API}/{a_draft.id}{tail}") for _m, tail, _b in WRITES[:6]] + [
        ("POST", f"{API}/{a_draft.id}/bookings"), ("DELETE", f"{API}/{a_draft.id}/bookings/{booking.id}"),
        ("POST", f"{API}/{a_draft.id}/documents"), ("POST", f"{API}/{a_draft.id}/submit"),
        ("POST", f"{API}/{application.id}/withdraw"), ("POST", f"{API}/{application.id}/reviews/{review.id}/answer"),
    ]
    for method, url in targets:
        for body in JUNK_JSON:
            for if_match in ('"999"', "\x00junk", '"' + "9" * 400 + '"'):
                response = writer.open(url, method, data=body,
                                       headers={"Content-Type": "application/json", "If-Match": if_match})
                _check(response, f"{method} {url} {body[:30]!r} {if_match[:10]!r}")
        for body, content_type in JUNK_MULTIPART:
            response = writer.open(url, method, data=body, headers={"Content-Type": content_type, "If-Match": "*"})
            _check(response, f"{method} {url} multipart {body[:30]!r}")
    for tail in ("/bookings/0", "/bookings/99999999999", "/documents/abc", "/reviews/x/answer", "/sections/nothing",
                 "/invoices/0.pdf", "/permit.pdf/x"):
        _check(writer.open(f"{API}/{a_draft.id}{tail}", "DELETE", headers={"If-Match": "*"}), tail)
        _check(writer.get(f"{API}/{a_draft.id}{tail}"), tail)


# ----------------------------------------------------------------------------- the document


NEW_OPERATIONS = {
    "put_contacts", "put_activities", "put_crew", "put_declaration", "put_section", "get_sections", "add_booking",
    "delete_booking", "list_documents", "upload_document", "delete_document", "submit_application",
    "withdraw_application", "answer_request", "get_permit_pdf", "list_invoices", "get_invoice_pdf",
}


def test_every_new_operation_is_documented_with_its_problems(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    operations = {op["operationId"]: (method, path, op) for path, item in document["paths"].items()
                  for method, op in item.items()}
    assert set(operations) >= NEW_OPERATIONS
    for name in NEW_OPERATIONS:
        method, _path, op = operations[name]
        assert op["summary"] and len(op["description"]) > 40, name
        assert op["security"] == [{"bearer": []}] and op["tags"] == ["Producers"], name
        assert {"401", "403", "404", "422", "429"} <= set(op["responses"]), name
        if method in ("put", "post", "delete"):
            assert {"409", "412", "428"} <= set(op["responses"]), name
            assert "ETag" in op["responses"][next(c for c in op["responses"] if c.startswith("2"))].get("headers", {}), name
    assert list(operations["upload_document"][2]["requestBody"]["content"]) == ["multipart/form-data"]
    assert set(operations["answer_request"][2]["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert list(operations["get_permit_pdf"][2]["responses"]["200"]["content"]) == ["application/pdf"]


def test_uploads_share_the_pages_budget_per_user(app, world, writer):
    """UPLOAD_RATE_LIMIT counts a user's files over every upload route, the
    pages' and the API's alike."""
    assert app.config["UPLOAD_RATE_LIMIT"].startswith("30 per hour")
    application_id, etag = new_draft(writer)
    browser = app.test_client()
    login(browser, world.producer.email, PASSWORD)
    for number in range(29):
        page = post_form(browser, "/applications/passport", {"kind": "other",
                                                              "file": (io.BytesIO(pdf_bytes(str(number))), f"{number}.pdf")},
                         content_type="multipart/form-data")
        assert page.status_code == 302, number
    thirtieth = _upload(writer, application_id, etag, pdf_bytes("30"), kind="synopsis")
    assert thirtieth.status_code == 201, thirtieth.get_data(as_text=True)
    limited = _upload(writer, application_id, thirtieth.headers["ETag"], pdf_bytes("31"), kind="synopsis")
    assert assert_problem(limited, 429)["type"].endswith("/rate-limited")
    assert "Retry-After" in limited.headers
