"""The az and ru catalogues are complete: every message translated, none
fuzzy, placeholders kept, and nothing extracted from the code missing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "permits" / "translations"
LANGUAGES = ("az", "ru")
# %(name)s / %(n)d (gettext, Jinja's _()) and {name} (str.format)
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|(?<!\{)\{(\w*)\}(?!\})")


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def _strings(value) -> list[str]:
    if isinstance(value, (tuple, list)):
        return list(value)
    return [value] if value else []


def _ids(message) -> list[str]:
    return _strings(message.id)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text or "")}


def _short(message) -> str:
    first = _ids(message)[0]
    return first if len(first) < 80 else first[:77] + "..."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue  # the header
        strings = _strings(message.string)
        if not strings or not all(s.strip() for s in strings):
            untranslated.append(_short(message))
        if message.fuzzy:
            fuzzy.append(_short(message))
    report = f"{language}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy"
    print(report)
    assert not untranslated, report + "\n  " + "\n  ".join(untranslated[:50])
    assert not fuzzy, report + "\n  " + "\n  ".join(fuzzy[:50])


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_between_msgid_and_msgstr(language):
    wrong = []
    for message in _catalogue(language):
        if not message.id:
            continue
        expected = set().union(*(_placeholders(i) for i in _ids(message)))
        for translated in _strings(message.string):
            if not translated:
                continue  # reported by the test above
            found = _placeholders(translated)
            # A plural form may leave out the number (e.g. "one day"); nothing may be invented.
            missing = expected - found if not isinstance(message.id, (tuple, list)) else set()
            invented = found - expected
            if missing or invented:
                wrong.append(f"{_short(message)!r} -> {translated!r} (missing {sorted(missing)}, unknown {sorted(invented)})")
    assert not wrong, f"{language}: placeholders differ in {len(wrong)} messages:\n  " + "\n  ".join(wrong[:50])


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the code now, extracted exactly as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_in_the_code_is_missing_from_the_catalogue(extracted, language):
    """NEW STRINGS NEED TRANSLATIONS: this fails as soon as code or a template
    uses a msgid that the az/ru catalogue does not have. Fix it with
    `make extract-messages`, translate the new entries, then compile."""
    catalogue = _catalogue(language)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        existing = catalogue.get(message.id, message.context)
        if existing is None or not any(s.strip() for s in _strings(existing.string)):
            missing.append(_short(message))
    report = f"{language}: {len(missing)} messages in the code have no translation"
    print(report)
    assert not missing, report + " (run `make extract-messages` and translate):\n  " + "\n  ".join(missing[:80])
