"""Every action on the review page: confirmation step, CSRF, row version,
bad input answered next to the field, stale forms answered with 409."""

from sqlalchemy import select

from permits.extensions import db
from permits.models import Application, Message, ReviewTask, SavedText, WorkflowEvent
from tests.helpers import csrf_token
from tests.services.scenario import approve_all, open_reviews, submitted


def _owner_review(world):
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    [review] = [r for r in open_reviews(application) if r.organisation_id == world.owner_a.id]
    return review


def _fresh(review_id) -> ReviewTask:
    db.session.rollback()
    return db.session.get(ReviewTask, review_id)


def _post(client, url, data, page_url):
    page = client.get(page_url)
    return client.post(url, data={"csrf_token": csrf_token(page.data), **data})


def _decide(client, review, action, data, *, confirm=True):
    url = f"/review/tasks/{review.id}/decide/{action}"
    payload = {"version": review.version, **data}
    if confirm:
        payload["confirm"] = "yes"
    return _post(client, url, payload, url)


def test_claim_asks_for_confirmation_first(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    page_url = f"/review/tasks/{review.id}"
    first = _post(client, f"/review/tasks/{review.id}/claim", {"version": review.version}, page_url)
    assert first.status_code == 200
    assert "Check and confirm" in first.get_data(as_text=True)
    assert _fresh(review.id).state == "pending"
    # The confirmation page carries the token and version forward.
    confirm = client.post(f"/review/tasks/{review.id}/claim", data={"csrf_token": csrf_token(first.data), "version": review.version, "confirm": "yes"})
    assert confirm.status_code == 302
    fresh = _fresh(review.id)
    assert fresh.state == "in_review" and fresh.assignee_id == world.owner_a_reviewer.id


def test_a_post_without_the_csrf_token_is_refused(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    response = client.post(f"/review/tasks/{review.id}/claim", data={"version": review.version, "confirm": "yes"})
    assert response.status_code == 400
    assert _fresh(review.id).state == "pending"


def test_approve(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    preview = _decide(client, review, "approve", {}, confirm=False)
    assert preview.status_code == 200 and "Check and confirm" in preview.get_data(as_text=True)
    assert _fresh(review.id).state == "pending"
    response = _decide(client, review, "approve", {})
    assert response.status_code == 302
    assert _fresh(review.id).state == "approved"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your decision is recorded" in page


def test_approve_with_conditions_needs_one(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    response = _decide(client, review, "approve_with_conditions", {"conditions-0": "  ", "conditions-1": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Add at least one condition" in html
    assert _fresh(review.id).state == "pending"


def test_approve_with_conditions_typed_and_saved(world, signed_in, client):
    review = _owner_review(world)
    saved = SavedText(organisation_id=world.owner_a.id, kind="condition", text="A museum guide must be present")
    db.session.add(saved)
    db.session.commit()
    signed_in(world.owner_a_reviewer)
    url = f"/review/tasks/{review.id}/decide/approve_with_conditions"
    assert "A museum guide must be present" in client.get(url).get_data(as_text=True)
    # "Add another condition" without JavaScript: one more box, nothing decided.
    more = _decide(client, review, "approve_with_conditions", {"conditions-0": "x", "add_condition": "1"}, confirm=False)
    assert 'name="conditions-3"' in more.get_data(as_text=True)
    data = {"conditions-0": "No filming between 12:00 and 14:00", "saved_conditions": str(saved.id), "save_conditions": "y"}
    preview = _decide(client, review, "approve_with_conditions", data, confirm=False)
    assert "No filming between 12:00 and 14:00" in preview.get_data(as_text=True)
    response = _decide(client, review, "approve_with_conditions", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    fresh = _fresh(review.id)
    assert fresh.state == "approved_with_conditions"
    assert fresh.conditions == ["A museum guide must be present", "No filming between 12:00 and 14:00"]
    texts = set(db.session.execute(select(SavedText.text).where(SavedText.organisation_id == world.owner_a.id)).scalars())
    assert texts == {"A museum guide must be present", "No filming between 12:00 and 14:00"}


def test_reject_needs_a_reason_and_can_reuse_a_saved_one(world, signed_in, client):
    review = _owner_review(world)
    saved = SavedText(organisation_id=world.owner_a.id, kind="reason", text="The site is under restoration.")
    db.session.add(saved)
    db.session.commit()
    signed_in(world.owner_a_reviewer)
    response = _decide(client, review, "reject", {"reason": "   "})
    assert response.status_code == 400
    assert "Give the reason for the refusal" in response.get_data(as_text=True)
    assert _fresh(review.id).state == "pending"
    response = _decide(client, review, "reject", {"reason": "", "saved_reason": str(saved.id)})
    assert response.status_code == 302
    fresh = _fresh(review.id)
    assert fresh.state == "rejected" and fresh.reason == "The site is under restoration."


def test_request_information_shows_the_producers_due_date(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    page = client.get(f"/review/tasks/{review.id}/decide/request_information").get_data(as_text=True)
    assert "10 business days" in page
    response = _decide(client, review, "request_information", {"reason": ""})
    assert response.status_code == 400 and "Say what information you need" in response.get_data(as_text=True)
    response = _decide(client, review, "request_information", {"reason": "Send the drone licence."})
    assert response.status_code == 302
    fresh = _fresh(review.id)
    assert fresh.state == "info_requested" and fresh.due_at is None
    message = db.session.execute(select(Message).where(Message.review_task_id == review.id)).scalar_one()
    assert message.kind == "info_request" and message.due_at is not None


def test_a_stale_form_gets_409(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    url = f"/review/tasks/{review.id}/decide/approve"
    page = client.get(url)
    stale_version = review.version
    # Someone else claims the review meanwhile.
    client.post(f"/review/tasks/{review.id}/claim", data={"csrf_token": csrf_token(page.data), "version": stale_version, "confirm": "yes"})
    response = client.post(url, data={"csrf_token": csrf_token(page.data), "version": stale_version, "confirm": "yes"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else acted first" in html and f"/review/tasks/{review.id}" in html
    assert _fresh(review.id).state == "in_review"


def test_supervisor_assigns_and_reassigns(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_supervisor)
    page_url = f"/review/tasks/{review.id}"
    response = _post(client, f"/review/tasks/{review.id}/assign", {"version": review.version, "assignee": world.owner_a_reviewer.id, "confirm": "yes"}, page_url)
    assert response.status_code == 302
    assert _fresh(review.id).assignee_id == world.owner_a_reviewer.id
    fresh = _fresh(review.id)
    response = _post(client, f"/review/tasks/{review.id}/assign", {"version": fresh.version, "assignee": world.owner_b_reviewer.id, "confirm": "yes"}, page_url)
    assert response.status_code == 400
    assert "Reviewer: choose one of the options offered." in response.get_data(as_text=True)


def test_ministry_supervisor_reassigns_across_the_ministry(world, signed_in, client):
    application = submitted(world)
    [screening] = open_reviews(application)
    signed_in(world.ministry_supervisor)
    response = _post(client, f"/review/tasks/{screening.id}/assign", {"version": screening.version, "assignee": world.ministry_reviewer.id, "confirm": "yes"}, f"/review/tasks/{screening.id}")
    assert response.status_code == 302
    assert _fresh(screening.id).assignee_id == world.ministry_reviewer.id


def test_internal_notes_stay_inside_the_organisation(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    response = _post(client, f"/review/tasks/{review.id}/notes", {"body": "Check with the restorers first."}, f"/review/tasks/{review.id}")
    assert response.status_code == 302
    empty = _post(client, f"/review/tasks/{review.id}/messages", {"body": " "}, f"/review/tasks/{review.id}")
    assert empty.status_code == 400 and "Write something before sending" in empty.get_data(as_text=True)
    response = _post(client, f"/review/tasks/{review.id}/messages", {"body": "Please bring the permit on the day."}, f"/review/tasks/{review.id}")
    assert response.status_code == 302
    own = client.get(f"/review/tasks/{review.id}").get_data(as_text=True)
    assert "Check with the restorers first." in own and "Please bring the permit on the day." in own
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/review/").data)})
    signed_in(world.ministry_reviewer)
    ministry = client.get(f"/review/tasks/{review.id}").get_data(as_text=True)
    assert "Check with the restorers first." not in ministry
    assert "Please bring the permit on the day." in ministry


def test_the_ministry_drops_a_refused_site_or_rejects(world, signed_in, client):
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        action = "reject" if review.organisation_id == world.owner_b.id else "approve"
        from permits.services import workflow

        workflow.decide(review, world.reviewer_for(review), action, reason="Closed for works" if action == "reject" else "")
    db.session.commit()
    [final] = open_reviews(application, "ministry_final")
    assert final.flagged
    signed_in(world.ministry_reviewer)
    page = client.get(f"/review/tasks/{final.id}").get_data(as_text=True)
    assert "A site was refused" in page and "Yanar Dag" in page and "Closed for works" in page
    assert f"/review/tasks/{final.id}/decide/approve\"" not in page
    assert client.get(f"/review/tasks/{final.id}/decide/approve").status_code == 403
    response = _post(client, f"/review/tasks/{final.id}/drop-sites", {"version": final.version}, f"/review/tasks/{final.id}")
    assert "Check and confirm" in response.get_data(as_text=True)
    response = _post(client, f"/review/tasks/{final.id}/drop-sites", {"version": final.version, "confirm": "yes"}, f"/review/tasks/{final.id}")
    assert response.status_code == 302
    db.session.rollback()
    fresh = db.session.get(Application, application.id)
    assert not fresh.needs_ministry_decision
    assert [b.active for b in fresh.bookings if b.location_id == world.site_b.id] == [False]
    assert db.session.execute(select(WorkflowEvent).where(WorkflowEvent.action == "drop_sites")).scalar_one()


def test_the_ministry_rejects_a_flagged_application(world, signed_in, client):
    from permits.services import workflow

    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        workflow.decide(review, world.reviewer_for(review), "reject" if review.organisation_id == world.owner_b.id else "approve", reason="No")
    db.session.commit()
    [final] = open_reviews(application, "ministry_final")
    signed_in(world.ministry_reviewer)
    response = _decide(client, final, "reject", {"reason": ""})
    assert response.status_code == 400
    response = _decide(client, final, "reject", {"reason": "The main site was refused."})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Application, application.id).state == "rejected"
