"""Amendments (riders): only the touched reviews, a new version when approved."""

import datetime as dt

import pytest
from sqlalchemy import select

from permits.extensions import db
from permits.models import Booking, Deadline, ReviewTask
from permits.services import ServiceError, amendments, workflow
from tests.factories import LocationFactory
from tests.permits_issue.helpers import approved, pdf_bytes, pdf_text, render_pending
from tests.services.scenario import MONDAY, build_world

NEW_START = dt.date(2027, 6, 21)


def _amend(world, application, site, start=NEW_START, days=2, crew=10):
    amendment = amendments.request_amendment(
        application, world.producer, location=site, start=start, end=start + dt.timedelta(days=days - 1),
        crew_on_site=crew, daily_start=dt.time(9), daily_end=dt.time(17), now=MONDAY,
    )
    db.session.commit()
    return amendment


def _open(amendment, kind=None):
    return [r for r in amendments.reviews_of(amendment) if r.is_open and (kind is None or r.kind == kind)]


def _decide_all(world, amendment, kind, action="approve", **kwargs):
    for review in _open(amendment, kind):
        workflow.decide(review, world.reviewer_for(review), action, now=MONDAY, **kwargs)
    db.session.commit()


def test_only_the_touched_reviews_open_and_approval_issues_version_two(db, app, client):
    world = build_world()
    application, permit = approved(world)
    render_pending(permit)
    amendment = _amend(world, application, world.site_b)
    assert application.state == "approved" and permit.status == "valid"
    # The owner of the added site and tourism (a foreign production); the screening is not re-run.
    assert sorted((r.kind, r.organisation_id) for r in _open(amendment)) == sorted(
        [("site_owner", world.owner_b.id), ("tourism", world.tourism.id)]
    )
    _decide_all(world, amendment, "site_owner", "approve_with_conditions", conditions=["No vehicles on the crater rim"])
    assert amendment.state == "in_review"
    _decide_all(world, amendment, "tourism")
    assert amendment.state == "final_review"
    assert [r.kind for r in _open(amendment)] == ["ministry_final"]
    _decide_all(world, amendment, "ministry_final")
    db.session.refresh(permit)
    assert amendment.state == "approved"
    assert permit.current_version == 2 and permit.valid_until == NEW_START + dt.timedelta(days=1)
    booking = db.session.execute(select(Booking).where(Booking.amendment_id == amendment.id)).scalar_one()
    assert booking.active
    # The expiry moved to the new last day.
    expiry = db.session.execute(
        select(Deadline).where(Deadline.kind == "permit_expiry", Deadline.status == "pending")
    ).scalar_one()
    assert expiry.due_at == dt.datetime(2027, 6, 22, 20, 0, tzinfo=dt.UTC)  # 23 June 00:00 in Baku
    render_pending(permit)
    v1, v2 = permit.versions
    assert v2.version == 2 and v2.status == "ready" and v2.amendment_id == amendment.id
    text = pdf_text(pdf_bytes(v2))
    assert "21 iyn 2027 – 22 iyn 2027 / 21 Jun 2027 – 22 Jun 2027" in text and "09:00–17:00" in text
    assert "No vehicles on the crater rim" in text and "A museum guide must be present" in text
    assert "No vehicles on the crater rim" not in pdf_text(pdf_bytes(v1))
    # The public page shows the current version and the superseded one.
    page = client.get(f"/verify/{permit.verification_token}").data.decode()
    assert "Version 2 is the current one" in page and "Superseded" in page
    assert v1.sha256 in page and v2.sha256 in page


def test_refusal_leaves_the_permit_as_it_was(db, app):
    world = build_world()
    application, permit = approved(world)
    before = (permit.valid_until, permit.current_version)
    amendment = _amend(world, application, world.site_b)
    _decide_all(world, amendment, "site_owner", "reject", reason="Another shoot is booked then")
    _decide_all(world, amendment, "tourism")
    # A refused site: the ministry's final review cannot approve over it.
    [final] = _open(amendment, "ministry_final")
    assert final.flagged
    with pytest.raises(workflow.WorkflowRefused):
        workflow.decide(final, world.ministry_reviewer, "approve", now=MONDAY)
    db.session.rollback()
    _decide_all(world, amendment, "ministry_final", "reject", reason="The site owner refused")
    db.session.refresh(permit)
    assert amendment.state == "rejected"
    assert (permit.valid_until, permit.current_version) == before and permit.status == "valid"
    assert application.state == "approved"
    assert not db.session.execute(select(Booking).where(Booking.amendment_id == amendment.id)).scalar_one().active


