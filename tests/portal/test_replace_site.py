"""The producer replaces a refused site from the status page."""

import datetime as dt

from permits.models import Application
from tests.factories import PASSWORD, LocationFactory
from tests.helpers import login, post_form
from tests.services.scenario import build_world
from tests.services.test_replace_refused_site import _refused


def test_the_status_page_offers_to_replace_and_the_form_does_it(client, db):
    world = build_world()
    application = _refused(world)
    replacement = LocationFactory(owner=world.owner_a, name_en="Shirvanshahs' Palace", max_crew=40)
    db.session.commit()
    login(client, "producer@example.test", PASSWORD)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"/applications/{application.id}/replace-site" in page

    url = f"/applications/{application.id}/replace-site"
    bad = post_form(client, url, {"location_id": replacement.id, "start_date": "2027-06-14", "end_date": "2027-06-15",
                                  "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "900", "vehicles": "0",
                                  "version": application.version})
    assert bad.status_code == 400 and "There is a problem" in bad.get_data(as_text=True)

    good = post_form(client, url, {"location_id": replacement.id, "start_date": "2027-06-14", "end_date": "2027-06-15",
                                   "daily_start": "08:00", "daily_end": "18:00", "crew_on_site": "12", "vehicles": "1",
                                   "version": application.version})
    assert good.status_code == 302
    db.session.rollback()  # end this session's read snapshot: the request wrote after it began
    refreshed = db.session.get(Application, application.id)
    assert refreshed.state == "in_review"
    assert any(b.location_id == replacement.id and b.start_date == dt.date(2027, 6, 14) for b in refreshed.bookings)


def test_another_company_cannot_replace(client, db):
    world = build_world()
    application = _refused(world)
    db.session.commit()
    login(client, "other@example.test", PASSWORD)
    assert client.get(f"/applications/{application.id}/replace-site").status_code == 404
