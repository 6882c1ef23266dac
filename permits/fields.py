"""Form fields of our own.

:class:`TimeOfDayField` is every "time of day" box of the app (a booking's
daily hours, a site's filming hours). It is a 24-hour text box, not the
browser's ``<input type="time">``: that control draws the time in the
*browser's* locale, so an en-US browser shows "07:00 PM" and, in a box the
width of "19:00", cuts it to "07:00", the same as a 07:00 start. The film
commission, the permit, the e-mails and every page show times on the 24-hour
clock, so the box does too, in every browser: what is typed is what the
permit prints. The server parses what people naturally type ("19:00", "19.00",
"1900", "9", "7 pm") and says on the field when it cannot.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField

__all__ = ["TIME_PATTERN", "TimeOfDayField", "parse_time_of_day"]

# The browser-side hint (the form is novalidate: the server's message is the one shown).
# The same shapes parse_time_of_day accepts; written for the HTML pattern attribute's "v" flag.
TIME_PATTERN = r"\s*([01]?[0-9]|2[0-3])([:.h]?[0-5][0-9])?\s*([aApP]\.?\s*[mM]\.?)?\s*"

_TIME = re.compile(r"^([01]?\d|2[0-3])(?:\s*[:.h]?\s*([0-5]\d))?\s*(?:([ap])\.?\s*m\.?)?$", re.IGNORECASE)


def parse_time_of_day(text: str) -> dt.time | None:
    """The time of day in ``text``, or None when it is not one.

    24-hour forms: "19:00", "19.00", "19h00", "1900", "19", "9:5" is not one.
    A 12-hour form with am/pm ("7 pm", "7:30 PM", "12 am") is read as such.
    """
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    return dt.time(hour, minute)


class TimeOfDayField(StringField):
    """A time of day on the 24-hour clock, typed as text ("19:00"); ``data`` is a ``datetime.time``."""

    DEFAULT_HINT = _l("24-hour clock, for example 08:00 or 19:30")

    def __init__(self, label=None, validators=None, description=None, render_kw=None, **kwargs):
        render_kw = {
            "pattern": TIME_PATTERN,
            "autocomplete": "off",
            "spellcheck": "false",
            **(render_kw or {}),
        }
        super().__init__(label, validators, description=description or self.DEFAULT_HINT, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        if not text:
            self.data = None
            return
        self.data = parse_time_of_day(text)
        if self.data is None:
            raise ValueError(_("%(field)s: enter a time on the 24-hour clock, for example 08:00 or 19:30.",
                               field=self.label.text))

    def _value(self):
        if self.raw_data and self.process_errors:
            return self.raw_data[0]
        if isinstance(self.data, dt.time):
            return self.data.strftime("%H:%M")
        return self.data or ""
