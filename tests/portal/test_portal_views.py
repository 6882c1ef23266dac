"""The portal's pages: home, the task list, check and submit, the status page."""

import datetime as dt
import io

from permits.extensions import db as database
from permits.models import Application, Message
from permits.services import workflow
from tests.factories import PASSWORD, ProducerFactory
from tests.helpers import csrf_token, login, post_form
from tests.portal.conftest import complete_draft, future, pdf_bytes
from tests.services.scenario import open_reviews


def _new_draft(client, db) -> Application:
    response = post_form(client, "/applications/new", {}, page_url="/applications/")
    assert response.status_code == 302
    db.session.rollback()
    return db.session.query(Application).order_by(Application.id.desc()).first()


def test_home_lists_the_company_applications_with_action_first(app, world, db):
    colleague = ProducerFactory(company=world.producer.company, email="colleague@example.test")
    decided = complete_draft(world)
    workflow.submit(decided, world.producer)
    workflow.withdraw(decided, world.producer)
    asked = complete_draft(world)
    workflow.submit(asked, world.producer)
    [screening] = open_reviews(asked)
    workflow.decide(screening, world.ministry_reviewer, "request_information", reason="Send the site plan.")
    other = complete_draft(world)
    other.title = "Someone else's film"
    other.company_id = world.other_producer.company.id
    database.session.commit()
    colleague_client = app.test_client()
    login(colleague_client, colleague.email, PASSWORD)  # a colleague sees the company's applications
    page = colleague_client.get("/applications/").get_data(as_text=True)
    assert "Start a new application" in page
    assert page.index("Needs your action") < page.index(asked.reference) < page.index("Decided") < page.index(decided.reference)
    assert "Information requested" in page
    assert "Someone else&#39;s film" not in page and "Someone else's film" not in page


