"""The messages that come from the libraries, not from our own ``_()`` calls:
WTForms' and Flask-WTF's validation messages. "Not a valid date value." was
shown in English in every language and named no field; the catalogue test
cannot see such strings, so these tests read the libraries' own catalogues
and make the fields fail."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import flask_wtf
import pytest
import wtforms
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, InputRequired, Length, NoneOf, NumberRange

from permits.forms import LIBRARY_MESSAGES, NEVER_SHOWN, BaseForm, CountryField

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "permits" / "translations"


def _wtforms_msgids() -> set[str]:
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as handle:
        catalogue = read_po(handle)
    return {message.id[0] if isinstance(message.id, tuple) else message.id for message in catalogue if message.id}


def _flask_wtf_msgids() -> set[str]:
    """The literal strings Flask-WTF passes to ``gettext`` (its file validators)."""
    found = set()
    for path in Path(flask_wtf.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "gettext"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def test_the_libraries_messages_are_all_worded_by_us():
    """A new WTForms or Flask-WTF message (an upgrade) fails here until it has our wording."""
    library = _wtforms_msgids() | _flask_wtf_msgids()
    assert "Not a valid date value." in library and "File does not have an approved extension." in library
    unworded = sorted(library - set(LIBRARY_MESSAGES) - NEVER_SHOWN)
    assert not unworded, f"add these to permits.forms.LIBRARY_MESSAGES (or NEVER_SHOWN): {unworded}"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_our_wording_of_the_libraries_messages_is_translated(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=language)
    untranslated = []
    for wording in {str(w._args[0]) if hasattr(w, "_args") else str(w) for w in LIBRARY_MESSAGES.values()}:
        entry = catalogue.get(wording)
        if entry is None or not entry.string or entry.string == wording:
            untranslated.append(wording)
    assert not untranslated, f"{language}: {untranslated}"


class Everything(BaseForm):
    class Meta:
        csrf = False

    number = IntegerField("Crew on site", validators=[InputRequired()])
    amount = DecimalField("Fee amount")
    ratio = FloatField("Share")
    day = DateField("Free from")
    moment = DateTimeLocalField("Meeting time")
    hour = TimeField("Daily start")
    choice = SelectField("Kind of site", choices=[("a", "A")])
    coerced = SelectField("Organisation", choices=[(1, "One")], coerce=int)
    several = SelectMultipleField("Activities", choices=[("a", "A")])
    email = EmailField("E-mail address", validators=[Email()])
    required = StringField("Company legal name", validators=[DataRequired()])
    short = StringField("Title", validators=[Length(max=3)])
    long = StringField("Password hint", validators=[Length(min=5)])
    exact = StringField("Code", validators=[Length(min=2, max=2)])
    between = StringField("Name 100%", validators=[Length(min=2, max=4)])
    bounded = IntegerField("Vehicles", validators=[NumberRange(0, 5)])
    low = IntegerField("Crew", validators=[NumberRange(min=1)])
    high = IntegerField("Days", validators=[NumberRange(max=2)])
    same = StringField("Repeat", validators=[EqualTo("required")])
    one_of = StringField("Letter", validators=[AnyOf(["x", "y"])])
    none_of = StringField("Word", validators=[NoneOf(["no"])])
    country = CountryField("Country of origin")


BAD = MultiDict([
    ("number", "many"), ("amount", "lots"), ("ratio", "half"), ("day", "2027-13-45"), ("moment", "soon"),
    ("hour", "25:99"), ("choice", "b"), ("coerced", "x"), ("several", "b"), ("email", "not-an-address"),
    ("required", ""), ("short", "abcdef"), ("long", "ab"), ("exact", "abc"), ("between", "abcdefgh"), ("bounded", "9"),
    ("low", "0"), ("high", "3"), ("same", "other"), ("one_of", "z"), ("none_of", "no"), ("country", "XK"),
])


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_every_library_message_names_its_field_in_the_readers_language(app, language):
    with app.test_request_context(headers={"Accept-Language": language}):
        form = Everything(formdata=BAD)
        assert not form.validate()
        english = set(_wtforms_msgids())
        for field in form:
            assert field.errors, f"{field.name} should have failed"
            for error in field.errors:
                assert str(field.label.text) in error, f"{field.name}: {error!r} does not name its field"
                assert error not in english and not any(error.startswith(m.split("%")[0]) for m in english if len(m) > 12), \
                    f"{field.name}: the library's own words {error!r}"
                if language != "en":
                    # Our English wording is not what a reader of az or ru gets.
                    assert ": enter" not in error and "must be the same" not in error, f"{language}: {error!r}"
        if language == "en":
            errors = {field.name: field.errors[0] for field in form}
            assert errors["day"] == "Free from: enter a real date."
            assert errors["short"] == "Title: up to 3 characters; this has 6."
            assert errors["between"] == "Name 100%: between 2 and 4 characters; this has 8."
            assert errors["same"] == "Repeat must be the same as Company legal name."
            assert errors["country"] == "Country of origin: choose one of the options offered."


def test_a_date_field_in_the_past_keeps_working(app):
    with app.test_request_context():
        form = Everything(formdata=MultiDict([("day", "2027-03-19")]))
        form.validate()
        assert form.day.data == dt.date(2027, 3, 19) and not form.day.errors
