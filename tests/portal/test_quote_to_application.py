"""The public quote (issue 19): names in the reader's language, validation
only when the form is sent, dates per site, owners named on their reviews,
and "Start an application" carrying the quote into a draft."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from permits.extensions import db as database
from permits.models import Application
from permits.services import applications
from permits.services.quotes import timeline_for
from tests.factories import PASSWORD
from tests.helpers import csrf_token, login
from tests.portal.conftest import future


def _two_site_quote(world, *, per_site: bool = True) -> dict:
    """Maiden Tower on three days, Yanar Dag on one day of its own (or on the same three)."""
    start = future(60)
    args = {
        "sites": [world.site_a.slug, world.site_b.slug],
        "start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=2)).isoformat(),
        "crew": "20", "vehicles": "2", "activities": ["drone"], "production_type": "documentary",
        "country_of_origin": "FR",
    }
    if per_site:
        own = (start + dt.timedelta(days=7)).isoformat()
        args[f"site-{world.site_b.slug}-start_date"] = own
        args[f"site-{world.site_b.slug}-end_date"] = own
    return args


def _quote_page(client, args, language="en") -> str:
    response = client.get("/sites/quote", query_string=args, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _fees_and_reviews(html: str) -> tuple[str, str]:
    """The text of the timeline's fees table and of its list of reviews."""
    fees = html[html.index('<table class="govuk-table">'):]
    reviews = html[html.index("app-review-list"):]
    return _text(fees[:fees.index("</table>")]), _text(reviews[:reviews.index("</ol>")])


