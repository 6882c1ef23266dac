"""Countries are ISO 3166-1, named and sorted in the reader's language, on
registration, the production and the quote: the list had "Pseudo-Accents",
"Pseudo-Bidi", Diego Garcia and Clipperton Island, and the production's
country of origin was a free two-letter box."""

from __future__ import annotations

import re

import pycountry
import pytest

from permits.countries import ISO_CODES, collation_key, country_choices, country_name
from permits.models import Application
from permits.services import ServiceError
from permits.services import applications as drafts
from tests.helpers import post_form


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)


@pytest.mark.parametrize(("language", "france", "azerbaijan"), [
    ("en", "France", "Azerbaijan"), ("ru", "Франция", "Азербайджан"), ("az", "Fransa", "Azərbaycan")])
def test_registration_lists_the_iso_countries_in_the_readers_language_and_order(client, language, france, azerbaijan):
    html = client.get("/auth/register", headers={"Accept-Language": language}).get_data(as_text=True)
    options = _options(html, "country")
    codes = [code for code, _name in options if code]
    assert set(codes) == ISO_CODES and len(codes) == len(pycountry.countries)
    names = dict(options)
    assert names["FR"] == france and options[1] == ("AZ", azerbaijan)
    assert not [name for name in names.values() if "Pseudo" in name or "Diego" in name or "Clipperton" in name]
    rest = [name for code, name in options[2:]]
    assert rest == sorted(rest, key=lambda name: collation_key(name, language))


def test_the_order_is_the_languages_alphabet():
    # Azerbaijani: Ç after C, Ə after E, X after H, İ after I; Russian: Ё with Е; English ignores accents.
    assert [n for _c, n in country_choices("az") if n in ("Çad", "Çili", "Əlcəzair", "Efiopiya", "Xorvatiya", "Hindistan", "İtaliya", "İraq")] == \
        ["Çad", "Çili", "Efiopiya", "Əlcəzair", "Hindistan", "Xorvatiya", "İraq", "İtaliya"]
    english = [n for _c, n in country_choices("en")]
    assert english.index("Åland Islands") < english.index("Albania")
    assert country_name("DE", "ru") == "Германия" and country_name("XA", "en") == "XA"


def test_a_pseudo_country_is_refused_on_registration(client, db):
    response = post_form(client, "/auth/register", {
        "name": "Ann", "email": "ann@example.test", "phone": "", "language": "en", "legal_name": "Ann Films",
        "country": "XA", "registration_number": "", "password": "correct horse battery staple",
        "confirm": "correct horse battery staple"}, page_url="/auth/register")
    assert "Country of the company: choose one of the options offered." in response.get_data(as_text=True)


def test_the_production_country_is_the_same_list_checked_on_the_server(producer_client, world, db):
    application = drafts.create_draft(world.producer, title="Draft")
    db.session.commit()
    url = f"/applications/{application.id}/production"
    html = producer_client.get(url).get_data(as_text=True)
    options = _options(html, "country_of_origin")
    assert re.search(r'<select[^>]*class="govuk-select[^>]*name="country_of_origin"', html)  # styled as a select
    assert {code for code, _n in options if code} == ISO_CODES
    assert re.search(r'<option selected value="FR">|<option value="FR" selected>', html)  # the company's country
    for bad in ("ZZ", "EU", "XK"):
        response = post_form(producer_client, url, {"title": "Film", "production_type": "feature",
                                                    "country_of_origin": bad, "synopsis": "", "completed": "no"}, page_url=url)
        assert response.status_code == 400
        assert "Country of origin: choose one of the options offered." in response.get_data(as_text=True)
    response = post_form(producer_client, url, {"title": "Film", "production_type": "feature",
                                                "country_of_origin": "DE", "synopsis": "", "completed": "no"}, page_url=url)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    db.session.rollback()
    assert db.session.get(Application, application.id).country_of_origin == "DE"
    with pytest.raises(ServiceError):
        drafts.save_production(db.session.get(Application, application.id), world.producer, title="Film", production_type="feature",
                               country_of_origin="XA", synopsis="")
