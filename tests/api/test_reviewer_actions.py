"""Reviewers in the API: a review task as its page shows it, and the page's
actions - take, give back, decide (screening, parallel reviews, the final
decision), drop refused sites - through the same services, with If-Match on
the review's row version: 428 without, 412 stale, 403 another role or
organisation, 409 what the process does not allow now."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from permits.extensions import db
from permits.models import Application, Message, ReviewTask, WorkflowEvent
from permits.services import reviewer_notes, workflow
from permits.services.review_actions import decision_actions_of_definitions
from tests.api.conftest import assert_problem, make_token
from tests.services.scenario import MONDAY, approve_all, open_reviews, submitted


def _fresh(review_id: int) -> ReviewTask:
    db.session.rollback()
    return db.session.get(ReviewTask, review_id)


def _owner_a_review(world, **kwargs) -> ReviewTask:
    application = submitted(world, **kwargs)
    approve_all(world, application, "ministry_screening")
    [review] = [r for r in open_reviews(application) if r.organisation_id == world.owner_a.id]
    return review


def _open(application, kind=None):
    """The open reviews as the requests left them (a fresh transaction)."""
    db.session.rollback()
    return open_reviews(application, kind)


def _client(api, user, scopes=("read", "write")):
    return api(make_token(user, scopes=scopes))


def _etag(version: int) -> str:
    return f'"{version}"'


def _decide(client, review_id: int, version, body: dict):
    return client.post(f"/api/v1/reviews/{review_id}/decisions", json=body, headers={"If-Match": _etag(version)})


# ----------------------------------------------------------------------------- reading


def test_a_review_as_its_page_shows_it(app, world, api):
    review = _owner_a_review(world)
    reviewer_notes.add_internal_note(review, world.owner_a_reviewer, "Check with the restorers.")
    reviewer_notes.message_producer(review, world.owner_a_reviewer, "Bring the permit on the day.")
    db.session.commit()
    review = _fresh(review.id)

    response = _client(api, world.owner_a_reviewer, ("read",)).get(f"/api/v1/reviews/{review.id}")

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["ETag"] == _etag(review.version)
    body = response.get_json()
    assert body["id"] == review.id and body["version"] == review.version
    assert body["kind"]["code"] == "site_owner" and body["state"]["code"] == "pending"
    assert body["page_url"].endswith(f"/review/tasks/{review.id}")
    assert body["can_act"] is True and body["assigned_to_me"] is False
    # What the page offers a reviewer on a waiting review: take it, or decide.
    assert body["actions"] == ["claim", "approve", "approve_with_conditions", "request_information", "reject"]
    assert body["information_due"] is not None
    assert body["clock"]["state"] in ("on-time", "due-soon")
    application = body["application"]
    assert application["title"] == "The Silk Road" and application["company"] == "Lumière SAS"
    assert application["reference"].startswith("AZF-")
    assert {b["site"] for b in body["bookings"]} == {world.site_a.slug, world.site_b.slug}
    assert [r["kind"]["code"] for r in body["reviews"] if r["this_review"]] == ["site_owner"]
    bodies = {m["kind"]: m["body"] for m in body["messages"]}
    assert bodies == {"internal_note": "Check with the restorers.", "to_producer": "Bring the permit on the day."}
    actions = [e["action"]["code"] for e in body["timeline"]]
    assert actions[0] == "submit" and "start_review" in actions and "message_producer" in actions


def test_the_actions_are_the_pages_buttons(app, world, api, client):
    """The page and the API read the same offer (permits.services.review_actions)."""
    from tests.security.conftest import sign_in_fast

    review = _owner_a_review(world)
    sign_in_fast(client, world.owner_a_reviewer)
    page = client.get(f"/review/tasks/{review.id}").get_data(as_text=True)
    body = _client(api, world.owner_a_reviewer).get(f"/api/v1/reviews/{review.id}").get_json()
    for action in ("approve", "approve_with_conditions", "request_information", "reject"):
        assert (f"/review/tasks/{review.id}/decide/{action}\"" in page) == (action in body["actions"])
    assert (f"/review/tasks/{review.id}/claim\"" in page) == ("claim" in body["actions"])
    assert (f"/review/tasks/{review.id}/release\"" in page) == ("release" in body["actions"])


def test_clashes_and_documents_are_listed(app, world, api):
    review = _owner_a_review(world, sites=[world.site_a])
    # Another production holds the same site on overlapping days.
    other = submitted(world, sites=[world.site_a], start=dt.date(2027, 6, 8))
    body = _client(api, world.owner_a_reviewer).get(f"/api/v1/reviews/{review.id}").get_json()
    [booking] = body["bookings"]
    assert [c["application"] for c in booking["clashes"]] == [other.reference]
    assert body["documents"] == []


def test_who_may_read_a_review(app, world, api):
    review = _owner_a_review(world)
    url = f"/api/v1/reviews/{review.id}"
    assert_problem(api().get(url), 401)
    assert_problem(_client(api, world.producer).get(url), 403)
    # Another organisation: as on the page, the review does not exist for them.
    assert_problem(_client(api, world.owner_b_reviewer).get(url), 404)
    assert_problem(_client(api, world.tourism_reviewer).get("/api/v1/reviews/999999"), 404)
    # The film commission reads every review, and acts on none but its own.
    ministry = _client(api, world.ministry_reviewer).get(url)
    assert ministry.status_code == 200
    assert ministry.get_json()["can_act"] is False and ministry.get_json()["actions"] == []
    # Internal notes stay inside the organisation.
    reviewer_notes.add_internal_note(_fresh(review.id), world.owner_a_reviewer, "Ours only.")
    db.session.commit()
    assert _client(api, world.ministry_reviewer).get(url).get_json()["messages"] == []


# ----------------------------------------------------------------------------- claim and release


def test_claim_needs_if_match_and_the_current_version(app, world, api):
    review = _owner_a_review(world)
    before = review.version
    client = _client(api, world.owner_a_reviewer)
    url = f"/api/v1/reviews/{review.id}/claim"
    assert_problem(client.post(url), 428)
    stale = assert_problem(client.post(url, headers={"If-Match": _etag(review.version + 5)}), 412)
    assert stale["type"].endswith("/stale-version")
    assert _fresh(review.id).state == "pending"

    response = client.post(url, headers={"If-Match": _etag(review.version)})

    assert response.status_code == 200, response.get_data(as_text=True)
    fresh = _fresh(review.id)
    assert fresh.state == "in_review" and fresh.assignee_id == world.owner_a_reviewer.id
    body = response.get_json()
    assert response.headers["ETag"] == _etag(fresh.version) != _etag(before)
    assert body["assigned_to_me"] is True and body["state"]["code"] == "in_review"
    assert body["actions"] == ["release", "approve", "approve_with_conditions", "request_information", "reject"]
    # Taken already: the process refuses a second claim.
    again = assert_problem(client.post(url, headers={"If-Match": "*"}), 409)
    assert again["type"].endswith("/refused")


def test_a_read_token_cannot_act(app, world, api):
    review = _owner_a_review(world)
    response = _client(api, world.owner_a_reviewer, ("read",)).post(
        f"/api/v1/reviews/{review.id}/claim", headers={"If-Match": "*"})
    assert assert_problem(response, 403)["type"].endswith("/insufficient-scope")
    assert _fresh(review.id).state == "pending"


def test_only_the_holder_gives_a_review_back(app, world, api):
    review = _owner_a_review(world)
    workflow.claim(review, world.owner_a_reviewer)
    db.session.commit()
    review = _fresh(review.id)
    url = f"/api/v1/reviews/{review.id}/release"
    colleague = _client(api, world.owner_a_supervisor)
    assert "release" not in colleague.get(f"/api/v1/reviews/{review.id}").get_json()["actions"]
    assert_problem(colleague.post(url, headers={"If-Match": _etag(review.version)}), 409)

    response = _client(api, world.owner_a_reviewer).post(url, headers={"If-Match": _etag(review.version)})

    assert response.status_code == 200
    fresh = _fresh(review.id)
    assert fresh.state == "pending" and fresh.assignee_id is None


# ----------------------------------------------------------------------------- decisions


def test_the_decisions_enum_comes_from_the_definitions(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["DecisionRequest"]["properties"]["action"]
    assert schema["enum"] == list(decision_actions_of_definitions())
    assert set(schema["enum"]) == {"approve", "approve_with_conditions", "request_information", "reject"}
    for path in ("/api/v1/reviews/{review_id}", "/api/v1/reviews/{review_id}/claim", "/api/v1/reviews/{review_id}/release",
                 "/api/v1/reviews/{review_id}/decisions", "/api/v1/reviews/{review_id}/drop-refused-sites"):
        assert path in document["paths"], path


def test_a_decision_needs_what_the_page_asks_for(app, world, api):
    review = _owner_a_review(world)
    client = _client(api, world.owner_a_reviewer)
    missing = assert_problem(_decide(client, review.id, review.version, {"action": "approve_with_conditions",
                                                                          "conditions": ["  "]}), 422)
    assert [e["field"] for e in missing["errors"]] == ["conditions"]
    no_reason = assert_problem(_decide(client, review.id, review.version, {"action": "reject"}), 422)
    assert [e["field"] for e in no_reason["errors"]] == ["reason"]
    unknown = assert_problem(_decide(client, review.id, review.version, {"action": "provide_information"}), 422)
    assert unknown["errors"][0]["field"] == "action"
    too_many = assert_problem(_decide(client, review.id, review.version, {"action": "approve_with_conditions",
                                                                           "conditions": ["x"] * 21}), 422)
    assert too_many["errors"][0]["field"] == "conditions"
    assert _fresh(review.id).state == "pending"


def test_approve_with_conditions(app, world, api):
    review = _owner_a_review(world)
    response = _decide(_client(api, world.owner_a_reviewer), review.id, review.version,
                       {"action": "approve_with_conditions", "conditions": ["A guide on site", " "]})
    assert response.status_code == 200, response.get_data(as_text=True)
    fresh = _fresh(review.id)
    assert fresh.state == "approved_with_conditions" and fresh.conditions == ["A guide on site"]
    assert fresh.decided_by_id == world.owner_a_reviewer.id
    body = response.get_json()
    assert body["actions"] == [] and body["conditions"] == ["A guide on site"]
    assert response.headers["ETag"] == _etag(fresh.version)


def test_request_information_pauses_the_clock_until_the_definitions_due_time(app, world, api):
    review = _owner_a_review(world)
    client = _client(api, world.owner_a_reviewer)
    promised = client.get(f"/api/v1/reviews/{review.id}").get_json()["information_due"]
    response = _decide(client, review.id, review.version, {"action": "request_information", "reason": "Which gate?"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"]["code"] == "info_requested" and body["clock"]["state"] == "paused"
    [question] = [m for m in body["messages"] if m["kind"] == "info_request"]
    assert question["body"] == "Which gate?"
    assert question["due_at"][:16] == promised[:16]
    db.session.rollback()
    assert db.session.execute(select(Message).where(Message.kind == "info_request")).scalar_one().body == "Which gate?"


def test_a_stale_decision_is_412_and_changes_nothing(app, world, api):
    review = _owner_a_review(world)
    version = review.version
    workflow.claim(review, world.owner_a_supervisor)
    db.session.commit()
    response = _decide(_client(api, world.owner_a_reviewer), review.id, version, {"action": "reject", "reason": "No"})
    body = assert_problem(response, 412)
    assert response.headers["ETag"] == _etag(_fresh(review.id).version)
    assert body["type"].endswith("/stale-version")
    assert _fresh(review.id).state == "in_review"


def test_another_role_or_organisation_is_403_and_a_decided_review_409(app, world, api):
    application = submitted(world)
    [screening] = open_reviews(application, "ministry_screening")
    # The film commission's finance officer is a member, but the definition gives the role no decision.
    finance = _decide(_client(api, world.finance), screening.id, screening.version, {"action": "approve"})
    assert_problem(finance, 403)
    db.session.rollback()
    approve_all(world, application, "ministry_screening")
    [owner_review] = [r for r in _open(application) if r.organisation_id == world.owner_a.id]
    # The commission sees the owner's review but does not hold it.
    ministry = _decide(_client(api, world.ministry_reviewer), owner_review.id, owner_review.version, {"action": "approve"})
    assert_problem(ministry, 403)
    assert_problem(_decide(_client(api, world.producer), owner_review.id, owner_review.version, {"action": "approve"}), 403)
    assert_problem(_decide(_client(api, world.owner_b_reviewer), owner_review.id, owner_review.version,
                           {"action": "approve"}), 404)
    # Decided already (screening): the process refuses, whatever the version.
    screening = _fresh(screening.id)
    decided = _decide(_client(api, world.ministry_reviewer), screening.id, screening.version, {"action": "reject",
                                                                                              "reason": "No"})
    assert_problem(decided, 409)
    assert _fresh(owner_review.id).state == "pending"


def test_the_commission_screens_and_takes_the_final_decision(app, world, api):
    application = submitted(world, sites=[world.site_a])
    ministry = _client(api, world.ministry_reviewer)
    [screening] = open_reviews(application, "ministry_screening")
    assert _decide(ministry, screening.id, screening.version, {"action": "approve"}).status_code == 200
    db.session.rollback()
    assert db.session.get(Application, application.id).state == "in_review"
    for review in _open(application):
        response = _decide(_client(api, world.reviewer_for(review)), review.id, review.version, {"action": "approve"})
        assert response.status_code == 200, response.get_data(as_text=True)
    [final] = _open(application, "ministry_final")
    body = ministry.get(f"/api/v1/reviews/{final.id}").get_json()
    assert body["final"] is True and "approve" in body["actions"]

    response = _decide(ministry, final.id, final.version, {"action": "approve"})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["application"]["state"]["code"] in ("awaiting_payment", "approved")
    db.session.rollback()
    assert db.session.get(Application, application.id).decided_at is not None


def _flagged_final(world) -> tuple[Application, ReviewTask]:
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        action = "reject" if review.organisation_id == world.owner_b.id else "approve"
        workflow.decide(review, world.reviewer_for(review), action, reason="Closed for works", now=MONDAY)
    db.session.commit()
    [final] = open_reviews(application, "ministry_final")
    assert final.flagged
    return application, final


def test_a_final_review_over_a_refused_site_only_rejects_or_drops_it(app, world, api):
    application, final = _flagged_final(world)
    ministry = _client(api, world.ministry_reviewer)
    body = ministry.get(f"/api/v1/reviews/{final.id}").get_json()
    assert body["actions"] == ["claim", "reject", "drop_refused_sites"]
    assert body["refused_sites"] == [{"organisation": body["refused_sites"][0]["organisation"],
                                      "sites": [world.site_b.slug], "reason": "Closed for works"}]
    assert_problem(_decide(ministry, final.id, final.version, {"action": "approve"}), 409)
    assert_problem(_decide(ministry, final.id, final.version, {"action": "request_information", "reason": "?"}), 409)
    # Only the commission's own reviewers drop sites: the owner's reviewer cannot see the final review.
    assert_problem(_client(api, world.owner_a_reviewer).post(f"/api/v1/reviews/{final.id}/drop-refused-sites", json={},
                                                             headers={"If-Match": "*"}), 404)

    response = ministry.post(f"/api/v1/reviews/{final.id}/drop-refused-sites", json={"note": "Without Yanar Dag"},
                             headers={"If-Match": _etag(final.version)})

    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.rollback()
    fresh = db.session.get(Application, application.id)
    assert not fresh.needs_ministry_decision
    assert [b.active for b in fresh.bookings if b.location_id == world.site_b.id] == [False]
    assert db.session.execute(select(WorkflowEvent).where(WorkflowEvent.action == "drop_sites")).scalar_one()
    assert "drop_refused_sites" not in response.get_json()["actions"]
    # Nothing left to drop: the process refuses.
    again = ministry.post(f"/api/v1/reviews/{final.id}/drop-refused-sites", json={}, headers={"If-Match": "*"})
    assert_problem(again, 409)


def test_the_final_rejection_of_a_flagged_application(app, world, api):
    application, final = _flagged_final(world)
    response = _decide(_client(api, world.ministry_reviewer), final.id, final.version,
                       {"action": "reject", "reason": "The shoot needs both sites."})
    assert response.status_code == 200
    db.session.rollback()
    assert db.session.get(Application, application.id).state == "rejected"


def test_the_page_gives_a_review_back_under_the_same_rule(app, world, client):
    """The release form of the page refuses a colleague's review as the API does."""
    from tests.helpers import csrf_token
    from tests.security.conftest import sign_in_fast

    review = _owner_a_review(world)
    workflow.claim(review, world.owner_a_reviewer)
    db.session.commit()
    review = _fresh(review.id)
    sign_in_fast(client, world.owner_a_supervisor)
    token = csrf_token(client.get(f"/review/tasks/{review.id}").data)
    response = client.post(f"/review/tasks/{review.id}/release",
                           data={"csrf_token": token, "version": review.version, "confirm": "yes"})
    assert response.status_code == 409
    assert _fresh(review.id).assignee_id == world.owner_a_reviewer.id
