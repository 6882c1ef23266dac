"""The permit pages: download, revocation, amendment request - and who may."""

import datetime as dt

import pytest
from sqlalchemy import select

from permits.extensions import db
from permits.models import Amendment, Booking, OutboxMessage, ReviewTask, WorkflowEvent
from tests.factories import PASSWORD
from tests.helpers import login, post_form
from tests.permits_issue.helpers import approved, render_pending
from tests.services.scenario import build_world


def _world_with_permit(ready=True):
    world = build_world()
    for user in (world.producer, world.other_producer, world.ministry_supervisor, world.ministry_reviewer):
        user.language = "en"
    db.session.commit()
    application, permit = approved(world)
    if ready:
        render_pending(permit)
    return world, application, permit


def test_producer_downloads_the_pdf(db, client):
    world, _application, permit = _world_with_permit()
    login(client, world.producer.email, PASSWORD)
    page = client.get(f"/permits/{permit.id}")
    assert page.status_code == 200 and permit.number in page.data.decode()
    response = client.get(f"/permits/{permit.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get(f"/permits/{permit.id}/versions/1.pdf").status_code == 200
    assert client.get(f"/permits/{permit.id}/versions/2.pdf").status_code == 404


def test_while_pending_the_page_says_it_is_being_prepared(db, client):
    world, _application, permit = _world_with_permit(ready=False)
    login(client, world.producer.email, PASSWORD)
    html = client.get(f"/permits/{permit.id}").data.decode()
    assert "being prepared" in html and "data-permit-pending" in html and "js/issued.js" in html
    response = client.get(f"/permits/{permit.id}/pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permits/{permit.id}")


def test_producer_of_another_company_gets_404_and_anonymous_is_sent_to_sign_in(db, client):
    world, _application, permit = _world_with_permit()
    anonymous = client.get(f"/permits/{permit.id}/pdf")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    login(client, world.other_producer.email, PASSWORD)
    for url in (f"/permits/{permit.id}", f"/permits/{permit.id}/pdf", f"/permits/{permit.id}/versions/1.pdf",
                f"/permits/{permit.id}/amend", f"/permits/{permit.id}/revoke", "/permits/999999/pdf"):
        assert client.get(url).status_code == 404, url


def test_ministry_supervisor_revokes_with_a_reason(db, client, app):
    world, application, permit = _world_with_permit()
    login(client, world.ministry_supervisor.email, PASSWORD)
    url = f"/permits/{permit.id}/revoke"
    empty = post_form(client, url, {"reason": "", "version": str(application.version)})
    assert empty.status_code == 200
    assert "Give the reason for revoking the permit." in empty.data.decode()
    assert "govuk-error-summary" in empty.data.decode()
    done = post_form(client, url, {"reason": "Filming outside the permitted hours"})
    assert done.status_code == 302
    db.session.rollback()
    assert permit.status == "revoked" and application.state == "revoked"
    event = db.session.execute(select(WorkflowEvent).where(WorkflowEvent.action == "revoke")).scalar_one()
    assert event.actor_id == world.ministry_supervisor.id and event.payload["reason"] == "Filming outside the permitted hours"
    assert db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "permit_revoked", OutboxMessage.recipient_email == world.producer.email)
    ).scalar_one()
    again = client.get(url)
    assert "cannot be revoked" in again.data.decode()


def test_revoking_with_a_stale_form_is_409(db, client):
    world, application, permit = _world_with_permit()
    login(client, world.ministry_supervisor.email, PASSWORD)
    response = post_form(client, f"/permits/{permit.id}/revoke", {"reason": "x", "version": str(application.version - 1)})
    assert response.status_code == 409
    assert "Someone else acted first" in response.data.decode()


@pytest.mark.parametrize("version", ["NaN", "1e3", "", " ", "99999999999999999999999"])
def test_a_row_version_that_is_not_the_rows_is_stale_whatever_its_text(db, client, version):
    """A hidden field comes back as any text (the fuzzer sent 'NaN'): never a 500."""
    world, _application, permit = _world_with_permit()
    login(client, world.ministry_supervisor.email, PASSWORD)
    response = post_form(client, f"/permits/{permit.id}/revoke", {"reason": "x", "version": version})
    db.session.rollback()
    if version:
        assert response.status_code == 409 and "Someone else acted first" in response.data.decode()
        assert permit.status == "valid"
    else:  # no version sent: the form was not built from a row (as before)
        assert response.status_code == 302 and permit.status == "revoked"


def test_ministry_reviewer_sees_the_permit_but_cannot_revoke(db, client):
    world, _application, permit = _world_with_permit()
    login(client, world.ministry_reviewer.email, PASSWORD)
    assert client.get(f"/permits/{permit.id}").status_code == 200
    assert client.get(f"/permits/{permit.id}/revoke").status_code == 403
    # A site owner's reviewer sees it (their organisation reviewed it) but cannot revoke either.
    client.post("/auth/logout")


def test_revoke_needs_csrf(db, client):
    world, _application, permit = _world_with_permit()
    login(client, world.ministry_supervisor.email, PASSWORD)
    response = client.post(f"/permits/{permit.id}/revoke", data={"reason": "no token"})
    assert response.status_code == 400
    db.session.rollback()
    assert permit.status == "valid"


def test_producer_requests_an_amendment_through_the_form(db, client):
    world, _application, permit = _world_with_permit()
    login(client, world.producer.email, PASSWORD)
    url = f"/permits/{permit.id}/amend"
    bad = post_form(client, url, {"location_id": world.site_b.id, "start_date": "2027-06-20", "end_date": "2027-06-18",
                                  "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "10"})
    assert bad.status_code == 200
    assert "The last day must be on or after the first day." in bad.data.decode()
    assert db.session.execute(select(Amendment)).first() is None
    good = post_form(client, url, {"location_id": world.site_b.id, "start_date": "2027-06-20", "end_date": "2027-06-21",
                                   "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "10", "vehicles": "2",
                                   "note": "One more night scene"})
    assert good.status_code == 302, good.data.decode()
    db.session.rollback()
    amendment = db.session.execute(select(Amendment)).scalar_one()
    booking = db.session.execute(select(Booking).where(Booking.amendment_id == amendment.id)).scalar_one()
    assert booking.active is False and booking.start_date == dt.date(2027, 6, 20)
    kinds = sorted(r.kind for r in db.session.execute(select(ReviewTask).where(ReviewTask.amendment_id == amendment.id)).scalars())
    assert kinds == ["site_owner", "tourism"]
    # A second amendment waits for the first.
    assert "already being reviewed" in client.get(url).data.decode()
