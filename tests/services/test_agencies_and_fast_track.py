"""Process version 2 through the services: the agencies review in parallel
with the site owners, an owner's standing consent approves at once, and a
simple shoot is permitted by one commission decision within a business day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from permits.extensions import db as database
from permits.models import OutboxMessage, Permit, WorkflowEvent
from permits.notifications.render import render_email
from permits.services import ledger, workflow
from permits.services import permits as permit_service
from permits.services.context import calendar
from tests.factories import ProducerFactory
from tests.services.scenario import MONDAY, approve_all, build_world, draft, open_reviews, pay_in_full, submitted

AGENCY_ACTIVITIES = ["drone", "road_closure", "pyrotechnics"]


def _consent(site, *, hours=(dt.time(8), dt.time(20))):
    site.standing_consent = True
    site.filming_hours_start, site.filming_hours_end = hours
    database.session.commit()


def _local_producer(world):
    """A producer of an Azerbaijani company (a foreign production needs the tourism agency)."""
    producer = ProducerFactory(email="local@example.test")
    database.session.commit()
    world.producer = producer
    return producer


def test_the_agencies_review_in_parallel_with_the_owners_and_their_conditions_reach_the_permit(db):
    world = build_world()
    application = submitted(world, activities=AGENCY_ACTIVITIES)
    approve_all(world, application, "ministry_screening")
    kinds = {r.kind for r in open_reviews(application)}
    assert kinds == {"site_owner", "tourism", "police", "aviation", "emergency"}
    # The join waits for every agency, whatever the order.
    approve_all(world, application, "site_owner")
    approve_all(world, application, "tourism")
    approve_all(world, application, "aviation")
    approve_all(world, application, "police", action="approve_with_conditions",
                conditions=["The road is closed only from 06:00 to 09:00, by the traffic police."])
    assert application.state == "in_review"
    approve_all(world, application, "emergency")
    assert [r.kind for r in open_reviews(application)] == ["ministry_final"]
    approve_all(world, application, "ministry_final")
    database.session.refresh(application)
    assert application.state == "approved"
    permit = database.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one()
    police = world.agencies["police"][0]
    assert permit_service.grouped_conditions(permit.conditions, "en") == [
        (police.name_en, ["The road is closed only from 06:00 to 09:00, by the traffic police."])]


def test_an_agency_refusal_goes_to_the_commission_which_refuses(db):
    world = build_world()
    application = submitted(world, activities=["drone"])
    approve_all(world, application, "ministry_screening")
    approve_all(world, application, "aviation", action="reject", reason="The flight plan crosses the airport's approach.")
    approve_all(world, application, "site_owner")
    approve_all(world, application, "tourism")
    [final] = open_reviews(application, "ministry_final")
    assert final.flagged and application.needs_ministry_decision
    # A civil aviation refusal is not cured by changing sites: no refused site to drop.
    assert workflow.refused_site_reviews(application) == []
    approve_all(world, application, "ministry_final", action="reject", reason="Civil aviation refused the drone flights.")
    database.session.refresh(application)
    assert application.state == "rejected"


def test_standing_consent_approves_the_owners_review_as_it_opens(db):
    world = build_world(heritage_a=False)
    _consent(world.site_a)
    application = submitted(world, sites=[world.site_a, world.site_b], crew=10, days=1)
    assert application.route == "standard"  # a foreign production: the tourism agency reviews it
    approve_all(world, application, "ministry_screening")
    reviews = {r.organisation_id: r for r in application.reviews if r.kind == "site_owner"}
    by_consent, by_hand = reviews[world.owner_a.id], reviews[world.owner_b.id]
    assert (by_consent.state, by_consent.decided_by_id) == ("approved", None)
    assert by_hand.state == "pending"
    event = database.session.execute(
        select(WorkflowEvent).where(WorkflowEvent.review_task_id == by_consent.id, WorkflowEvent.action == "approve_by_consent")
    ).scalar_one()
    assert event.payload == {"standing_consent": [{"site": str(world.site_a.id), "rules_version": 1}]}


def test_standing_consent_does_not_cover_a_shoot_beyond_its_rules(db):
    world = build_world(heritage_a=False)
    _consent(world.site_a, hours=(dt.time(10), dt.time(16)))
    application = submitted(world, sites=[world.site_a], crew=10, days=1)  # booked 08:00-20:00
    approve_all(world, application, "ministry_screening")
    [owner] = open_reviews(application, "site_owner")
    assert owner.state == "pending"


def _filed_on_the_fast_track():
    """A local producer files a one-day, eight-person shoot at a site under standing consent."""
    world = build_world(heritage_a=False)
    _consent(world.site_a)
    _local_producer(world)
    application = draft(world, sites=[world.site_a], crew=8, days=1)
    workflow.submit(application, world.producer, now=MONDAY)
    database.session.commit()
    return world, application


def test_a_simple_shoot_is_permitted_by_one_commission_decision_within_a_business_day(db):
    world, application = _filed_on_the_fast_track()
    assert application.route == "fast_track"
    [decision] = open_reviews(application)
    assert decision.kind == "commission_decision" and decision.organisation_id == world.ministry.id
    cal = calendar()
    assert decision.due_at == cal.add_business_days(MONDAY, 1)
    owner = next(r for r in application.reviews if r.kind == "site_owner")
    assert owner.state == "approved"
    assert not [r for r in application.reviews if r.kind == "ministry_screening"]
    # The producer is told it takes the fast track, not that a screening comes first.
    [received] = database.session.execute(
        select(OutboxMessage).where(OutboxMessage.recipient_email == "local@example.test",
                                    OutboxMessage.template.like("application_received%"))).scalars()
    assert received.template == "application_received_fast_track"
    assert "It takes the fast track" in render_email(received.template, "en", received.context).text
    decided_at = MONDAY + dt.timedelta(hours=5)
    # The fee was invoiced when it was filed: paid within the day, the permit follows.
    assert ledger.fee_invoice(application.id) is not None
    workflow.decide(decision, world.ministry_reviewer, "approve", now=decided_at)
    database.session.commit()
    database.session.refresh(application)
    assert application.state == "awaiting_payment"
    pay_in_full(world, application, decided_at + dt.timedelta(hours=1))
    assert application.state == "approved"
    assert permit_service.permit_of(application) is not None
    assert cal.business_seconds_between(application.submitted_at, application.decided_at) <= cal.business_day_seconds
    actions = list(database.session.execute(
        select(WorkflowEvent.action).where(WorkflowEvent.application_id == application.id).order_by(WorkflowEvent.id)
    ).scalars())
    assert actions[:3] == ["submit", "start_review", "open"]
    assert "approve_by_consent" in actions


def test_the_fast_track_decision_can_refuse_or_ask_like_any_review(db):
    world, application = _filed_on_the_fast_track()
    [decision] = open_reviews(application)
    workflow.decide(decision, world.ministry_reviewer, "reject", reason="The boulevard is closed for a state visit.",
                    now=MONDAY + dt.timedelta(hours=1))
    database.session.commit()
    database.session.refresh(application)
    assert application.state == "rejected"
