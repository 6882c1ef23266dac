"""Routing: which parallel reviews an application needs; amendments; version 2."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from workflows import (
    CURRENT_VERSION,
    DEFINITION_V1,
    DEFINITION_V3,
    ApplicationFacts,
    ApplicationState,
    BookingFacts,
    RequiredReview,
    ReviewKind,
    ReviewSnapshot,
    ReviewState,
    RoutingRule,
    Step,
    UnknownDefinitionVersion,
    current_definition,
    get_definition,
    next_step,
    register,
    register_predicate,
    required_reviews,
    reviews_for_step,
    reviews_touched_by_amendment,
)

D = DEFINITION_V1


def booking(loc="L1", org="ORG-A", **kw) -> BookingFacts:
    kw.setdefault("start_date", date(2027, 5, 3))
    kw.setdefault("end_date", date(2027, 5, 4))
    return BookingFacts(location_id=loc, owner_org_id=org, **kw)


def facts(*bookings, country="AZ", production_type="feature") -> ApplicationFacts:
    return ApplicationFacts(production_type, country, bookings=tuple(bookings))


def site(org) -> RequiredReview:
    return RequiredReview("site_owner", "site_owner", org)


TOURISM = RequiredReview("tourism", "tourism", None)
FINAL = RequiredReview("ministry_final", "ministry", None)


def test_local_production_at_an_ordinary_site_needs_the_site_owner_only():
    assert required_reviews(D, facts(booking())) == [site("ORG-A")]


@pytest.mark.parametrize(
    "application",
    [
        facts(booking(heritage=True)),
        facts(booking(tourist=True)),
        facts(booking(), country="GE"),
        facts(booking(), booking("L2", "ORG-B", heritage=True)),
    ],
    ids=["heritage", "tourist", "foreign", "one-heritage-site-of-two"],
)
def test_tourism_for_heritage_tourist_or_foreign(application):
    assert TOURISM in required_reviews(D, application)


def test_is_foreign_ignores_case_and_spaces():
    assert not facts(country=" az ").is_foreign
    assert facts(country="TR").is_foreign
    assert not ApplicationFacts("feature", "TR", home_country="TR").is_foreign


def test_one_site_owner_review_per_owner_organisation():
    application = facts(
        booking("L1", "ORG-B"),
        booking("L2", "ORG-A"),
        booking("L3", "ORG-B", start_date=date(2027, 6, 1), end_date=date(2027, 6, 1)),
    )
    assert required_reviews(D, application) == [site("ORG-A"), site("ORG-B")]


def test_screening_and_final_are_opened_by_the_engine():
    application = facts(booking())
    assert reviews_for_step(D, Step.OPEN_SCREENING, application) == [
        RequiredReview("ministry_screening", "ministry", None)
    ]
    assert reviews_for_step(D, Step.OPEN_PARALLEL, application) == [site("ORG-A")]
    assert reviews_for_step(D, Step.OPEN_FINAL, application) == [FINAL]
    assert reviews_for_step(D, Step.MINISTRY_DECIDES_REJECTION, application) == [FINAL]
    assert reviews_for_step(D, Step.APPROVE, application) == []
    assert required_reviews(D, application, stages=("screening", "parallel", "final")) == [
        RequiredReview("ministry_screening", "ministry", None),
        site("ORG-A"),
        FINAL,
    ]


def test_unknown_activity_is_refused():
    with pytest.raises(ValueError, match="unknown activities"):
        booking(activities={"karaoke"})


# -- amendments --------------------------------------------------------------------

BASE = facts(booking("L1", "ORG-A"), booking("L2", "ORG-B"))


def test_adding_a_date_at_an_ordinary_site_touches_its_owner_and_final():
    extra = booking("L1", "ORG-A", start_date=date(2027, 5, 10), end_date=date(2027, 5, 10))
    new = BASE.with_bookings((*BASE.bookings, extra))
    assert reviews_touched_by_amendment(D, BASE, new) == [site("ORG-A"), FINAL]


def test_adding_a_heritage_site_touches_its_owner_tourism_and_final():
    new = BASE.with_bookings((*BASE.bookings, booking("L9", "ORG-C", heritage=True)))
    assert reviews_touched_by_amendment(D, BASE, new) == [site("ORG-C"), TOURISM, FINAL]


def test_changing_a_booking_touches_that_owner_only():
    changed = dataclasses.replace(BASE.bookings[1], crew=40)
    new = BASE.with_bookings((BASE.bookings[0], changed))
    assert reviews_touched_by_amendment(D, BASE, new) == [site("ORG-B"), FINAL]


def test_foreign_production_adding_a_date_touches_tourism():
    old = facts(booking("L1", "ORG-A"), country="FR")
    extra = booking("L1", "ORG-A", start_date=date(2027, 5, 20), end_date=date(2027, 5, 21))
    new = old.with_bookings((*old.bookings, extra))
    assert reviews_touched_by_amendment(D, old, new) == [site("ORG-A"), TOURISM, FINAL]


def test_heritage_application_adding_an_ordinary_site_leaves_tourism_alone():
    old = facts(booking("L1", "ORG-A", heritage=True))
    new = old.with_bookings((*old.bookings, booking("L2", "ORG-B")))
    assert reviews_touched_by_amendment(D, old, new) == [site("ORG-B"), FINAL]


def test_removing_a_booking_touches_only_the_final_review():
    new = BASE.with_bookings(BASE.bookings[:1])
    assert reviews_touched_by_amendment(D, BASE, new) == [FINAL]


# -- a later version made by data only: police for road closures ------------------

# Version 1 routes nothing by activity; a version that does may name a
# predicate over the facts, registered once like these (version 2 uses the
# rules' activity table instead: tests/workflows/test_workflows_version_two.py).
register_predicate("has_road_closure", lambda facts: "road_closure" in facts.activities)
register_predicate("has_drone", lambda facts: "drone" in facts.activities)

POLICE = ReviewKind("police", "police", "police", 3, "parallel")
V2 = dataclasses.replace(
    D,
    version=90,
    review_kinds=(*D.review_kinds, POLICE),
    routing_rules=(*D.routing_rules, RoutingRule("police", "has_road_closure")),
    description="v1 plus a police review for road closures",
)


@pytest.fixture
def version_two_registrable():
    """Whatever the test registers is gone afterwards: another test of the run
    (in random order) registers a version 2 of its own."""
    from workflows import registry

    saved = dict(registry._DEFINITIONS)
    yield
    registry._DEFINITIONS.clear()
    registry._DEFINITIONS.update(saved)


def test_version_two_adds_a_police_review_for_road_closures(version_two_registrable):
    register(V2)
    register(V2)  # registering the same definition again is harmless
    defn = get_definition(90)
    assert defn is V2 or defn == V2
    assert CURRENT_VERSION == 3 and current_definition() is DEFINITION_V3

    closing = facts(booking("L1", "ORG-A", activities={"road_closure"}))
    assert required_reviews(defn, closing) == [
        site("ORG-A"),
        RequiredReview("police", "police", None),
    ]
    # version 1 applications are unaffected
    assert required_reviews(D, closing) == [site("ORG-A")]
    assert required_reviews(defn, facts(booking())) == [site("ORG-A")]

    # the join waits for the police like for any parallel review
    reviews = [
        ReviewSnapshot("ministry_screening", ReviewState.APPROVED),
        ReviewSnapshot("site_owner", ReviewState.APPROVED, "ORG-A"),
        ReviewSnapshot("police", ReviewState.IN_REVIEW),
    ]
    assert next_step(defn, ApplicationState.IN_REVIEW, reviews) is Step.NONE
    reviews[-1] = ReviewSnapshot("police", ReviewState.APPROVED_WITH_CONDITIONS)
    assert next_step(defn, ApplicationState.IN_REVIEW, reviews) is Step.OPEN_FINAL
    # police use the same review state machine
    assert defn.apply_review_action("police", "pending", "approve", "reviewer") == "approved"
    # amendments adding a road closure touch the police
    new = closing.with_bookings(
        (
            *closing.bookings,
            booking("L1", "ORG-A", start_date=date(2027, 5, 9), end_date=date(2027, 5, 9), activities={"road_closure"}),
        )
    )
    assert RequiredReview("police", "police", None) in reviews_touched_by_amendment(defn, closing, new)


def test_a_taken_version_cannot_be_redefined(version_two_registrable):
    other = dataclasses.replace(V2, description="something else")
    register(V2)
    with pytest.raises(ValueError, match="already registered"):
        register(other)


def test_unknown_version():
    with pytest.raises(UnknownDefinitionVersion, match="no process definition version 99"):
        get_definition(99)


def test_definitions_are_validated():
    with pytest.raises(ValueError, match="unknown predicate"):
        dataclasses.replace(D, version=3, routing_rules=(*D.routing_rules, RoutingRule("tourism", "full_moon")))
    with pytest.raises(ValueError, match="unknown review kind"):
        dataclasses.replace(D, version=3, routing_rules=(*D.routing_rules, RoutingRule("aviation", "has_drone")))
    with pytest.raises(ValueError, match="duplicate transition"):
        dataclasses.replace(D, version=3, review_transitions=(*D.review_transitions, D.review_transitions[0]))
    with pytest.raises(ValueError, match="routed 'always'"):
        dataclasses.replace(
            D,
            version=3,
            routing_rules=tuple(
                RoutingRule(r.review_kind, "has_drone") if r.review_kind == "ministry_final" else r
                for r in D.routing_rules
            ),
        )
