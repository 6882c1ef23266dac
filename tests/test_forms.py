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


def test_wtforms_messages_are_in_the_readers_language(app, client):
    response = client.get("/sites/quote?sites=x&start_date=soon&end_date=2027-06-08&crew=many",
                          headers={"Accept-Language": "az"})
    body = response.get_data(as_text=True)
    assert "Not a valid date value." not in body and "Not a valid integer value." not in body
    with app.test_request_context(headers={"Accept-Language": "az"}):
        from flask_babel import gettext

        assert gettext("Not a valid date value.") in body
        assert gettext("Not a valid integer value.") in body
