"""One format per language for a date and one for a moment, from one helper
(permits.formats), everywhere a person reads a date: pages, messages built in
Python, e-mails and PDFs. Machine values (input values, <time datetime>, URLs)
stay ISO 8601."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from permits import formats

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "permits"

DAY = dt.date(2027, 6, 7)
# 19 April 2027 06:30 UTC is 10:30 in Baku (UTC+4).
MOMENT = dt.datetime(2027, 4, 19, 6, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "date", "moment", "month", "weekday"),
    [
        ("az", "7 iyn 2027", "19 apr 2027, 10:30", "iyun 2027", "Bazar ertəsi"),
        ("en", "7 Jun 2027", "19 Apr 2027, 10:30", "June 2027", "Monday"),
        ("ru", "7 июн. 2027", "19 апр. 2027, 10:30", "июнь 2027", "понедельник"),
    ],
)
def test_the_helper_writes_one_format_per_language(app, language, date, moment, month, weekday):
    assert formats.date_text(DAY, language) == date
    assert formats.datetime_text(MOMENT, language) == moment
    assert formats.month_text(DAY, language) == month
    assert formats.weekday_text(DAY, language) == weekday
    # The reader's language when none is given (a page, an e-mail forced into a language).
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(language):
        assert formats.date_text(DAY) == date
        assert formats.datetime_text(MOMENT) == moment
        assert formats.date_text(MOMENT.isoformat()) == formats.date_text(MOMENT.date(), language)


def test_moments_are_shown_in_baku_time_and_their_day_is_bakus():
    late = dt.datetime(2027, 4, 19, 21, 15, tzinfo=dt.UTC)  # 01:15 on the 20th in Baku
    assert formats.datetime_text(late, "en") == "20 Apr 2027, 01:15"
    assert formats.date_text(late, "en") == "20 Apr 2027"
    assert formats.datetime_text("2027-04-19T21:15:00+00:00", "en") == "20 Apr 2027, 01:15"
    assert formats.datetime_text(DAY, "en") == "7 Jun 2027"  # a date given as a moment stays a date


def test_ranges_hours_and_the_permit_pairs():
    assert formats.date_range_text(DAY, DAY + dt.timedelta(days=2), "en") == "7 Jun 2027 – 9 Jun 2027"
    assert formats.date_range_text(DAY, DAY, "en") == "7 Jun 2027"
    assert formats.hours_text(dt.time(8), dt.time(20)) == "08:00–20:00"
    assert formats.side_by_side("7 iyn 2027", "7 Jun 2027") == "7 iyn 2027 / 7 Jun 2027"
    assert formats.side_by_side("19 apr 2027", "19 Apr 2027") == "19 apr 2027"  # the same words: once
    assert formats.side_by_side("Bakı", "") == "Bakı"
    assert formats.date_text(None) == formats.datetime_text(None) == ""


def _templates():
    return sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))


# A filter with an argument chooses its own format: "|date('short')", "|datetime("d MMM")".
PATTERN_ARGUMENT = re.compile(r"\|\s*(date|datetime)\s*\(")
OWN_FORMATTING = re.compile(r"strftime|format_date|format_datetime|format_time|\|\s*format\b.*%[dmYyHM]")
# ISO is for machines: <time datetime="...">, <input value="...">, URLs.
ISO = re.compile(r"\.isoformat\(\)")
ISO_ALLOWED = re.compile(r'(datetime|value|data-[\w-]+)="\{\{[^}]*\.isoformat\(\)[^}]*\}\}"|url_for\([^)]*\.isoformat\(\)')


def test_templates_write_dates_only_through_the_helpers_filters():
    problems = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(ROOT)}:{number}"
            if PATTERN_ARGUMENT.search(line):
                problems.append(f"{where}: a date filter with its own format (use |date, |datetime, |month, |weekday)")
            if OWN_FORMATTING.search(line):
                problems.append(f"{where}: a date formatted by hand (use the filters of permits.formats)")
            if ISO.search(line) and len(ISO.findall(line)) != len(ISO_ALLOWED.findall(line)):
                problems.append(f"{where}: an ISO date shown to a person (keep ISO for datetime=, value= and URLs)")
    assert not problems, "\n".join(problems)


GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
# strftime patterns for people; machine ones ("%Y-%m", "%Y%m%dT%H%M%S%f") are fine.
HUMAN_STRFTIME = re.compile(r"%[bBaAIpxXc]|%d[./ ]|[./ ]%d|%m[./]")


def _python_files():
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "formats.py" and "demo" not in p.parts]


def _gettext_arguments(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT:
            yield node, [kw.value for kw in node.keywords] + list(node.args[1:])


def test_messages_built_in_python_format_dates_through_the_helper():
    problems = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        for call, values in _gettext_arguments(tree):
            for value in values:
                for inner in ast.walk(value):
                    if isinstance(inner, ast.Attribute) and inner.attr in ("isoformat", "strftime"):
                        problems.append(f"{where}:{call.lineno}: a message fills in a date with .{inner.attr}()"
                                        " (use permits.formats.date_text / datetime_text)")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and HUMAN_STRFTIME.search(str(node.args[0].value))):
                problems.append(f"{where}:{node.lineno}: strftime({node.args[0].value!r}) writes a date for people"
                                " (use permits.formats)")
            if isinstance(node, ast.ImportFrom) and node.module in ("flask_babel", "babel.dates"):
                names = {alias.name for alias in node.names}
                if names & {"format_date", "format_datetime", "format_time"}:
                    problems.append(f"{where}:{node.lineno}: formats dates with Babel directly (use permits.formats)")
    assert not problems, "\n".join(problems)
