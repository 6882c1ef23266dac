"""A refused site can be replaced by the producer: only the reviews the new
site touches open, and the final review waits for them."""

import datetime as dt

import pytest

from permits.services import ServiceError, applications, workflow
from tests.factories import LocationFactory
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted


def _refused(world):
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        if review.organisation_id == world.owner_b.id:
            workflow.decide(review, world.owner_b_reviewer, "reject", reason="Closed for works.", now=MONDAY)
        else:
            workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    return application


def test_replacing_the_refused_site_reopens_only_what_it_touches(db):
    world = build_world()
    application = _refused(world)
    db.session.commit()
    assert application.needs_ministry_decision
    replacement = LocationFactory(owner=world.owner_a, name_en="Shirvanshahs' Palace", max_crew=40)
    db.session.commit()

    applications.replace_refused_site(
        application, world.producer, replacement, start=dt.date(2027, 6, 14), end=dt.date(2027, 6, 15),
        crew_on_site=20, expected_version=application.version, now=MONDAY,
    )
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "in_review" and not application.needs_ministry_decision
    assert sorted(b.location_id for b in application.bookings if b.active) == sorted([world.site_a.id, replacement.id])
    reopened = open_reviews(application)
    # The new site's owner and tourism (a foreign production) review it; owner B's refusal is dropped;
    # the flagged final review is closed until the parallel stage is done again.
    assert sorted((r.kind, r.organisation_id) for r in reopened) == sorted(
        [("site_owner", world.owner_a.id), ("tourism", world.tourism.id)]
    )
    states = {(r.kind, r.organisation_id): r.state for r in application.reviews if r.organisation_id == world.owner_b.id}
    assert states == {("site_owner", world.owner_b.id): "cancelled"}

    approve_all(world, application, "site_owner")
    approve_all(world, application, "tourism")
    db.session.refresh(application)
    assert application.state == "final_review"
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert application.state == "approved"


def test_replacement_is_checked_like_any_booking(db):
    world = build_world()
    application = _refused(world)
    db.session.commit()
    with pytest.raises(ServiceError) as too_many:
        applications.replace_refused_site(application, world.producer, world.site_a, start=dt.date(2027, 6, 14),
                                      end=dt.date(2027, 6, 15), crew_on_site=500, now=MONDAY)
    assert too_many.value.field == "crew_on_site"
    db.session.rollback()
    with pytest.raises(workflow.PermissionDenied):
        applications.replace_refused_site(application, world.other_producer, world.site_a, start=dt.date(2027, 6, 14),
                                      end=dt.date(2027, 6, 15), crew_on_site=5, now=MONDAY)


def test_nothing_to_replace_without_a_refusal(db):
    world = build_world()
    application = submitted(world)
    with pytest.raises(workflow.WorkflowRefused):
        applications.replace_refused_site(application, world.producer, world.site_a, start=dt.date(2027, 6, 14),
                                      end=dt.date(2027, 6, 15), crew_on_site=5, now=MONDAY)
