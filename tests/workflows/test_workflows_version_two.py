"""Process version 2 as data: the agencies by activity, their documents, the
owners' standing consent and the fast track."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

import pytest

from workflows import (
    ACTIVITIES,
    CURRENT_VERSION,
    DEFINITION_V1,
    DEFINITION_V2,
    FAST_TRACK,
    STAGES,
    STANDARD,
    ApplicationFacts,
    ApplicationState,
    BookingFacts,
    BusinessCalendar,
    FastTrackObstacle,
    RequiredReview,
    ReviewSnapshot,
    ReviewState,
    SiteConsent,
    Step,
    consent_covers,
    consent_problems,
    current_definition,
    documents_needed,
    earliest_permit_date,
    fast_track_obstacles,
    get_definition,
    latest_submission_date,
    next_step,
    required_reviews,
    reviews_for_step,
    reviews_touched_by_amendment,
    route_for,
)

D = DEFINITION_V2
CAL = BusinessCalendar()
CONSENT = SiteConsent(rules_version=3, max_crew=15, hours=(time(8), time(20)))

# The activity-to-agency table, as the issue states it.
AGENCY_OF = {
    "road_closure": {"police"},
    "prop_weapons": {"police"},
    "police_uniforms": {"police"},
    "public_road_stunts": {"police"},
    "drone": {"aviation"},
    "pyrotechnics": {"emergency"},
    "open_flames": {"emergency"},
    "animals": set(),
    "set_construction": set(),
    "night_work": set(),
}


def booking(loc="L1", org="ORG-A", **kw) -> BookingFacts:
    kw.setdefault("start_date", date(2027, 5, 3))
    kw.setdefault("end_date", date(2027, 5, 4))
    kw.setdefault("crew", 8)
    return BookingFacts(location_id=loc, owner_org_id=org, **kw)


def facts(*bookings, country="AZ") -> ApplicationFacts:
    return ApplicationFacts("commercial", country, bookings=bookings or (booking(),))


def simple(**kw) -> ApplicationFacts:
    """A low-impact local shoot at a site under standing consent."""
    kw.setdefault("consent", CONSENT)
    kw.setdefault("daily_start", time(9))
    kw.setdefault("daily_end", time(18))
    return facts(booking(**kw))


def test_version_two_stays_registered_beside_the_current_one():
    assert CURRENT_VERSION == 3 and current_definition().version == 3 and get_definition(2) is D
    assert len(D.review_transitions) == 20 and len(D.application_transitions) == 17
    assert len(D.routing_rules) == 8
    assert {k.code for k in D.review_kinds} == {
        "ministry_screening", "site_owner", "tourism", "police", "aviation", "emergency", "ministry_final",
        "commission_decision",
    }


def test_the_table_covers_every_activity():
    assert set(AGENCY_OF) == ACTIVITIES


@pytest.mark.parametrize("activity", sorted(ACTIVITIES))
def test_each_activity_adds_the_reviews_of_its_agency(activity):
    plain = {r.kind_code for r in required_reviews(D, facts())}
    with_activity = {r.kind_code for r in required_reviews(D, facts(booking(activities={activity})))}
    assert with_activity - plain == AGENCY_OF[activity]
    # Version 1 routes nothing by activity.
    assert {r.kind_code for r in required_reviews(DEFINITION_V1, facts(booking(activities={activity})))} == plain


def test_one_review_per_agency_however_many_of_its_activities():
    reviews = required_reviews(D, facts(booking(activities={"road_closure", "prop_weapons", "drone", "pyrotechnics"})))
    assert reviews == [
        RequiredReview("site_owner", "site_owner", "ORG-A"),
        RequiredReview("police", "police", None),
        RequiredReview("aviation", "aviation", None),
        RequiredReview("emergency", "emergency", None),
    ]


@pytest.mark.parametrize(
    ("activity", "documents"),
    [
        ("drone", ["uav_registration", "remote_pilot_certificate", "flight_plan"]),
        ("pyrotechnics", ["pyrotechnician_licence", "safety_plan"]),
        ("open_flames", ["safety_plan"]),
        ("road_closure", ["traffic_management_plan"]),
        ("prop_weapons", ["armourer_licence", "prop_weapons_list"]),
        ("animals", []),
    ],
)
def test_documents_by_activity(activity, documents):
    needed = documents_needed(D, facts(booking(activities={activity})))
    assert [need.document_kind for _kind, need in needed] == ["insurance", *documents]
    for kind, need in needed[1:]:
        assert kind.code in AGENCY_OF[activity]
        assert need.activity == activity


def test_documents_are_named_once():
    needed = documents_needed(D, facts(booking(activities={"pyrotechnics", "open_flames"})))
    assert [need.document_kind for _k, need in needed] == ["insurance", "pyrotechnician_licence", "safety_plan"]


# -- the owner's standing consent ------------------------------------------------------


def test_standing_consent_covers_a_simple_shoot_within_the_rules():
    covered = booking(consent=CONSENT, daily_start=time(8), daily_end=time(20), cap_days_left=2)
    assert consent_problems(covered) == ()
    assert consent_covers(facts(covered))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"consent": None}, "no_consent"),
        ({"activities": {"animals"}}, "activities"),
        ({"vehicles": 6}, "impact"),
        ({"consent": dataclasses.replace(CONSENT, max_crew=5)}, "crew"),
        ({"daily_start": time(7, 30)}, "hours"),
        ({"daily_end": time(21)}, "hours"),
        ({"closed": True}, "closed"),
        ({"cap_days_left": 1}, "yearly_cap"),
    ],
)
def test_standing_consent_does_not_cover(changes, problem):
    values = {"consent": CONSENT, "daily_start": time(9), "daily_end": time(18), **changes}
    assert problem in consent_problems(booking(**values))
    assert not consent_covers(facts(booking(**values)))


def test_consent_without_hours_covers_any_time_and_unknown_hours_are_not_held_against_a_quote():
    anytime = dataclasses.replace(CONSENT, hours=None)
    assert consent_problems(booking(consent=anytime, daily_start=time(5), daily_end=time(23))) == ()
    assert consent_problems(booking(consent=CONSENT)) == ()


# -- the fast track ----------------------------------------------------------------------


def test_a_simple_shoot_takes_the_fast_track():
    assert fast_track_obstacles(D, simple()) == []
    assert route_for(D, simple()) == FAST_TRACK
    assert route_for(DEFINITION_V1, simple()) == STANDARD  # version 1 has no fast track
    assert fast_track_obstacles(DEFINITION_V1, simple()) == [FastTrackObstacle("not_offered")]


def test_why_not_the_fast_track():
    # "the Maiden Tower has no standing consent; a drone needs civil aviation"
    tower = facts(booking("TOWER", "RESERVE", activities={"drone"}))
    assert fast_track_obstacles(D, tower) == [
        FastTrackObstacle("no_consent", kind_code="site_owner", location_id="TOWER"),
        FastTrackObstacle("review", kind_code="aviation", activities=("drone",)),
    ]
    # A heritage site or a foreign production needs the tourism agency.
    assert FastTrackObstacle("review", kind_code="tourism") in fast_track_obstacles(D, facts(
        booking(consent=CONSENT), country="FR"))
    # Too big for a low-impact shoot.
    crowd = simple(crew=40, consent=dataclasses.replace(CONSENT, max_crew=100))
    assert fast_track_obstacles(D, crowd) == [FastTrackObstacle("impact", kind_code="site_owner", location_id="L1")]
    # An activity no agency reviews is still not a simple shoot.
    assert fast_track_obstacles(D, simple(activities={"animals"})) == [FastTrackObstacle("activities", activities=("animals",))]
    assert fast_track_obstacles(D, ApplicationFacts("commercial", "AZ")) == [FastTrackObstacle("no_sites")]


def test_every_site_must_be_under_consent():
    two = facts(booking("L1", "ORG-A", consent=CONSENT), booking("L2", "ORG-B"))
    assert fast_track_obstacles(D, two) == [FastTrackObstacle("no_consent", kind_code="site_owner", location_id="L2")]


def test_the_fast_route_skips_screening_and_has_one_decision():
    # Filed: straight to the parallel stage (the owners' reviews, approved under consent).
    assert next_step(D, ApplicationState.SUBMITTED, [], FAST_TRACK) is Step.OPEN_PARALLEL
    assert next_step(D, ApplicationState.SUBMITTED, [], STANDARD) is Step.OPEN_SCREENING
    owner = ReviewSnapshot("site_owner", ReviewState.APPROVED, "ORG-A")
    assert next_step(D, ApplicationState.IN_REVIEW, [owner], FAST_TRACK) is Step.OPEN_FINAL
    final = reviews_for_step(D, Step.OPEN_FINAL, simple(), FAST_TRACK)
    assert final == [RequiredReview("commission_decision", "ministry", None)]
    # The standard route never opens the fast track's decision.
    assert reviews_for_step(D, Step.OPEN_FINAL, simple(), STANDARD) == [RequiredReview("ministry_final", "ministry", None)]
    assert reviews_for_step(D, Step.OPEN_SCREENING, simple(), STANDARD) == [
        RequiredReview("ministry_screening", "ministry", None)]
    decided = [owner, ReviewSnapshot("commission_decision", ReviewState.APPROVED)]
    assert next_step(D, ApplicationState.FINAL_REVIEW, decided, FAST_TRACK) is Step.APPROVE
    assert [r.kind_code for r in required_reviews(D, simple(), STAGES, FAST_TRACK)] == ["site_owner", "commission_decision"]


def test_the_fast_track_promises_a_permit_in_one_business_day():
    friday_evening = datetime(2027, 4, 23, 13, 59, tzinfo=UTC)  # 17:59 in Baku
    reviews = required_reviews(D, simple(), STAGES, FAST_TRACK)
    # One business day: Friday's last minute, then Monday until 17:59 (no one works late or at the weekend).
    assert earliest_permit_date(CAL, friday_evening, D, reviews, FAST_TRACK) == date(2027, 4, 26)
    standard = required_reviews(D, simple(), STAGES, STANDARD)
    assert earliest_permit_date(CAL, friday_evening, D, standard, STANDARD) == date(2027, 5, 6)  # 2 + 5 + 2 business days
    # The fast track's lead time: apply two business days before the first shoot day.
    assert latest_submission_date(CAL, date(2027, 4, 28), "low", D, FAST_TRACK) == date(2027, 4, 26)
    assert latest_submission_date(CAL, date(2027, 4, 28), "low", D, STANDARD) == date(2027, 4, 23)


def test_adding_a_drone_day_touches_civil_aviation_the_owner_and_the_final_review():
    old = facts(booking(activities={"drone"}))
    new = old.with_bookings((*old.bookings, booking(start_date=date(2027, 5, 9), end_date=date(2027, 5, 9),
                                                    activities={"drone"})))
    touched = reviews_touched_by_amendment(D, old, new)
    assert touched == [
        RequiredReview("site_owner", "site_owner", "ORG-A"),
        RequiredReview("aviation", "aviation", None),
        RequiredReview("ministry_final", "ministry", None),
    ]


def test_definitions_with_a_fast_track_are_validated():
    with pytest.raises(ValueError, match="unknown review kind"):
        dataclasses.replace(D, version=91, fast_track=dataclasses.replace(D.fast_track, decision_kind="oracle"))
    with pytest.raises(ValueError, match="final-stage review of the film commission"):
        dataclasses.replace(D, version=91, fast_track=dataclasses.replace(D.fast_track, decision_kind="police"))
    with pytest.raises(ValueError, match="unknown activities"):
        dataclasses.replace(D.routing_rules[3], activities=frozenset({"juggling"}))
