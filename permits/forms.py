"""The product's base form: every form of the app derives from :class:`BaseForm`
(tests/test_forms.py walks them all).

- Single-line text fields (titles, names, contacts, conditions, searches)
  collapse runs of whitespace, line breaks included, into one space and lose
  the spaces around them: a title with a line break would print as two lines
  on the permit and could pass for a field of it. Multi-line fields
  (TextAreaField), passwords and hidden fields are left as typed.
- WTForms' own messages ("Not a valid date value.", "This field is
  required." ...) come from our catalogues, which WTForms lacks for
  Azerbaijani; our translation wins, WTForms' is the fallback.
- :func:`coerce_id` is the coercion of every select of row ids, and
  :func:`optional_id` of optional ones: outside the id columns' range it is
  a form error (or no choice), never an integer overflow in the database.

Control characters never get this far: permits.inputs removes them from
every parameter of the request.
"""

from __future__ import annotations

from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FieldList, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from permits.inputs import coerce_id, optional_id

__all__ = ["BaseForm", "ShootDates", "coerce_id", "collapse_whitespace", "optional_id"]


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


class _Translations:
    """Our catalogue first, then WTForms' own (flask_wtf's)."""

    def __init__(self, fallback):
        self.fallback = fallback

    def gettext(self, string):
        translated = get_translations().gettext(string)
        if translated != string or self.fallback is None:
            return translated
        return self.fallback.gettext(string)

    def ngettext(self, singular, plural, n):
        translated = get_translations().ngettext(singular, plural, n)
        if translated not in (singular, plural) or self.fallback is None:
            return translated
        return self.fallback.ngettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            return _with_single_line_filter(unbound_field).bind(form=form, **options)

        def get_translations(self, form):
            return _Translations(super().get_translations(form))


def _messages_of_wtforms():  # pragma: no cover - never called: it lists msgids for `make extract-messages`
    """WTForms' messages that our forms can show, so that the catalogues have them."""
    return [
        _("This field is required."),
        _("Not a valid integer value."),
        _("Not a valid decimal value."),
        _("Not a valid date value."),
        _("Not a valid time value."),
        _("Not a valid datetime value."),
        _("Not a valid choice."),
        _("Invalid Choice: could not coerce."),
        _("Choices cannot be None."),
        _("Invalid choice(s): one or more data inputs could not be coerced."),
        ngettext("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1),
        _("Invalid email address."),
        _("Invalid input."),
        _("Field must be equal to %(other_name)s."),
        ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
        ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
        ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
        _("Field must be between %(min)d and %(max)d characters long."),
        _("Number must be at least %(min)s."),
        _("Number must be at most %(max)s."),
        _("Number must be between %(min)s and %(max)s."),
    ]
