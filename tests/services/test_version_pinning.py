"""An application finishes on the process version it started on."""

import dataclasses

import pytest

from permits.services import workflow
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted
from workflows import DEFINITION_V1, ReviewKind, RoutingRule, registry


@pytest.fixture
def version_two():
    """Version 2 adds a police review for every application (as data only)."""
    v2 = dataclasses.replace(
        DEFINITION_V1,
        version=2,
        review_kinds=(*DEFINITION_V1.review_kinds, ReviewKind("police", "police", "police", 3, "parallel")),
        routing_rules=(*DEFINITION_V1.routing_rules, RoutingRule("police", "always")),
    )
    saved = dict(registry._DEFINITIONS)
    registry.register(v2)
    yield v2
    registry._DEFINITIONS.clear()
    registry._DEFINITIONS.update(saved)


def test_started_on_version_one_finishes_on_version_one(db, version_two, monkeypatch):
    world = build_world()
    application = submitted(world)
    assert application.definition_version == 1
    # From now on new applications would start on version 2...
    monkeypatch.setattr(workflow, "CURRENT_VERSION", 2)
    approve_all(world, application, "ministry_screening")
    # ...but this one keeps version 1's routing: no police review appears.
    kinds = {r.kind for r in open_reviews(application)}
    assert kinds == {"site_owner", "tourism"}
    approve_all(world, application, "site_owner")
    approve_all(world, application, "tourism")
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert (application.state, application.definition_version) == ("approved", 1)


def test_new_applications_start_on_the_current_version(db, version_two, monkeypatch):
    from permits.extensions import db as database
    from permits.models import Organisation
    from tests.factories import OrganisationFactory

    world = build_world()
    OrganisationFactory(key="police", kind="police")
    database.session.commit()
    monkeypatch.setattr(workflow, "CURRENT_VERSION", 2)
    application = submitted(world, now=MONDAY)
    assert application.definition_version == 2
    approve_all(world, application, "ministry_screening")
    kinds = {r.kind for r in open_reviews(application)}
    assert kinds == {"site_owner", "tourism", "police"}
    police = database.session.query(Organisation).filter_by(kind="police").one()
    assert any(r.organisation_id == police.id for r in open_reviews(application))
