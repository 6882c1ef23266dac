"""Impact tiers, lead times, fees and quotes (Decimal, exact to the cent)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows import (
    ACTIVITIES,
    DEFINITION_V1,
    PRODUCTION_TYPES,
    ApplicationFacts,
    BookingFacts,
    BusinessCalendar,
    RequiredReview,
    Tier,
    base_fee,
    earliest_permit_date,
    impact_tier,
    impact_tier_for,
    latest_submission_date,
    lead_time_business_days,
    quote,
    required_reviews,
    shoot_days,
)

CAL = BusinessCalendar()
BAKU = ZoneInfo("Asia/Baku")


def test_constants():
    assert {
        "drone",
        "pyrotechnics",
        "prop_weapons",
        "road_closure",
        "animals",
        "set_construction",
        "night_work",
        "police_uniforms",
        "public_road_stunts",
        "open_flames",
    } == ACTIVITIES
    assert {
        "feature",
        "series",
        "documentary",
        "commercial",
        "music_video",
        "student",
        "stills",
    } == PRODUCTION_TYPES


@pytest.mark.parametrize(
    ("crew", "activities", "kw", "tier"),
    [
        (5, set(), {}, Tier.LOW),
        (15, set(), {}, Tier.LOW),
        (16, set(), {}, Tier.MEDIUM),
        (50, set(), {}, Tier.MEDIUM),
        (51, set(), {}, Tier.HIGH),
        (5, {"drone"}, {}, Tier.MEDIUM),
        (5, {"animals"}, {}, Tier.MEDIUM),
        (5, {"prop_weapons"}, {}, Tier.MEDIUM),
        (5, {"set_construction"}, {}, Tier.MEDIUM),
        (5, set(), {"night_work": True}, Tier.MEDIUM),
        (5, {"night_work"}, {}, Tier.MEDIUM),
        (5, {"pyrotechnics"}, {}, Tier.HIGH),
        (5, set(), {"road_closure": True}, Tier.HIGH),
        (5, {"drone", "road_closure"}, {}, Tier.HIGH),
        (5, set(), {"max_vehicles": 5}, Tier.LOW),
        (5, set(), {"max_vehicles": 6}, Tier.MEDIUM),
        (5, set(), {"max_vehicles": 16}, Tier.HIGH),
    ],
)
def test_impact_tier(crew, activities, kw, tier):
    assert impact_tier(crew, activities, **kw) is tier


def test_impact_tier_refuses_unknown_activities_and_negative_counts():
    with pytest.raises(ValueError, match="unknown activities"):
        impact_tier(3, {"juggling"})
    with pytest.raises(ValueError):
        impact_tier(-1)


def test_impact_tier_for_an_application_uses_the_largest_booking():
    facts = ApplicationFacts(
        "series",
        "AZ",
        bookings=(
            BookingFacts("a", "O1", crew=10, vehicles=2),
            BookingFacts("b", "O2", crew=20, vehicles=1, activities={"drone"}),
        ),
    )
    assert impact_tier_for(facts) is Tier.MEDIUM
    assert impact_tier_for(ApplicationFacts("stills", "AZ")) is Tier.LOW


def test_lead_times_and_base_fees():
    assert [lead_time_business_days(t) for t in Tier] == [3, 5, 10]
    assert [base_fee(t) for t in Tier] == [Decimal("50.00"), Decimal("150.00"), Decimal("400.00")]
    assert lead_time_business_days("high", DEFINITION_V1) == 10
    assert base_fee("medium", DEFINITION_V1) == Decimal("150.00")


def test_shoot_days_are_inclusive():
    assert shoot_days(date(2027, 5, 3), date(2027, 5, 3)) == 1
    assert shoot_days(date(2027, 5, 3), date(2027, 5, 7)) == 5
    assert shoot_days(date(2027, 2, 27), date(2027, 3, 1)) == 3
    with pytest.raises(ValueError):
        shoot_days(date(2027, 5, 3), date(2027, 5, 2))


def test_quote_is_exact():
    q = quote(
        Tier.MEDIUM,
        [
            (Decimal("120.10"), 3, "Icherisheher"),
            (Decimal("0.10"), 7, "Gobustan"),
            (Decimal("33.33"), 3, "Yanar Dag"),
        ],
    )
    assert q.tier is Tier.MEDIUM
    assert q.base_fee == Decimal("150.00")
    assert [line.amount for line in q.lines] == [Decimal("360.30"), Decimal("0.70"), Decimal("99.99")]
    assert q.site_fees == Decimal("460.99")
    assert q.total == Decimal("610.99")
    assert str(q.total) == "610.99"
    assert q.lines[0].site_name == "Icherisheher" and q.lines[0].shoot_days == 3


def test_quote_with_no_bookings_is_the_base_fee():
    q = quote("low", [])
    assert q.total == Decimal("50.00") and q.lines == ()


def test_quote_refuses_floats_and_bad_days():
    with pytest.raises(TypeError, match="float"):
        quote(Tier.LOW, [(120.1, 3, "x")])
    with pytest.raises(ValueError):
        quote(Tier.LOW, [(Decimal("1"), 0, "x")])
    with pytest.raises(ValueError):
        quote(Tier.LOW, [(Decimal("-1"), 1, "x")])


cents = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(list(Tier)), st.lists(st.tuples(cents, st.integers(1, 60)), max_size=6))
def test_quote_total_is_the_exact_sum(tier, rows):
    q = quote(tier, [(fee, days, f"site {i}") for i, (fee, days) in enumerate(rows)])
    expected = base_fee(tier) + sum((fee * days for fee, days in rows), Decimal(0))
    assert q.total == expected
    assert q.total.as_tuple().exponent == -2


def test_latest_submission_date():
    monday = date(2027, 4, 19)
    assert latest_submission_date(CAL, monday, Tier.LOW) == date(2027, 4, 14)
    assert latest_submission_date(CAL, monday, Tier.MEDIUM) == date(2027, 4, 12)
    assert latest_submission_date(CAL, monday, Tier.HIGH) == date(2027, 4, 5)
    # Novruz week 2027 does not count
    assert latest_submission_date(CAL, date(2027, 3, 31), Tier.LOW) == date(2027, 3, 19)


def test_earliest_permit_date_is_screening_plus_longest_parallel_plus_final():
    facts = ApplicationFacts("feature", "AZ", bookings=(BookingFacts("a", "O1"),))
    reviews = required_reviews(DEFINITION_V1, facts)
    submit = datetime(2027, 4, 16, 10, 0, tzinfo=BAKU)  # Friday
    # 2 + 5 + 2 = 9 business days = 81 hours from Friday 10:00: Thursday 29 April 10:00
    assert earliest_permit_date(CAL, submit, DEFINITION_V1, reviews) == date(2027, 4, 29)
    # without parallel reviews: 4 business days
    assert earliest_permit_date(CAL, submit, DEFINITION_V1, []) == date(2027, 4, 22)
    police_free = [RequiredReview("site_owner", "site_owner", "O1"), RequiredReview("tourism", "tourism")]
    assert earliest_permit_date(CAL, submit, DEFINITION_V1, police_free) == date(2027, 4, 29)
