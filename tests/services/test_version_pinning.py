"""An application finishes on the process version it started on: version 1
(no agencies) keeps its routing after version 2 (police, civil aviation,
emergency services) and version 3 (the permit waits for the fee) came; a
version 2 application is permitted at approval, without an invoice."""

from permits.models import Invoice
from permits.services import workflow
from tests.services.scenario import approve_all, build_world, open_reviews, submitted
from workflows import CURRENT_VERSION

ACTIVITIES = ["drone", "road_closure", "pyrotechnics"]


def test_started_on_version_one_finishes_on_version_one(db, monkeypatch):
    world = build_world()
    # Filed while version 1 was the current one...
    monkeypatch.setattr(workflow, "CURRENT_VERSION", 1)
    application = submitted(world, activities=ACTIVITIES)
    monkeypatch.undo()
    assert (application.definition_version, CURRENT_VERSION) == (1, 3)
    approve_all(world, application, "ministry_screening")
    # ...it keeps version 1's routing: no agency reviews the drone, the road closure or the pyrotechnics.
    assert {r.kind for r in open_reviews(application)} == {"site_owner", "tourism"}
    approve_all(world, application, "site_owner")
    approve_all(world, application, "tourism")
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert (application.state, application.definition_version) == ("approved", 1)


def test_started_on_version_two_is_permitted_at_approval_without_an_invoice(db, monkeypatch):
    world = build_world()
    monkeypatch.setattr(workflow, "CURRENT_VERSION", 2)
    application = submitted(world)
    monkeypatch.undo()
    for kind in ("ministry_screening", "site_owner", "tourism", "ministry_final"):
        approve_all(world, application, kind, pay=False)
    db.session.refresh(application)
    assert (application.state, application.definition_version) == ("approved", 2)
    assert db.session.query(Invoice).count() == 0


def test_new_applications_start_on_the_current_version(db):
    world = build_world()
    application = submitted(world, activities=ACTIVITIES)
    assert application.definition_version == 3
    approve_all(world, application, "ministry_screening")
    reviews = open_reviews(application)
    assert {r.kind for r in reviews} == {"site_owner", "tourism", "police", "aviation", "emergency"}
    agencies = {kind: organisation.id for kind, (organisation, _reviewer) in world.agencies.items()}
    assert {r.kind: r.organisation_id for r in reviews if r.kind in agencies} == agencies
    for kind in ("site_owner", "tourism", "police", "aviation", "emergency"):
        approve_all(world, application, kind)
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert (application.state, application.definition_version) == ("approved", 3)
