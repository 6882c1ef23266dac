"""The product's base form: every form of the app derives from :class:`BaseForm`
(tests/test_forms.py walks them all).

- Single-line text fields (titles, names, contacts, conditions, searches)
  collapse runs of whitespace, line breaks included, into one space and lose
  the spaces around them: a title with a line break would print as two lines
  on the permit and could pass for a field of it. Multi-line fields
  (TextAreaField), passwords and hidden fields are left as typed.
- The messages of WTForms and Flask-WTF ("Not a valid date value.", "This
  field is required." ...) are replaced by our own wording, which names the
  field ("Free from: enter a real date.") and is in our catalogues (WTForms
  has none for Azerbaijani): see LIBRARY_MESSAGES.
- A text field with a Length validator says its limit next to it ("Up to 255
  characters.", and the maxlength attribute); a longer value is an error
  that names the limit, never cut silently. tests/test_forms.py checks that
  every text field of every form has such a limit.
- :func:`coerce_id` is the coercion of every select of row ids, and
  :func:`optional_id` of optional ones: outside the id columns' range it is
  a form error (or no choice), never an integer overflow in the database.

Control characters never get this far: permits.inputs removes them from
every parameter of the request.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import FieldList, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import Select, html_params

from permits.countries import country_choices, is_country
from permits.inputs import coerce_id, optional_id
from permits.models.base import current_language

__all__ = ["BaseForm", "CountryField", "ShootDates", "coerce_id", "collapse_whitespace", "optional_id"]


def collapse_whitespace(value):
    """One line: every run of whitespace (spaces, tabs, line breaks, U+2028...) becomes one space."""
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def is_single_line(field_class) -> bool:
    return issubclass(field_class, StringField) and not issubclass(field_class, TextAreaField | PasswordField | HiddenField)


def _with_single_line_filter(unbound: UnboundField) -> UnboundField:
    if is_single_line(unbound.field_class):
        filters = (collapse_whitespace, *unbound.kwargs.get("filters", ()))
        return UnboundField(unbound.field_class, *unbound.args, **{**unbound.kwargs, "filters": filters})
    if issubclass(unbound.field_class, FieldList) and unbound.args and isinstance(unbound.args[0], UnboundField):
        # A list of one-line entries (the conditions of an approval): each entry collapses.
        return UnboundField(unbound.field_class, _with_single_line_filter(unbound.args[0]), *unbound.args[1:],
                            **unbound.kwargs)
    return unbound


class ShootDates:
    """On the field of a shoot's last day: the dates within the process
    definition's bounds (how far ahead, how long one booking), next to the field."""

    def __call__(self, form, field):
        start, end = form.start_date.data, field.data
        if start and end and end >= start:
            from permits.services.applications import shoot_date_problems

            problems = shoot_date_problems(start, end)
            if problems:
                raise ValidationError(problems[0][1])


