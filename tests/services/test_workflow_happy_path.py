"""The process from submission to permit, through the services."""

import datetime as dt

import pytest
from sqlalchemy import select

from permits.models import Deadline, OutboxMessage, Permit, WorkflowEvent
from permits.services import PermissionDenied, ServiceError, StaleVersion, ledger, workflow
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, pay_in_full, submitted


def test_submission_opens_screening_with_a_reference_and_a_due_time(db):
    world = build_world()
    application = submitted(world)
    assert application.state == "submitted"
    assert application.reference == f"AZF-2027-{application.id:06d}"
    [screening] = open_reviews(application)
    assert screening.kind == "ministry_screening"
    assert screening.organisation_id == world.ministry.id
    # Monday 10:00 Baku + 2 business days = Wednesday 10:00 Baku = 06:00 UTC.
    assert screening.due_at == dt.datetime(2027, 4, 21, 6, 0, tzinfo=dt.UTC)
    assert application.impact_tier == "medium"  # crew of 20 is above 15
    assert application.fee_total > 0
    kinds = {m.template for m in db.session.query(OutboxMessage)}
    assert {"application_received", "review_opened"} <= kinds


def test_full_process_to_approval(db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    assert application.state == "in_review"
    parallel = open_reviews(application)
    # one per owner organisation, plus tourism (heritage site and foreign production)
    assert sorted((r.kind, r.organisation_id) for r in parallel) == sorted(
        [("site_owner", world.owner_a.id), ("site_owner", world.owner_b.id), ("tourism", world.tourism.id)]
    )
    [first, *rest] = parallel
    workflow.decide(first, world.reviewer_for(first), "approve_with_conditions", conditions=["A museum guide must be present"], now=MONDAY)
    db.session.commit()
    assert application.state == "in_review"
    for review in rest:
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "final_review"
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert application.state == "approved"
    permit = db.session.execute(select(Permit)).scalar_one()
    assert permit.number.startswith("AZP-2027-")
    assert len(permit.verification_token) >= 22
    assert permit.conditions[0]["conditions"] == ["A museum guide must be present"]
    # Every closed review has no pending deadline left; the permit expiry is scheduled.
    pending = db.session.query(Deadline).filter_by(status="pending").all()
    assert {d.kind for d in pending} <= {"permit_expiry", "permit_expiring"}
    transitions = db.session.query(WorkflowEvent).filter(WorkflowEvent.subject.in_(["application", "review"])).count()
    assert transitions > 10


def test_stale_version_is_refused(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    version = screening.version
    workflow.claim(screening, world.ministry_reviewer, expected_version=version)
    db.session.commit()
    with pytest.raises(StaleVersion):
        workflow.decide(screening, world.ministry_reviewer, "approve", expected_version=version)


def test_other_organisation_cannot_decide(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    with pytest.raises(PermissionDenied):
        workflow.decide(screening, world.tourism_reviewer, "approve")
    with pytest.raises(PermissionDenied):
        workflow.decide(screening, world.producer, "approve")


def test_reject_needs_a_reason_and_conditions_need_a_condition(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    with pytest.raises(ServiceError) as missing_reason:
        workflow.decide(screening, world.ministry_reviewer, "reject", reason="  ")
    assert missing_reason.value.field == "reason" and missing_reason.value.message
    with pytest.raises(ServiceError) as no_conditions:
        workflow.decide(screening, world.ministry_reviewer, "approve_with_conditions", conditions=["", " "])
    assert no_conditions.value.field == "conditions" and no_conditions.value.message


def test_information_request_pauses_and_resumes_with_time_left(db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    review = next(r for r in open_reviews(application) if r.organisation_id == world.owner_a.id)
    due = review.due_at
    thursday = dt.datetime(2027, 4, 22, 8, 0, tzinfo=dt.UTC)  # 12:00 Baku
    workflow.decide(review, world.owner_a_reviewer, "request_information", reason="Send the site plan.", now=thursday)
    db.session.commit()
    assert review.state == "info_requested" and review.due_at is None and review.paused_at == thursday
    pending = {d.kind for d in db.session.query(Deadline).filter_by(review_task_id=review.id, status="pending")}
    assert pending == {"info_lapse", "info_reminder"}
    tuesday = dt.datetime(2027, 4, 27, 8, 0, tzinfo=dt.UTC)  # 12:00 Baku
    workflow.provide_information(review, world.producer, "Attached.", now=tuesday)
    db.session.commit()
    assert review.state == "in_review"
    # Due was Monday 26 April 10:00 Baku; at Thursday 12:00 it had 1 day 7 hours
    # of business time left (Thu 12-18, Fri 9-18, Mon 9-10 = 6 + 9 + 1 = 16h); from Tuesday 12:00:
    # Tue 12-18 (6h) + Wed 9-18 (9h) + Thu 9-10 (1h) -> Thursday 29 April 10:00 Baku.
    assert due == dt.datetime(2027, 4, 26, 6, 0, tzinfo=dt.UTC)
    assert review.due_at == dt.datetime(2027, 4, 29, 6, 0, tzinfo=dt.UTC)


def test_site_owner_rejection_goes_to_the_ministry_which_drops_the_site(db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        if review.organisation_id == world.owner_b.id:
            workflow.decide(review, world.owner_b_reviewer, "reject", reason="Maintenance works.", now=MONDAY)
        else:
            workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "final_review" and application.needs_ministry_decision
    [final] = open_reviews(application, "ministry_final")
    assert final.flagged
    with pytest.raises(workflow.WorkflowRefused):
        workflow.decide(final, world.ministry_reviewer, "approve")
    invoiced = ledger.fee_invoice(application.id)
    workflow.drop_refused_sites(final, world.ministry_reviewer)
    db.session.commit()
    assert [b.location_id for b in application.bookings if b.active] == [world.site_a.id]
    # The invoice is reissued without the dropped site, and the balance follows it.
    reissued = ledger.fee_invoice(application.id)
    assert (reissued.number, reissued.version) == (invoiced.number, 2)
    assert reissued.total == invoiced.total - world.site_b.fee_per_day * 3
    assert ledger.balance_of(application) == reissued.total
    workflow.decide(final, world.ministry_reviewer, "approve")
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "awaiting_payment"
    pay_in_full(world, application)
    assert application.state == "approved"


def test_screening_rejection_rejects(db, mailbox):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    workflow.decide(screening, world.ministry_reviewer, "reject", reason="Incomplete documents.")
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "rejected"
    assert db.session.query(Deadline).filter_by(status="pending").count() == 0


def test_withdraw_closes_open_reviews(db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    workflow.withdraw(application, world.producer)
    db.session.commit()
    assert application.state == "withdrawn"
    assert open_reviews(application) == []
    with pytest.raises(PermissionDenied):
        workflow.withdraw(application, world.other_producer)
