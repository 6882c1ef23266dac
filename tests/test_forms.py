"""Every form of the app derives from permits.forms.BaseForm, so that each
gets the product's input rules (one-line fields collapse their whitespace,
WTForms' messages in the reader's language)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import Form

import permits
from permits.forms import BaseForm, collapse_whitespace, is_single_line


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(permits.__path__, "permits."):
        importlib.import_module(module.name)
    found, todo = [], [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("permits.") and sub is not BaseForm:
                found.append(sub)
    return found


def test_every_form_of_the_app_is_a_base_form():
    forms = _all_forms()
    assert len(forms) > 30
    strays = sorted(f"{f.__module__}.{f.__qualname__}" for f in forms if not issubclass(f, BaseForm))
    assert not strays, f"derive these from permits.forms.BaseForm, not FlaskForm: {strays}"
    assert issubclass(BaseForm, FlaskForm)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  The Silk\r\nRoad  ", "The Silk Road"),
        ("Line\u2028Separator\u2029Para\u0085Next", "Line Separator Para Next"),
        ("tab\tand\u00a0non-breaking", "tab and non-breaking"),
        ("", ""),
        (None, None),
    ],
)
def test_one_line_text_collapses(typed, kept):
    assert collapse_whitespace(typed) == kept


def test_which_fields_are_one_line():
    from wtforms import EmailField, HiddenField, PasswordField, SearchField, StringField, TextAreaField

    assert all(is_single_line(f) for f in (StringField, EmailField, SearchField))
    assert not any(is_single_line(f) for f in (TextAreaField, PasswordField, HiddenField))


def test_wtforms_messages_are_ours_in_the_readers_language_and_name_the_field(app, client):
    for language in ("az", "ru", "en"):
        response = client.get("/sites/quote?sites=x&start_date=soon&end_date=2027-06-08&crew=many",
                              headers={"Accept-Language": language})
        body = response.get_data(as_text=True)
        assert "Not a valid date value." not in body and "Not a valid integer value." not in body
        with app.test_request_context(headers={"Accept-Language": language}):
            from flask_babel import gettext

            assert gettext("%(field)s: enter a real date.", field=gettext("First shoot day")) in body
            assert gettext("%(field)s: enter a whole number, like 12.", field=gettext("Crew on site")) in body


def test_a_bad_date_in_the_catalogue_filter_names_its_field(client):
    """/sites/?start_date=2027-13-45 said "Not a valid date value." in English, naming no field."""
    for language, words in (("en", "Free from: enter a real date."), ("ru", "Свободно с: введите существующую дату."),
                            ("az", "mövcud tarix daxil edin.")):
        body = client.get("/sites/?start_date=2027-13-45", headers={"Accept-Language": language}).get_data(as_text=True)
        assert words in body, language
        assert 'href="#start_date"' in body  # the summary links to the labelled field


# ----------------------------------------------------------------------------- length limits

TEXT_FIELD_EXEMPT = {
}


def _text_fields(form_class):
    from wtforms import HiddenField, PasswordField, StringField
    from wtforms.fields.core import UnboundField

    from permits.fields import TimeOfDayField

    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if not isinstance(unbound, UnboundField):
            continue
        field_class = unbound.field_class
        if getattr(field_class, "__name__", "") == "FieldList":
            unbound = unbound.args[0]
            field_class = unbound.field_class
        # A time of day is typed as text but kept as a time (permits.fields): what
        # does not parse is an error on the field, so it stores no text to limit.
        if issubclass(field_class, TimeOfDayField):
            continue
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField | HiddenField):
            yield name


def test_every_text_field_of_every_form_has_a_length_limit_said_on_the_field(app):
    """A 100,000-character title was cut to 255 without a word: every text field
    has a Length limit, rendered as maxlength and said in its hint."""
    from permits.forms import length_limit

    checked, missing = 0, []
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for form_class in _all_forms():
            names = list(_text_fields(form_class))
            if not names:
                continue
            form = form_class(formdata=None, meta={"csrf": False})
            for name in names:
                qualified = f"{form_class.__module__}.{form_class.__qualname__}"
                field = form[name]
                if field.type == "FieldList":
                    field = field.append_entry() if not field.entries else field.entries[0]
                limit = length_limit(field)
                if limit is None:
                    missing.append(f"{qualified}.{name}")
                    continue
                checked += 1
                html = str(field())
                assert f'maxlength="{limit}"' in html, f"{qualified}.{name}: {html}"
                if (form_class.__module__ + "." + form_class.__qualname__, name) not in TEXT_FIELD_EXEMPT and limit > 2:
                    assert f"Up to {limit} characters." in str(field.description), f"{qualified}.{name}"
    assert not missing, f"text fields without a Length(max=...) validator: {missing}"
    assert checked > 40


def test_a_too_long_title_is_an_error_that_names_the_limit_not_cut(client, app):
    from permits.extensions import db
    from permits.models import Application
    from permits.services import applications as drafts
    from tests.factories import PASSWORD, ProducerFactory
    from tests.helpers import csrf_token, login

    with app.app_context():
        user = ProducerFactory(email="long@example.test", language="en")
        db.session.commit()
        draft = drafts.create_draft(user, title="Short")
        db.session.commit()
        draft_id = draft.id
    login(client, "long@example.test", PASSWORD)
    page = client.get(f"/applications/{draft_id}/production", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert 'maxlength="255"' in html and "Up to 255 characters." in html
    response = client.post(f"/applications/{draft_id}/production", data={
        "csrf_token": csrf_token(page.data), "title": "x" * 100_000, "production_type": "feature",
        "country_of_origin": "FR", "synopsis": "", "completed": "no"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Title of the production: up to 255 characters; this has 100000." in body
    with app.app_context():
        assert db.session.get(Application, draft_id).title == "Short"


@pytest.mark.parametrize("language", ["az", "en", "ru"])
@pytest.mark.parametrize("chosen", ["FR", "AZ", "", None, "fr", "XX"])
def test_the_country_select_renders_as_wtforms_would_from_options_made_once(app, language, chosen):
    """CountryField renders its ~250 options from a per-language cache: the
    page is byte for byte WTForms' own select, the reader's choice marked."""
    from wtforms.validators import InputRequired
    from wtforms.widgets import Select

    from permits.forms import CountryField

    class CompanyForm(BaseForm):
        country = CountryField("Country", validators=[InputRequired()], placeholder="Pick <one> & go")

    with app.test_request_context("/", headers={"Accept-Language": language}):
        form = CompanyForm(data={"country": chosen}, meta={"csrf": False})
        ours = str(form.country(**{"class": "govuk-select", "aria-describedby": "hint"}))
        assert ours == str(Select()(form.country, **{"class": "govuk-select", "aria-describedby": "hint"}))
        assert "Pick &lt;one&gt; &amp; go" in ours
        assert ours.count(" selected ") == (1 if chosen in ("FR", "AZ", "") else 0)