# The messages WTForms and Flask-WTF can put under a field, in our own words:
# each names its field (``%(field)s``, the field's label) so that an error read
# alone, in the summary at the top of the page or by a screen reader, says
# which answer it is about. Keys are the libraries' msgids (for a plural
# message, its singular); tests/i18n/test_library_messages.py checks that
# every msgid of WTForms' catalogue and of Flask-WTF's file validators is here
# or in NEVER_SHOWN, and that our wording is translated.
LIBRARY_MESSAGES = {
    "This field is required.": _l("%(field)s: this answer is required."),
    "Not a valid integer value.": _l("%(field)s: enter a whole number, like 12."),
    "Not a valid decimal value.": _l("%(field)s: enter a number, like 12.50."),
    "Not a valid float value.": _l("%(field)s: enter a number, like 12.50."),
    "Not a valid date value.": _l("%(field)s: enter a real date."),
    "Not a valid time value.": _l("%(field)s: enter a time of day, like 08:30."),
    "Not a valid datetime value.": _l("%(field)s: enter a real date and time."),
    "Not a valid week value.": _l("%(field)s: enter a real week."),
    "Not a valid choice.": _l("%(field)s: choose one of the options offered."),
    "Invalid Choice: could not coerce.": _l("%(field)s: choose one of the options offered."),
    "Choices cannot be None.": _l("%(field)s: choose one of the options offered."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("%(field)s: choose from the options offered."),
    "'%(value)s' is not a valid choice for this field.": _l("%(field)s: “%(value)s” is not one of the options offered."),
    "Invalid email address.": _l("%(field)s: enter an e-mail address, like name@example.com."),
    "Invalid input.": _l("%(field)s: this answer is not in the expected form."),
    "Invalid IP address.": _l("%(field)s: enter an IP address."),
    "Invalid Mac address.": _l("%(field)s: enter a MAC address."),
    "Invalid URL.": _l("%(field)s: enter a web address, like https://example.com."),
    "Invalid UUID.": _l("%(field)s: enter a UUID."),
    "Invalid value, must be one of: %(values)s.": _l("%(field)s: enter one of %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("%(field)s: this value is not allowed (%(values)s)."),
    "Field must be equal to %(other_name)s.": _l("%(field)s must be the same as %(other_label)s."),
    "Field must be at least %(min)d character long.": _l("%(field)s: at least %(min)d characters."),
    "Field cannot be longer than %(max)d character.": _l("%(field)s: up to %(max)d characters; this has %(length)d."),
    "Field must be exactly %(max)d character long.": _l("%(field)s: exactly %(max)d characters; this has %(length)d."),
    "Field must be between %(min)d and %(max)d characters long.": _l("%(field)s: between %(min)d and %(max)d characters; this has %(length)d."),
    "Number must be at least %(min)s.": _l("%(field)s: at least %(min)s."),
    "Number must be at most %(max)s.": _l("%(field)s: at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("%(field)s: between %(min)s and %(max)s."),
    "Date must be at least %(min)s.": _l("%(field)s: on or after %(min)s."),
    "Date must be at most %(max)s.": _l("%(field)s: on or before %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("%(field)s: between %(min)s and %(max)s."),
    # Flask-WTF's file validators.
    "File does not have an approved extension.": _l("%(field)s: this kind of file is not accepted."),
    "File does not have an approved extension: {extensions}": _l("%(field)s: only these kinds of file are accepted: {extensions}"),
}
# The libraries' messages that no form of ours can show: they are about the
# developer's mistakes or the CSRF token (whose failure is a page of its own,
# never a field's error).
NEVER_SHOWN = frozenset({
    "Invalid field name '%s'.",
    "This field cannot be edited.",
    "This field is disabled and cannot have a value.",
    "Invalid CSRF Token.",
    "CSRF token missing.",
    "CSRF failed.",
    "CSRF token expired.",
    "The CSRF token is missing.",
    "The CSRF token is invalid.",
    "The CSRF token has expired.",
    "The CSRF tokens do not match.",
    "The referrer header is missing.",
    "The referrer does not match the host.",
})

# Placeholders that the library fills in after our wording is returned
# (``message % {"min": ...}``); everything else of ours is filled now.
_LATER = re.compile(r"%\((min|max|length|value|values|other_name|other_label)\)[sd]")


class _FieldTranslations:
    """One field's messages: the libraries' in our words (naming the field),
    in the reader's language; any other message from our catalogue first,
    then WTForms' own (flask_wtf's)."""

    def __init__(self, fallback, field):
        self.fallback = fallback
        self.field = field

    def _ours(self, string):
        wording = LIBRARY_MESSAGES.get(string)
        if wording is None:
            return None
        label = str(self.field.label.text) if getattr(self.field, "label", None) is not None else ""
        text = str(wording)
        # The field's label is put in now and the library fills the rest in,
        # so the label's own "%" or braces must survive that formatting.
        if _LATER.search(string):
            label = label.replace("%", "%%")
        if "{" in string:
            label = label.replace("{", "{{").replace("}", "}}")
        return text.replace("%(field)s", label)

    def gettext(self, string):
        ours = self._ours(string)
        if ours is not None:
            return ours
        translated = get_translations().gettext(string)
        if translated != string or self.fallback is None:
            return translated
        return self.fallback.gettext(string)

    def ngettext(self, singular, plural, n):
        ours = self._ours(singular)
        if ours is not None:
            return ours
        translated = get_translations().ngettext(singular, plural, n)
        if translated not in (singular, plural) or self.fallback is None:
            return translated
        return self.fallback.ngettext(singular, plural, n)


def length_limit(field) -> int | None:
    """The most characters a text field takes (its Length validator), if any."""
    limits = [v.max for v in getattr(field, "validators", ()) if isinstance(v, Length) and v.max is not None and v.max >= 0]
    return min(limits) if limits else None


class _WithLimit:
    """A field's hint followed by the limit of its length ("Up to 255 characters.")."""

    def __init__(self, description, limit: int):
        self.description = description
        self.limit = limit

    def __str__(self):
        limit = ngettext("Up to %(num)d character.", "Up to %(num)d characters.", self.limit)
        return f"{self.description} {limit}" if self.description else limit

    def __html__(self):
        return escape(str(self))

    def __bool__(self):
        return True


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = _with_single_line_filter(unbound_field).bind(form=form, **options)
            field._translations = _FieldTranslations(options.get("translations"), field)
            limit = length_limit(field)
            if limit is not None and limit > 2 and isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField):
                # The limit is said next to the field (the maxlength attribute
                # comes from the Length validator's flag).
                field.description = _WithLimit(field.description, limit)
            return field


@lru_cache(maxsize=64)
def _country_options(language: str, placeholder: str) -> tuple[tuple[str, Markup, Markup], ...]:
    """Each country's <option>, not chosen and chosen, in the language: the
    same ~250 options on every form that asks for a country, escaped once."""
    plain, chosen = Markup('<option value="{}">{}</option>'), Markup('<option selected value="{}">{}</option>')
    return tuple((code, plain.format(code, name), chosen.format(code, name))
                 for code, name in [("", placeholder), *country_choices(language)])


class CountrySelect(Select):
    """WTForms' select, with the country options rendered once per language
    (WTForms renders each option's attributes anew on every page)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in dir(flags):
            if name in self.validation_attrs and name not in kwargs:
                kwargs[name] = getattr(flags, name)
        chosen = field.data
        options = Markup("").join(selected if code == chosen else plain
                                  for code, plain, selected in _country_options(field.language, field.placeholder))
        # html_params escapes every value it writes (pyproject: bandit's allowed_calls).
        return Markup("<select {}>{}</select>").format(Markup(html_params(name=field.name, **kwargs)), options)


class CountryField(SelectField):
    """A country of ISO 3166-1, chosen from the list in the reader's language
    (Azerbaijan first); any other value is an error naming the field."""

    widget = CountrySelect()

    def __init__(self, label=None, validators=None, *, placeholder=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.language = current_language()
        self.placeholder = str(placeholder or _l("Choose a country"))
        self.choices = [("", self.placeholder), *country_choices(self.language)]

    def pre_validate(self, form):
        if self.data and not is_country(self.data):
            raise ValidationError(self.gettext("Not a valid choice."))
        if self.data:
            self.data = self.data.upper()
