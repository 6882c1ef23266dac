"""The public catalogue, the site page with its calendar, the illustration and the quote."""

import datetime as dt

from permits.extensions import db as database
from permits.models import Application, LocationBlackout
from permits.services import applications
from tests.factories import PASSWORD, LocationFactory
from tests.helpers import login, post_form
from tests.portal.conftest import future
from tests.services.scenario import submitted


def test_catalogue_lists_published_sites_with_filters(client, world, db):
    LocationFactory(owner=world.owner_a, name_en="Hidden", published=False)
    LocationFactory(owner=world.owner_a, name_en="Shahdag Slopes", region="guba_khachmaz", category="nature", max_crew=200)
    db.session.commit()
    page = client.get("/sites/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Maiden Tower" in page and "Yanar Dag" in page and "Hidden" not in page
    assert "illustration.svg" in page and "Illustration of Maiden Tower" in page
    only_heritage = client.get("/sites/?heritage=y").get_data(as_text=True)
    assert "Maiden Tower" in only_heritage and "Yanar Dag" not in only_heritage
    big = client.get("/sites/?crew=100").get_data(as_text=True)
    assert "Shahdag Slopes" in big and "Maiden Tower" not in big
    by_region = client.get("/sites/?region=guba_khachmaz").get_data(as_text=True)
    assert "Shahdag Slopes" in by_region and "Yanar Dag" not in by_region
    searched = client.get("/sites/?q=yanar").get_data(as_text=True)
    assert "Yanar Dag" in searched and "Maiden Tower" not in searched


def test_free_on_dates_leaves_out_held_and_closed_sites(client, world, db):
    submitted(world, sites=[world.site_a], start=future(), days=3, crew=10, now=None)
    database.session.add(LocationBlackout(location_id=world.site_b.id, start_date=future(), end_date=future(46), reason="Works"))
    database.session.commit()
    start = future().isoformat()
    page = client.get(f"/sites/?start_date={start}&end_date={start}").get_data(as_text=True)
    assert "Maiden Tower" not in page and "Yanar Dag" not in page
    later = future(100).isoformat()
    page = client.get(f"/sites/?start_date={later}&end_date={later}").get_data(as_text=True)
    assert "Maiden Tower" in page and "Yanar Dag" in page


def test_bad_filter_input_shows_an_error_not_a_500(client, world):
    response = client.get("/sites/?crew=-4&start_date=2027-05-10&end_date=2027-05-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "on or after the first day" in page


def test_site_page_shows_facts_rules_and_an_anonymous_calendar(client, world, db):
    start = future()
    application = submitted(world, sites=[world.site_a], start=start, days=2, crew=10, now=None)
    database.session.add(LocationBlackout(location_id=world.site_a.id, start_date=start + dt.timedelta(days=5),
                                          end_date=start + dt.timedelta(days=5), reason="Festival"))
    world.site_a.rules_en = "No drones.\nNo noise after 23:00."
    database.session.commit()
    month = start.strftime("%Y-%m")
    page = client.get(f"/sites/{world.site_a.slug}?month={month}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No drones." in page and "No noise after 23:00." in page
    assert world.owner_a.name_en in page
    assert "app-calendar__day--hold" in page
    assert "Pencil hold" in page
    assert application.title not in page and "Lumière" not in page  # nobody else is named
    assert "Add to my application" in page
    # Month navigation by query string
    assert f"month={(start.replace(day=1) + dt.timedelta(days=32)).strftime('%Y-%m')}" in page


def test_unknown_or_hidden_sites_are_404(client, world, db):
    hidden = LocationFactory(owner=world.owner_a, published=False)
    db.session.commit()
    assert client.get("/sites/nowhere").status_code == 404
    assert client.get(f"/sites/{hidden.slug}").status_code == 404


def test_illustration_is_an_svg_without_text(client, world):
    response = client.get(f"/sites/{world.site_a.slug}/illustration.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and "<text" not in svg and "<script" not in svg


def test_add_to_my_application_sends_anonymous_users_to_sign_in(client, world):
    response = post_form(client, f"/sites/{world.site_a.slug}/add", {}, page_url=f"/sites/{world.site_a.slug}")
    assert response.status_code == 302
    assert "/auth/login" in response.location and "next=" in response.location


def test_add_to_my_application_opens_the_booking_form_for_the_newest_draft(client, world, db):
    login(client, world.producer.email, PASSWORD)
    response = post_form(client, f"/sites/{world.site_a.slug}/add", {}, page_url=f"/sites/{world.site_a.slug}")
    assert response.status_code == 302
    db.session.rollback()  # a fresh snapshot: the request committed in its own session
    draft = db.session.query(Application).one()
    assert response.location.endswith(f"/applications/{draft.id}/sites/add?site={world.site_a.slug}")
    form = client.get(response.location).get_data(as_text=True)
    assert f'<option selected value="{world.site_a.id}">' in form
    # A second site goes into the same draft.
    post_form(client, f"/sites/{world.site_b.slug}/add", {}, page_url=f"/sites/{world.site_b.slug}")
    db.session.rollback()
    assert db.session.query(Application).count() == 1


def test_reviewers_cannot_add_sites_to_applications(client, world):
    login(client, world.tourism_reviewer.email, PASSWORD)
    response = post_form(client, f"/sites/{world.site_a.slug}/add", {}, page_url=f"/sites/{world.site_a.slug}")
    assert response.status_code == 403


def test_quote_shows_tier_fees_reviews_and_dates(client, world, db):
    start = future(60)
    args = {
        "sites": [world.site_a.slug, world.site_b.slug], "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=2)).isoformat(), "crew": "20", "activities": ["drone"],
        "production_type": "feature", "country_of_origin": "FR",
    }
    page = client.get("/sites/quote", query_string=args, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Medium impact" in page
    # base 150 + 3 days x 200 x 2 sites
    assert "1,350.00" in page
    assert "Screening by the film commission" in page and "Tourism agency" in page
    assert world.owner_a.name_en in page and world.owner_b.name_en in page
    assert "Latest day to submit" in page and "Earliest realistic permit date" in page
    # Same numbers as the application with these bookings
    app = applications.create_draft(world.producer, activities=["drone"])
    app.country_of_origin = "FR"
    for site in (world.site_a, world.site_b):
        applications.add_booking(app, world.producer, site, start=start, end=start + dt.timedelta(days=2), crew_on_site=20)
    from permits.services.quotes import timeline_for

    assert str(timeline_for(app).quote.total) == "1350.00"


def test_quote_with_missing_input_shows_errors(client, world):
    response = client.get("/sites/quote?crew=")
    page = response.get_data(as_text=True)
    assert "Choose at least one filming site." in page and "Enter the first shoot day." in page


def test_quote_warns_of_blackouts_and_conflicts(client, world, db):
    start = future()
    submitted(world, sites=[world.site_b], start=start, days=2, crew=10, now=None)
    database.session.add(LocationBlackout(location_id=world.site_a.id, start_date=start, end_date=start, reason="Works"))
    database.session.commit()
    args = {"sites": [world.site_a.slug, world.site_b.slug], "start_date": start.isoformat(),
            "end_date": start.isoformat(), "crew": "5"}
    page = client.get("/sites/quote", query_string=args, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "closed to filming" in page
    assert "already held or booked by another production" in page


def test_the_quote_says_when_the_fast_track_applies_and_why_not(client, world, db):
    """Up front, before applying: a simple local shoot at a site under standing
    consent gets one commission decision within a business day; otherwise
    the quote names what stands in the way."""
    site = world.site_b
    site.standing_consent = True
    db.session.commit()
    start = future(30)
    args = {"sites": [site.slug], "start_date": start.isoformat(), "end_date": start.isoformat(), "crew": "8",
            "production_type": "commercial", "country_of_origin": "AZ"}
    page = client.get("/sites/quote", query_string=args, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Fast track" in page and "Applies" in page
    assert "Fast-track decision of the film commission" in page and "1 business day" in page
    assert "approved at once under the owner's standing consent" in page
    assert "Screening by the film commission" not in page

    # The heritage site has no standing consent, and a drone needs civil aviation.
    args.update({"sites": [world.site_a.slug], "activities": ["drone"]})
    page = client.get("/sites/quote", query_string=args, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Does not apply" in page
    assert f"{world.site_a.name_en} has no standing consent from its owner." in page
    assert "Civil aviation review is needed for: Drone." in page
    # In the reader's language.
    page = client.get("/sites/quote", query_string=args, headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Ускоренный порядок" in page and "Не применяется" in page


def test_an_owner_sets_standing_consent_and_a_change_of_rules_is_a_new_version(client, world, db):
    from tests.factories import PASSWORD
    from tests.helpers import login

    site = world.site_a
    login(client, world.owner_a_supervisor.email, PASSWORD)
    form = {"rules_az": "Qayda", "rules_en": "A rule", "rules_ru": "Правило", "fee_per_day": "200.00",
            "max_crew": "40", "yearly_cap_days": "", "standing_consent": "y",
            "filming_hours_start": "08:00", "filming_hours_end": "20:00"}
    response = post_form(client, f"/review/sites/{site.slug}/settings", form, page_url=f"/review/sites/{site.slug}/calendar")
    assert response.status_code == 302 and response.location.endswith(f"/review/sites/{site.slug}/calendar"), response.location
    db.session.rollback()  # end the test's read snapshot: the request committed on its own session
    db.session.refresh(site)
    assert site.standing_consent and site.filming_hours_start == dt.time(8) and site.rules_version == 2
    # Hours that end before they start: a clear message, nothing saved.
    form.update({"filming_hours_start": "20:00", "filming_hours_end": "08:00"})
    response = post_form(client, f"/review/sites/{site.slug}/settings", form, page_url=f"/review/sites/{site.slug}/calendar")
    assert response.status_code == 400 and "The filming hours must end after they start." in response.get_data(as_text=True)
    db.session.rollback()
    db.session.refresh(site)
    assert site.filming_hours_end == dt.time(20) and site.rules_version == 2
