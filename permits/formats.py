"""The one place that writes dates and times for people to read.

One format per language for a date and one for a moment, everywhere: pages,
messages built in Python, e-mails, CSV columns a person reads, and PDFs.

    date      19 apr 2027 · 19 Apr 2027 · 19 апр. 2027
    moment    19 apr 2027, 10:00 · 19 Apr 2027, 10:00 · 19 апр. 2027, 10:00

The month is named (abbreviated, so a table column stays narrow), so no
reader can take 04/05 for 5 April or for 4 May; the clock has 24 hours, like
the filming hours. A moment is shown in the film commission's time zone
(Asia/Baku, ``BABEL_DEFAULT_TIMEZONE``), where every deadline is set.

Machine values stay ISO 8601 and never come through here: ``<input
type=date>`` values, the ``datetime`` attribute of ``<time>``, URLs, JSON and
the date columns of CSV files meant for spreadsheets and bank imports.

Each function takes the language to write in; without one, the reader's
language (Flask-Babel's locale: the request's, or the one an e-mail forces).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date

LANGUAGES = ("az", "en", "ru")
DEFAULT_LANGUAGE = "az"
# The language of the authority: the permit is printed in it, with the
# producer's language alongside (permits.pdf).
OFFICIAL_LANGUAGE = "az"
COMMISSION_TIMEZONE = "Asia/Baku"

# The CLDR patterns: the same shape in the three languages; Babel supplies
# each language's month names ("apr", "Apr", "апр.").
DATE_PATTERN = "d MMM y"
TIME_PATTERN = "HH:mm"
MONTH_PATTERN = "LLLL y"  # a calendar's caption: "aprel 2027", "April 2027", "апрель 2027"


def reader_language() -> str:
    """The language being written in: the request's, or the one an e-mail forces."""
    return _language(None)


def _language(language: str | None) -> str:
    if language is None:
        try:
            from flask_babel import get_locale

            locale = get_locale()
        except Exception:  # no application context: a script
            locale = None
        language = str(locale.language) if locale else DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _zone() -> ZoneInfo:
    try:
        from flask import current_app

        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or COMMISSION_TIMEZONE
    except RuntimeError:  # outside an application
        name = COMMISSION_TIMEZONE
    return ZoneInfo(name)


def local_moment(value: dt.datetime) -> dt.datetime:
    """An aware moment in the commission's time zone (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_zone())


def date_text(value: dt.date | dt.datetime | str | None, language: str | None = None) -> str:
    """``19 apr 2027`` / ``19 Apr 2027`` / ``19 апр. 2027``; a moment gives its day in Baku."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10]) if len(value) <= 10 else dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = local_moment(value).date()
    return _babel_date(value, DATE_PATTERN, locale=_language(language))


def datetime_text(value: dt.datetime | str | None, language: str | None = None) -> str:
    """``19 apr 2027, 10:00`` in Baku time; a plain date gives the date alone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return date_text(value, language)
    moment = local_moment(value)
    language = _language(language)
    return f"{_babel_date(moment.date(), DATE_PATTERN, locale=language)}, {moment.strftime('%H:%M')}"


def time_text(value: dt.time | None) -> str:
    """``08:00``: a time of day, 24 hours, the same in every language."""
    return value.strftime("%H:%M") if value is not None else ""


def hours_text(start: dt.time | None, end: dt.time | None) -> str:
    """Daily filming hours: ``08:00–20:00``."""
    if start is None or end is None:
        return ""
    return f"{time_text(start)}–{time_text(end)}"


def date_range_text(start: dt.date | None, end: dt.date | None, language: str | None = None) -> str:
    """``19 Apr 2027 – 23 Apr 2027``; one day alone when the range is one day."""
    if start is None or end is None:
        return date_text(start or end, language)
    if start == end:
        return date_text(start, language)
    return f"{date_text(start, language)} – {date_text(end, language)}"


def month_text(value: dt.date | None, language: str | None = None) -> str:
    """A calendar's caption: ``aprel 2027`` / ``April 2027`` / ``апрель 2027``."""
    if value is None:
        return ""
    return _babel_date(value.replace(day=1), MONTH_PATTERN, locale=_language(language))


def weekday_text(value: dt.date | None, language: str | None = None, *, short: bool = False) -> str:
    """A calendar's column head: ``B.e.``/``Mon``/``пн`` (short) or the whole name."""
    if value is None:
        return ""
    return _babel_date(value, "EEE" if short else "EEEE", locale=_language(language))


def side_by_side(official: str, other: str) -> str:
    """``"Azerbaijani / other"``, as the permit prints every label, name and
    date; one of them alone when both read the same or one is missing."""
    if not other or official.casefold() == other.casefold():
        return official or other
    if not official:
        return other
    return f"{official} / {other}"