def _start(client, args, language="en"):
    """Press "Start an application with this quote" on the quote page."""
    page = _quote_page(client, args, language)
    form = page[page.index('id="start-application"'):]
    form = form[:form.index("</form>")]
    fields = [(name, value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]
    fields = [(name, value.replace("&amp;", "&")) for name, value in fields]
    assert ("csrf_token", csrf_token(page)) in fields
    return client.post("/sites/quote/start", data=MultiDict(fields), headers={"Accept-Language": language})


# ----------------------------------------------------------------------------- item 1: names in the reader's language


@pytest.mark.parametrize("language", ["ru", "az"])
def test_the_quote_names_sites_and_owners_in_the_readers_language(client, world, language):
    page = _quote_page(client, _two_site_quote(world), language)
    fees, reviews = _fees_and_reviews(page)
    for site in (world.site_a, world.site_b):
        name = getattr(site, f"name_{language}")
        assert f"{name}: " in fees and name in reviews
        assert site.name_en not in _text(page)
    for owner in (world.owner_a, world.owner_b):
        assert getattr(owner, f"name_{language}") in reviews and owner.name_en not in _text(page)


@pytest.mark.parametrize("language", ["ru", "az"])
def test_the_drafts_fees_and_timeline_box_names_sites_in_the_readers_language(producer_client, world, language):
    start = future(60)
    world.producer.language = language  # a signed-in reader reads in the account's language
    app = applications.create_draft(world.producer)
    for site in (world.site_a, world.site_b):
        applications.add_booking(app, world.producer, site, start=start, end=start, crew_on_site=10)
    database.session.commit()
    page = producer_client.get(f"/applications/{app.id}", headers={"Accept-Language": language}).get_data(as_text=True)
    box = page[page.index('id="estimate-heading"'):]
    fees, reviews = _fees_and_reviews(box)
    for site in (world.site_a, world.site_b):
        # The fee line and the owner's review line both name the site in the reader's language.
        name = getattr(site, f"name_{language}")
        assert f"{name}: " in fees and name in reviews
        assert site.name_en not in _text(box)
    for owner in (world.owner_a, world.owner_b):
        assert getattr(owner, f"name_{language}") in reviews and owner.name_en not in _text(box)


def test_fee_lines_carry_the_site_not_a_name_frozen_in_english(world, app):
    start = future(60)
    draft = applications.create_draft(world.producer)
    applications.add_booking(draft, world.producer, world.site_a, start=start, end=start, crew_on_site=10)
    timeline = timeline_for(draft)
    [fee] = timeline.site_fees
    assert fee.location == world.site_a and fee.amount == world.site_a.fee_per_day
    with app.test_request_context(), force_locale("ru"):
        assert fee.site_name == world.site_a.name_ru
    with app.test_request_context(), force_locale("az"):
        assert fee.site_name == world.site_a.name_az
    # The quote's own lines hold the site's key, the invoice's "site:<id>".
    assert [line.site_name for line in timeline.quote.lines] == [str(world.site_a.id)]


# ----------------------------------------------------------------------------- item 11: validate only on submit


def test_a_quote_opened_from_a_site_page_shows_the_empty_form_without_errors(client, world):
    site_page = client.get(f"/sites/{world.site_a.slug}").get_data(as_text=True)
    link = re.search(r'href="(/sites/quote\?[^"]+)"', site_page).group(1).replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    assert "There is a problem" not in page and "govuk-error-message" not in page
    assert "Enter the first shoot day." not in page
    # The site is preselected.
    assert re.search(rf'value="{world.site_a.slug}" checked', page)
    # Sent without dates, the form says what is missing.
    page = client.get(link + "&start_date=&end_date=&crew=").get_data(as_text=True)
    assert "There is a problem" in page and "Enter the first shoot day." in page


# ----------------------------------------------------------------------------- item 12: dates per site


def test_a_quote_with_dates_per_site_gives_the_same_total_as_the_draft_with_those_bookings(client, world, db):
    args = _two_site_quote(world)
    text = _text(_quote_page(client, args))
    start = dt.date.fromisoformat(args["start_date"])
    own = start + dt.timedelta(days=7)
    # Maiden Tower three days, Yanar Dag one: not six site-days.
    expected_fees = 3 * world.site_a.fee_per_day + 1 * world.site_b.fee_per_day
    draft = applications.create_draft(world.producer, activities=["drone"], production_type="documentary",
                                      country_of_origin="FR")
    applications.add_booking(draft, world.producer, world.site_a, start=start, end=start + dt.timedelta(days=2),
                             crew_on_site=20, vehicles=2)
    applications.add_booking(draft, world.producer, world.site_b, start=own, end=own, crew_on_site=20, vehicles=2)
    total = timeline_for(draft).quote.total
    assert total == timeline_for(draft).quote.base_fee + expected_fees
    assert f"{total:,.2f}" in text
    assert "× 3 days" in text and "× 1 day" in text
    # Without the override, both sites are on the common three days: a bigger total.
    same = _text(_quote_page(client, _two_site_quote(world, per_site=False)))
    assert f"{total:,.2f}" not in same


def test_a_site_with_only_one_day_of_its_own_is_told_to_give_both(client, world):
    args = _two_site_quote(world)
    del args[f"site-{world.site_b.slug}-end_date"]
    text = _text(_quote_page(client, args))
    assert "There is a problem" in text
    assert f"{world.site_b.name_en}: Enter both days, or leave both empty to use the dates above." in text


def test_every_site_on_its_own_dates_needs_no_common_dates(client, world):
    args = _two_site_quote(world)
    day = args["start_date"]
    args.update({"start_date": "", "end_date": "",
                 f"site-{world.site_a.slug}-start_date": day, f"site-{world.site_a.slug}-end_date": day})
    page = _quote_page(client, args)
    assert "There is a problem" not in page and 'id="quote-total"' in page


# ----------------------------------------------------------------------------- item 12: start an application


def _the_draft(world) -> Application:
    database.session.rollback()  # a fresh read: the request wrote in its own session
    return database.session.execute(
        select(Application).where(Application.company_id == world.producer.company.id)
    ).scalar_one()


def _assert_draft_is_the_quote(world, draft: Application, args: dict):
    start = dt.date.fromisoformat(args["start_date"])
    own = start + dt.timedelta(days=7)
    assert draft.state == "draft"
    assert draft.activities == ["drone"] and draft.crew_total == 20
    assert draft.production_type == "documentary" and draft.country_of_origin == "FR"
    bookings = {b.location_id: b for b in draft.bookings}
    assert set(bookings) == {world.site_a.id, world.site_b.id}
    a, b = bookings[world.site_a.id], bookings[world.site_b.id]
    assert (a.start_date, a.end_date, a.crew_on_site, a.vehicles) == (start, start + dt.timedelta(days=2), 20, 2)
    assert (b.start_date, b.end_date, b.crew_on_site, b.vehicles) == (own, own, 20, 2)
    the_quote = timeline_for(draft).quote
    assert the_quote.total == the_quote.base_fee + 3 * world.site_a.fee_per_day + world.site_b.fee_per_day


def test_a_producer_starts_a_draft_with_the_quotes_sites_dates_crew_and_activities(producer_client, world):
    args = _two_site_quote(world)
    response = _start(producer_client, args)
    assert response.status_code == 302
    draft = _the_draft(world)
    assert response.headers["Location"].endswith(f"/applications/{draft.id}")
    _assert_draft_is_the_quote(world, draft, args)
    # The task list shows the same total as the quote did.
    page = _text(producer_client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"{timeline_for(draft).quote.total:,.2f}" in page
    assert f"{timeline_for(draft).quote.total:,.2f}" in _text(_quote_page(producer_client, args))


def test_a_visitor_signs_in_and_still_ends_with_the_draft(client, world):
    args = _two_site_quote(world)
    response = _start(client, args)
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/auth/login"
    assert database.session.execute(select(Application)).first() is None
    # Signing in comes back to the same quote, with the button to start.
    next_url = dict(parse_qsl(urlsplit(login_url).query))["next"]
    assert next_url.startswith("/sites/quote?")
    page = client.get(login_url)
    signed_in = client.post(login_url, data={"email": world.producer.email, "password": PASSWORD,
                                             "csrf_token": csrf_token(page.data)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == next_url
    back = client.get(next_url).get_data(as_text=True)
    assert "You are signed in. Check the quote, then start your application with it." in back
    database.session.rollback()
    response = _start(client, dict(parse_qsl(urlsplit(next_url).query, keep_blank_values=True)) | {
        "sites": args["sites"], "activities": args["activities"]})
    assert response.status_code == 302
    _assert_draft_is_the_quote(world, _the_draft(world), args)


def test_a_visitor_who_registers_comes_back_to_the_quote(client, world, mailbox):
    from tests.test_auth import _confirmation_link

    args = _two_site_quote(world)
    login_url = _start(client, args).headers["Location"]
    next_url = dict(parse_qsl(urlsplit(login_url).query))["next"]
    login_page = client.get(login_url).get_data(as_text=True)
    register_url = re.search(r'href="(/auth/register\?next=[^"]+)"', login_page).group(1).replace("&amp;", "&")
    page = client.get(register_url)
    data = {"name": "Leyla Məmmədova", "email": "Leyla@Example.az", "phone": "+994 50 000 00 00", "language": "en",
            "legal_name": "Xəzər Films MMC", "country": "AZ", "registration_number": "1234567",
            "password": "bir iki üç dörd beş altı", "confirm": "bir iki üç dörd beş altı"}
    sent = client.post(register_url, data={"csrf_token": csrf_token(page.data), **data})
    assert sent.status_code == 200 and "Check your e-mail" in sent.get_data(as_text=True), _text(sent.get_data(as_text=True))[:3000]
    database.session.rollback()  # a fresh read: the request wrote in its own session
    link = _confirmation_link(mailbox, "Leyla@Example.az")
    confirm = client.get(link)
    response = client.post(link, data={"csrf_token": csrf_token(confirm.data)})
    assert response.status_code == 302 and response.headers["Location"] == next_url


def test_staff_cannot_start_an_application_and_are_told_why(client, world):
    login(client, world.tourism_reviewer.email, PASSWORD)
    database.session.rollback()
    args = _two_site_quote(world)
    page = _text(_quote_page(client, args))
    assert "Only producers acting for a company can start an application." in page
    assert 'id="start-application"' not in page
    response = client.post("/sites/quote/start", data={"csrf_token": csrf_token(client.get("/sites/quote").data), **args})
    assert response.status_code == 403
    assert "Only producers acting for a company can start an application." in response.get_data(as_text=True)
    assert database.session.execute(select(Application)).first() is None


def test_starting_needs_the_csrf_token(producer_client, world):
    response = producer_client.post("/sites/quote/start", data=_two_site_quote(world))
    assert response.status_code == 400
    assert database.session.execute(select(Application)).first() is None