def test_a_draft_is_filled_section_by_section(producer_client, world, db):
    app = _new_draft(producer_client, db)
    url = f"/applications/{app.id}"
    page = producer_client.get(url).get_data(as_text=True)
    assert "govuk-task-list" in page and "Not started" in page
    # A failed form: an error summary linking to the field, nothing saved lost.
    response = post_form(producer_client, f"{url}/production", {
        "title": "The Silk Road", "production_type": "feature", "country_of_origin": "FR", "synopsis": "short",
        "completed": "yes"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#synopsis"' in body and "at least 20 characters" in body and 'value="The Silk Road"' in body
    # Saved as in progress
    response = post_form(producer_client, f"{url}/production", {
        "title": "The Silk Road", "production_type": "feature", "country_of_origin": "FR", "synopsis": "short",
        "completed": "no"})
    assert response.status_code == 302
    page = producer_client.get(url).get_data(as_text=True)
    assert "In progress" in page
    # Sites: add a booking with a bad crew, then a good one.
    add_url = f"{url}/sites/add"
    data = {"location_id": str(world.site_a.id), "start_date": future().isoformat(),
            "end_date": (future() + dt.timedelta(days=1)).isoformat(), "daily_start": "08:00", "daily_end": "18:00",
            "crew_on_site": "99", "vehicles": "2"}
    response = post_form(producer_client, add_url, data)
    assert response.status_code == 400 and "at most 40 people" in response.get_data(as_text=True)
    response = post_form(producer_client, add_url, {**data, "crew_on_site": "12"})
    assert response.status_code == 302
    page = producer_client.get(f"{url}/sites").get_data(as_text=True)
    assert "Maiden Tower" in page and "12" in page
    response = post_form(producer_client, f"{url}/sites", {"completed": "yes"})
    assert response.status_code == 302
    page = producer_client.get(url).get_data(as_text=True)
    assert "Fees and timeline" in page and "Latest day to submit" in page and "Screening by the film commission" in page


def test_a_blackout_date_is_refused_on_the_booking_form(producer_client, world, db):
    from permits.models import LocationBlackout

    database.session.add(LocationBlackout(location_id=world.site_a.id, start_date=future(), end_date=future(),
                                          reason="Festival"))
    database.session.commit()
    app = _new_draft(producer_client, db)
    response = post_form(producer_client, f"/applications/{app.id}/sites/add", {
        "location_id": str(world.site_a.id), "start_date": future().isoformat(), "end_date": future().isoformat(),
        "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "5", "vehicles": "0"})
    assert response.status_code == 400
    assert "closed to filming" in response.get_data(as_text=True)


def test_a_late_start_is_a_warning_and_submission_goes_on(producer_client, world, db):
    app = complete_draft(world, start=future(2))
    page = producer_client.get(f"/applications/{app.id}/check").get_data(as_text=True)
    assert "marked late" in page
    response = post_form(producer_client, f"/applications/{app.id}/submit", {"version": str(app.version)},
                         page_url=f"/applications/{app.id}/check")
    assert response.status_code == 302
    page = producer_client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Submitted after the latest day to apply" in page


def test_check_and_submit_then_the_status_page_shows_the_screening_clock(producer_client, world, db):
    app = complete_draft(world)
    check_url = f"/applications/{app.id}/check"
    page = producer_client.get(check_url).get_data(as_text=True)
    assert "Check your answers before submitting" in page and "Submit the application" in page
    response = post_form(producer_client, f"/applications/{app.id}/submit", {"version": str(app.version)}, page_url=check_url)
    assert response.status_code == 302
    page = producer_client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "AZF-" in page
    assert "Screening by the film commission" in page
    assert "app-clock" in page and "Due " in page
    assert "You submitted the application" in page and "app-timeline" in page
    # A section page of a submitted application sends back to the status page.
    assert producer_client.get(f"/applications/{app.id}/production").status_code == 302


def test_an_incomplete_draft_cannot_be_submitted(producer_client, world, db):
    app = _new_draft(producer_client, db)
    check_url = f"/applications/{app.id}/check"
    page = producer_client.get(check_url).get_data(as_text=True)
    assert "govuk-error-summary" in page and "Complete this section" in page
    response = post_form(producer_client, f"/applications/{app.id}/submit", {"version": str(app.version)}, page_url=check_url)
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(Application, app.id).state == "draft"


def test_a_stale_submit_form_gets_409(producer_client, world, db):
    app = complete_draft(world)
    check_url = f"/applications/{app.id}/check"
    token = csrf_token(producer_client.get(check_url).data)
    stale = app.version
    app.title = "Changed in another tab"
    database.session.commit()
    response = producer_client.post(f"/applications/{app.id}/submit", data={"csrf_token": token, "version": str(stale)})
    assert response.status_code == 409
    assert "Someone else acted first" in response.get_data(as_text=True)


def test_withdraw_has_a_confirmation_page(producer_client, world, db):
    app = complete_draft(world)
    workflow.submit(app, world.producer)
    database.session.commit()
    page = producer_client.get(f"/applications/{app.id}/withdraw").get_data(as_text=True)
    assert "Are you sure" in page
    response = post_form(producer_client, f"/applications/{app.id}/withdraw", {"version": str(app.version), "reason": "Dates moved"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Application, app.id).state == "withdrawn"
    assert "You withdrew the application" in producer_client.get(f"/applications/{app.id}").get_data(as_text=True)


def test_a_stale_withdraw_gets_409(producer_client, world, db):
    app = complete_draft(world)
    workflow.submit(app, world.producer)
    database.session.commit()
    url = f"/applications/{app.id}/withdraw"
    token = csrf_token(producer_client.get(url).data)
    response = producer_client.post(url, data={"csrf_token": token, "version": str(app.version - 1)})
    assert response.status_code == 409


def test_a_request_for_information_is_answered_on_the_status_page(producer_client, world, db):
    app = complete_draft(world)
    workflow.submit(app, world.producer)
    [screening] = open_reviews(app)
    workflow.decide(screening, world.ministry_reviewer, "request_information", reason="Send the site plan.")
    database.session.add(Message(application_id=app.id, review_task_id=screening.id, author_id=world.ministry_reviewer.id,
                                 organisation_id=world.ministry.id, kind="internal_note", body="Secret staff note"))
    database.session.commit()
    url = f"/applications/{app.id}"
    page = producer_client.get(url).get_data(as_text=True)
    assert "Action needed" in page and "Send the site plan." in page and "Paused" in page
    assert "Secret staff note" not in page
    # An empty answer: an error, nothing sent.
    response = post_form(producer_client, f"{url}/reviews/{screening.id}/answer", {"version": str(screening.version), "body": ""},
                         page_url=url)
    assert response.status_code == 400 and "Write your answer" in response.get_data(as_text=True)
    token = csrf_token(producer_client.get(url).data)
    response = producer_client.post(
        f"{url}/reviews/{screening.id}/answer",
        data={"csrf_token": token, "version": str(screening.version), "body": "Here is the plan.",
              "files": (io.BytesIO(pdf_bytes("plan")), "site-plan.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    review = db.session.get(type(screening), screening.id)
    assert review.state == "in_review" and review.due_at is not None
    app = db.session.get(Application, app.id)
    assert any(link.document.original_filename == "site-plan.pdf" and link.message_id for link in app.documents)
    page = producer_client.get(url).get_data(as_text=True)
    assert "Action needed" not in page and "Here is the plan." in page


def test_a_stale_answer_gets_409(producer_client, world, db):
    app = complete_draft(world)
    workflow.submit(app, world.producer)
    [screening] = open_reviews(app)
    workflow.decide(screening, world.ministry_reviewer, "request_information", reason="More please.")
    database.session.commit()
    url = f"/applications/{app.id}"
    token = csrf_token(producer_client.get(url).data)
    response = producer_client.post(f"{url}/reviews/{screening.id}/answer",
                                    data={"csrf_token": token, "version": str(screening.version - 1), "body": "Answer"})
    assert response.status_code == 409
