"""The reader's language: how it is chosen, and dates and money written as
that language writes them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from permits.extensions import db
from permits.models import LocationBlackout, User
from tests import clock
from tests.factories import PASSWORD, LocationFactory, ProducerFactory
from tests.helpers import csrf_token, login

NBSP = re.compile(r"[\u00a0\u202f]")


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z]+)"', html)
    assert match, "no <html lang>"
    return match.group(1)


def _text(response) -> str:
    return NBSP.sub(" ", response.get_data(as_text=True))


@pytest.fixture
def site(app):
    """A site at 1 234 AZN a day, closed for three days next June."""
    with app.app_context():
        year = clock.today().year + 1
        location = LocationFactory(slug="fees", fee_per_day=Decimal("1234.00"), name_en="Maiden Tower",
                                   name_az="Qız qalası", name_ru="Девичья башня")
        db.session.flush()
        db.session.add(LocationBlackout(location_id=location.id, start_date=dt.date(year, 6, 7),
                                        end_date=dt.date(year, 6, 9), reason="Festival"))
        db.session.commit()
        return {"url": "/sites/fees", "year": year}


@pytest.mark.parametrize(
    ("language", "money", "date", "words"),
    [
        ("az", "1.234,00 ₼", "7 iyn {year}", "Qız qalası"),
        ("en", "AZN1,234.00", "7 Jun {year}", "Maiden Tower"),
        ("ru", "1 234,00 AZN", "7 июн. {year}", "Девичья башня"),
    ],
)
def test_money_and_dates_are_written_in_the_readers_language(client, site, language, money, date, words):
    response = client.get(site["url"], headers={"Accept-Language": language})
    assert response.status_code == 200
    html = _text(response)
    assert _lang(html) == language
    assert money in html, f"{money!r} not on the {language} page"
    assert date.format(year=site["year"]) in html, f"{date!r} not on the {language} page"
    assert words in html


def test_anonymous_reader_gets_the_browsers_language(client, site):
    html = client.get(site["url"], headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert _lang(html) == "ru"
    assert "Девичья башня" in html
    # Nothing the service speaks: the default language.
    html = client.get(site["url"], headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _lang(html) == client.application.config["BABEL_DEFAULT_LOCALE"]


def test_a_users_preference_wins_over_the_browser_and_the_switcher_changes_only_the_pages(app, client, site):
    with app.app_context():
        user = ProducerFactory(email="pref@example.test", language="az")
        db.session.commit()
        user_id = user.id
    russian = {"Accept-Language": "ru"}
    assert login(client, "pref@example.test", PASSWORD).status_code == 302
    html = client.get(site["url"], headers=russian).get_data(as_text=True)
    assert _lang(html) == "az", "the user's preference must win over Accept-Language"

    # The switcher changes the pages, not the language of the e-mails, and says so.
    page = client.get(site["url"], headers=russian)
    response = client.post("/language", data={"language": "en", "next": site["url"], "csrf_token": csrf_token(page.data)},
                           headers=russian)
    assert response.status_code == 302 and response.headers["Location"].endswith(site["url"])
    html = client.get(site["url"], headers=russian).get_data(as_text=True)
    assert _lang(html) == "en"
    assert "These pages are now in English. Your e-mails stay in Azərbaycanca." in html
    assert '<a class="govuk-notification-banner__link" href="/account/">' in html
    with app.app_context():
        assert db.session.get(User, user_id).language == "az"
    # Back to the account's own language: nothing to say.
    page = client.get(site["url"], headers=russian)
    client.post("/language", data={"language": "az", "next": site["url"], "csrf_token": csrf_token(page.data)})
    html = client.get(site["url"]).get_data(as_text=True)
    assert _lang(html) == "az" and "govuk-notification-banner__link" not in html

    # Saving the account's language applies it to the pages as well.
    page = client.get("/account/")
    client.post("/account/", data={"csrf_token": csrf_token(page.data), "name": "Pref", "language": "ru"})
    assert _lang(client.get(site["url"]).get_data(as_text=True)) == "ru"
    with app.app_context():
        assert db.session.get(User, user_id).language == "ru"

    # Signing out clears the session: the browser's language applies again.
    page = client.get(site["url"], headers=russian)
    client.post("/auth/logout", data={"csrf_token": csrf_token(page.data)})
    assert _lang(client.get(site["url"], headers={"Accept-Language": "en"}).get_data(as_text=True)) == "en"


def test_an_anonymous_switch_says_nothing_about_e_mails(client, site):
    page = client.get(site["url"])
    client.post("/language", data={"language": "ru", "next": site["url"], "csrf_token": csrf_token(page.data)})
    html = client.get(site["url"]).get_data(as_text=True)
    assert _lang(html) == "ru" and "govuk-notification-banner__link" not in html


def test_anonymous_switcher_choice_wins_over_the_browser(client, site):
    russian = {"Accept-Language": "ru"}
    page = client.get(site["url"], headers=russian)
    assert _lang(page.get_data(as_text=True)) == "ru"
    client.post("/language", data={"language": "az", "next": site["url"], "csrf_token": csrf_token(page.data)},
                headers=russian)
    html = client.get(site["url"], headers=russian).get_data(as_text=True)
    assert _lang(html) == "az"
    assert "Qız qalası" in html
    # An unknown language is refused, not stored.
    page = client.get(site["url"], headers=russian)
    assert client.post("/language", data={"language": "xx", "csrf_token": csrf_token(page.data)}).status_code == 400
