"""Removing a site from a draft asks first (it happened at once, with no
confirmation or undo)."""

from __future__ import annotations

from permits.models import Booking
from tests.helpers import csrf_token
from tests.portal.conftest import complete_draft


def test_removing_a_site_asks_first_and_then_removes_it(producer_client, world, db):
    application = complete_draft(world)
    booking = application.bookings[0]
    booking_id, name = booking.id, booking.location.name
    sites_url = f"/applications/{application.id}/sites"
    remove_url = f"{sites_url}/{booking_id}/remove"
    page = producer_client.get(sites_url).get_data(as_text=True)
    assert f'href="{remove_url}"' in page  # a link to the question, not a button that removes

    question = producer_client.get(remove_url)
    html = question.get_data(as_text=True)
    assert question.status_code == 200
    assert f"Remove {name} from your application?" in html and "Yes, remove this site" in html
    assert f'href="{sites_url}"' in html  # "No, keep it"
    db.session.rollback()
    assert db.session.get(Booking, booking_id) is not None

    # A POST without the answer (an old page, a double click elsewhere) only asks.
    response = producer_client.post(remove_url, data={"csrf_token": csrf_token(question.data)})
    assert response.status_code == 200 and "Yes, remove this site" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Booking, booking_id) is not None

    # Without the CSRF token: refused.
    assert producer_client.post(remove_url, data={"confirm": "yes"}).status_code == 400

    response = producer_client.post(remove_url, data={"csrf_token": csrf_token(question.data), "confirm": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith(sites_url)
    db.session.rollback()
    assert db.session.get(Booking, booking_id) is None
    assert f"{name} removed from your application." in producer_client.get(sites_url).get_data(as_text=True)
