"""Site owners' tools: rules and limits, closures, the calendar."""

import datetime as dt
from decimal import Decimal

from permits.extensions import db
from permits.models import Location
from tests.helpers import csrf_token
from tests.review.conftest import make_application


def _post(client, url, data, page_url):
    page = client.get(page_url)
    return client.post(url, data={"csrf_token": csrf_token(page.data), **data})


def test_a_supervisor_sets_rules_fee_crew_and_cap(world, signed_in, client):
    signed_in(world.owner_a_supervisor)
    page = f"/review/sites/{world.site_a.slug}/calendar"
    response = _post(client, f"/review/sites/{world.site_a.slug}/settings",
                     {"rules_en": "No drones\nNo food", "rules_az": "Dron yoxdur", "rules_ru": "Без дронов", "fee_per_day": "150.50",
                      "max_crew": "25", "yearly_cap_days": "60"}, page)
    assert response.status_code == 302
    db.session.rollback()
    site = db.session.get(Location, world.site_a.id)
    assert site.fee_per_day == Decimal("150.50") and site.max_crew == 25 and site.yearly_cap_days == 60
    assert site.translated("rules", "en") == "No drones\nNo food"


def test_bad_site_settings_are_answered_next_to_the_field(world, signed_in, client):
    signed_in(world.owner_a_supervisor)
    page = f"/review/sites/{world.site_a.slug}/calendar"
    for data, message in (
        ({"fee_per_day": "-5", "max_crew": "10"}, "The fee cannot be negative."),
        ({"fee_per_day": "abc", "max_crew": "10"}, "Enter the fee as a number"),
        ({"fee_per_day": "10", "max_crew": "0"}, "Enter a number between 1 and 5,000."),
        ({"fee_per_day": "10", "max_crew": "10", "yearly_cap_days": "400"}, "between 1 and 366"),
    ):
        response = _post(client, f"/review/sites/{world.site_a.slug}/settings", data, page)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, data
        assert "There is a problem" in html and message in html, (data, message)
    db.session.rollback()
    assert db.session.get(Location, world.site_a.id).fee_per_day == Decimal("200.00")


def test_blackouts_are_added_shown_and_removed(world, signed_in, client):
    signed_in(world.owner_a_supervisor)
    page = f"/review/sites/{world.site_a.slug}/calendar"
    bad = _post(client, f"/review/sites/{world.site_a.slug}/blackouts", {"start_date": "2027-05-10", "end_date": "2027-05-01"}, page)
    assert bad.status_code == 400 and "on or after the first" in bad.get_data(as_text=True)
    bad = _post(client, f"/review/sites/{world.site_a.slug}/blackouts", {"start_date": "", "end_date": "2027-05-01"}, page)
    assert bad.status_code == 400 and "Enter the first closed day" in bad.get_data(as_text=True)
    ok = _post(client, f"/review/sites/{world.site_a.slug}/blackouts", {"start_date": "2027-05-01", "end_date": "2027-05-03", "reason": "Novruz festival"}, page)
    assert ok.status_code == 302
    html = client.get(page + "?month=2027-05").get_data(as_text=True)
    assert "app-calendar__day--blackout" in html and "Novruz festival" in html
    db.session.rollback()
    [blackout] = db.session.get(Location, world.site_a.id).blackouts
    removed = _post(client, f"/review/sites/{world.site_a.slug}/blackouts/{blackout.id}/delete", {}, page)
    assert removed.status_code == 302
    db.session.rollback()
    assert db.session.get(Location, world.site_a.id).blackouts == []


def test_the_calendar_shows_approved_shoots_and_holds(world, signed_in, client):
    make_application(world, title="Approved one", state="approved", start=dt.date(2027, 6, 7), days=2)
    make_application(world, title="Held one", state="in_review", start=dt.date(2027, 6, 14), days=1)
    db.session.commit()
    signed_in(world.owner_a_reviewer)
    html = client.get(f"/review/sites/{world.site_a.slug}/calendar?month=2027-06").get_data(as_text=True)
    assert html.count("app-calendar__day--approved") >= 3  # two days + the legend swatch
    assert html.count("app-calendar__day--hold") >= 2
