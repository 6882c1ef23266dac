"""Shoot dates are bounded by the process definition: at most two years
ahead, one booking at most 90 days. A booking to the year 9999 gets a plain
message (it was accepted with a fee of 436,799,450 manat)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from permits.services import applications
from tests.factories import PASSWORD
from tests.helpers import csrf_token, login
from workflows import DEFINITION_V1, current_definition
from workflows.definition import ProcessDefinition

TODAY = dt.date(2027, 3, 1)  # a Monday in Baku
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
FAR = "Shoot dates can be at most 730 days ahead, until 28 Feb 2029."
LONG = "One booking can last at most 90 days."


def test_the_bounds_are_part_of_the_definition():
    definition = current_definition()
    assert (definition.booking_horizon_days, definition.max_booking_days) == (730, 90)
    with pytest.raises(ValueError, match="at least a day"):
        ProcessDefinition(**{**DEFINITION_V1.__dict__, "max_booking_days": 0})
    with pytest.raises(ValueError, match="within the horizon"):
        ProcessDefinition(**{**DEFINITION_V1.__dict__, "max_booking_days": 800})


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(9999, 12, 30), dt.date(9999, 12, 31), FAR),
        (TODAY + dt.timedelta(days=130), dt.date(9999, 12, 31), FAR),
        (dt.date(2029, 2, 20), dt.date(2029, 3, 1), FAR),
        (dt.date(2027, 4, 1), dt.date(2027, 9, 1), LONG),
        (dt.date(2027, 4, 1), dt.date(2027, 6, 29), None),  # 90 days
        (dt.date(2029, 2, 27), dt.date(2029, 2, 28), None),  # the last day allowed
    ],
)
def test_shoot_dates_within_the_bounds(db, start, end, message):
    problems = applications.shoot_date_problems(start, end, today=TODAY)
    if message is None:
        assert problems == []
    else:
        assert [field for field, _ in problems] == ["end_date"]
        assert message in problems[0][1]


def test_a_booking_to_the_year_9999_is_refused_with_a_plain_message(client, world, db):
    draft = applications.create_draft(world.producer)
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        producer_client = client
        login(client, world.producer.email, PASSWORD)
        page = producer_client.get(f"/applications/{draft.id}/sites/add")
        response = producer_client.post(f"/applications/{draft.id}/sites/add", data={
            "csrf_token": csrf_token(page.data), "location_id": str(world.site_a.id), "start_date": "9999-12-30",
            "end_date": "9999-12-31", "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "5", "vehicles": "0"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert FAR in body and 'href="#end_date"' in body
    db.session.refresh(draft)
    assert draft.bookings == []


def test_the_quote_of_a_booking_to_the_year_9999_shows_the_bound_not_a_fee(client, world, db):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/sites/quote", query_string={
            "sites": world.site_a.slug, "start_date": (TODAY + dt.timedelta(days=130)).isoformat(),
            "end_date": "9999-12-31", "crew": "5"}, headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert FAR in body
    assert "436" not in body.replace("4360", "")  # no fee of hundreds of millions
    with time_machine.travel(NOW, tick=False):
        response = client.get("/sites/quote", query_string={
            "sites": world.site_a.slug, "start_date": "2027-04-01", "end_date": "2027-12-01", "crew": "5"},
            headers={"Accept-Language": "en"})
    assert LONG in response.get_data(as_text=True)