def test_adding_days_at_a_domestic_non_heritage_site_needs_its_owner_and_the_final_only(db, app):
    world = build_world()
    world.producer.company.country = "AZ"
    db.session.commit()
    application, _permit = approved(world)
    application.country_of_origin = "AZ"
    db.session.commit()
    quiet = LocationFactory(owner=world.owner_b, heritage=False, tourist_site=False, max_crew=30)
    db.session.commit()
    amendment = _amend(world, application, quiet)
    assert [(r.kind, r.organisation_id) for r in _open(amendment)] == [("site_owner", world.owner_b.id)]


def test_an_unanswered_question_closes_the_amendment_not_the_permit(db, app):
    world = build_world()
    application, permit = approved(world)
    amendment = _amend(world, application, world.site_b)
    [owner_review] = _open(amendment, "site_owner")
    workflow.decide(owner_review, world.owner_b_reviewer, "request_information", reason="Which entrance?", now=MONDAY)
    db.session.commit()
    workflow.lapse(owner_review, now=MONDAY + dt.timedelta(days=30))
    db.session.commit()
    db.session.refresh(amendment)
    assert amendment.state == "lapsed"
    assert application.state == "approved" and permit.status == "valid"
    assert not _open(amendment)


def test_amendment_refused_for_bad_input_and_for_a_revoked_permit(db, app):
    world = build_world()
    application, _permit = approved(world)
    with pytest.raises(ServiceError) as error:
        amendments.request_amendment(application, world.producer, location=world.site_a, start=dt.date(2027, 6, 7),
                                     end=dt.date(2027, 6, 8), crew_on_site=5, now=MONDAY)
    assert error.value.field == "start_date"  # already covered by the permit
    db.session.rollback()
    with pytest.raises(ServiceError) as error:
        amendments.request_amendment(application, world.producer, location=world.site_b, start=NEW_START,
                                     end=NEW_START, crew_on_site=500, now=MONDAY)
    assert error.value.field == "crew_on_site"
    db.session.rollback()
    with pytest.raises(ServiceError):
        amendments.request_amendment(application, world.other_producer, location=world.site_b, start=NEW_START,
                                     end=NEW_START, crew_on_site=5, now=MONDAY)
    db.session.rollback()
    amendment = _amend(world, application, world.site_b)
    workflow.revoke(application, world.ministry_supervisor, "Safety", now=MONDAY)
    db.session.commit()
    db.session.refresh(amendment)
    assert amendment.state == "lapsed"
    assert not db.session.execute(
        select(ReviewTask).where(ReviewTask.amendment_id == amendment.id, ReviewTask.state.in_(("pending", "in_review")))
    ).first()
    with pytest.raises(workflow.WorkflowRefused):
        _amend(world, application, world.site_b, start=NEW_START + dt.timedelta(days=5))


def test_the_amendment_e_mail_names_the_site_and_its_dates_in_the_producers_language(db, app):
    from permits.models import OutboxMessage
    from permits.notifications.delivery import build_email

    world = build_world()
    world.producer.language = "ru"
    world.site_b.name_ru = "Янардаг"
    db.session.commit()
    application, _permit = approved(world)
    amendment = _amend(world, application, world.site_b)
    for kind in ("site_owner", "tourism", "ministry_final"):
        _decide_all(world, amendment, kind)
    assert amendment.state == "approved"
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "amendment_approved")
    ).scalars().first()
    assert message is not None and message.language == "ru"
    text = build_email(message).get_body(preferencelist=("plain",)).get_content()
    assert "+ Янардаг: 21 июн. 2027 – 22 июн. 2027, 09:00–17:00" in text
    assert "Yanar Dag" not in text and "21.06.2027" not in text
