"""Times of day are 24-hour text boxes (permits.fields.TimeOfDayField), the
same in every browser: an en-US browser's <input type="time"> showed 19:00 as
"07:00" in a narrow box. The server reads what people type and says on the
field when it cannot."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from permits.extensions import db as database
from permits.fields import TIME_PATTERN, TimeOfDayField, parse_time_of_day
from permits.models import Application, Booking
from tests.helpers import post_form
from tests.portal.conftest import future


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("19:00", dt.time(19)), ("07:05", dt.time(7, 5)), ("7:05", dt.time(7, 5)), ("19.30", dt.time(19, 30)),
        ("19h30", dt.time(19, 30)), ("1930", dt.time(19, 30)), ("930", dt.time(9, 30)), ("9", dt.time(9)),
        ("00:00", dt.time(0)), ("23:59", dt.time(23, 59)), (" 08:00 ", dt.time(8)),
        ("7 pm", dt.time(19)), ("7:30 PM", dt.time(19, 30)), ("12 am", dt.time(0)), ("12:15 p.m.", dt.time(12, 15)),
        ("11am", dt.time(11)),
    ],
)
def test_the_ways_people_write_a_time_are_read(typed, time):
    assert parse_time_of_day(typed) == time
    # The browser's hint (pattern) accepts what the server accepts.
    assert re.fullmatch(TIME_PATTERN, typed)


@pytest.mark.parametrize("typed", ["24:00", "19:60", "7:5", "noon", "19:00:00x", "13 pm", "0 am", "", "-1", "19::00"])
def test_what_is_not_a_time_is_refused(typed):
    assert parse_time_of_day(typed) is None


def test_every_time_of_day_in_the_app_is_a_24_hour_text_box():
    from wtforms import TimeField

    from tests.test_forms import _all_forms

    for form in _all_forms():
        for name in dir(form):
            unbound = getattr(form, name)
            field_class = getattr(unbound, "field_class", None)
            assert not (field_class and issubclass(field_class, TimeField)), (
                f"{form.__qualname__}.{name}: use permits.fields.TimeOfDayField (24-hour text), not TimeField")


def test_the_box_shows_the_time_as_typed_on_the_24_hour_clock(app):
    from permits.forms import BaseForm

    class Form(BaseForm):
        start = TimeOfDayField("Daily start")

    with app.test_request_context():
        form = Form(meta={"csrf": False}, data={"start": dt.time(20)})
        html = str(form.start(class_="govuk-input"))
    assert 'type="text"' in html and 'value="20:00"' in html and "pattern=" in html
    assert form.start.description  # the 24-hour hint under the label


def _draft(client, db) -> Application:
    post_form(client, "/applications/new", {}, page_url="/applications/")
    db.session.rollback()
    return db.session.query(Application).order_by(Application.id.desc()).first()


def test_a_booking_takes_times_as_people_type_them(producer_client, world, db):
    application = _draft(producer_client, db)
    url = f"/applications/{application.id}/sites/add"
    page = producer_client.get(url).get_data(as_text=True)
    # The form offers 08:00 to 20:00 as 24-hour text.
    assert re.search(r'<input[^>]*name="daily_end"[^>]*type="text"[^>]*value="20:00"', page) or \
        re.search(r'<input[^>]*type="text"[^>]*name="daily_end"[^>]*value="20:00"', page), page
    assert "24-hour clock" in page
    response = post_form(producer_client, url, {
        "location_id": str(world.site_a.id), "start_date": future().isoformat(), "end_date": future().isoformat(),
        "daily_start": "7", "daily_end": "7 pm", "crew_on_site": "5", "vehicles": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    database.session.rollback()
    booking = db.session.query(Booking).filter_by(application_id=application.id).one()
    assert (booking.daily_start, booking.daily_end) == (dt.time(7), dt.time(19))


def test_a_time_that_is_not_one_is_named_on_its_field(producer_client, world, db):
    application = _draft(producer_client, db)
    response = post_form(producer_client, f"/applications/{application.id}/sites/add", {
        "location_id": str(world.site_a.id), "start_date": future().isoformat(), "end_date": future().isoformat(),
        "daily_start": "08:00", "daily_end": "half past seven", "crew_on_site": "5", "vehicles": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Daily end: enter a time on the 24-hour clock, for example 08:00 or 19:30." in page
    assert 'value="half past seven"' in page  # what was typed stays in the box
    assert 'href="#daily_end"' in page  # the error summary links to the field
