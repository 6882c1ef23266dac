"""Countries: the ISO 3166-1 list (pycountry), named and sorted in the
reader's language (Babel's territory names, which also hold regions,
pseudo-locales and non-countries, so the codes come from ISO and only the
names from Babel)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale

from permits.models.base import current_language

# Every officially assigned ISO 3166-1 alpha-2 code.
ISO_CODES: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)

# The letters of each language in their dictionary order; letters not listed
# sort as their base letter (é as e), letters of other scripts after these.
ALPHABETS = {
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def is_country(code: str | None) -> bool:
    return (code or "").upper() in ISO_CODES


def _lower(text: str, language: str) -> str:
    if language == "az":  # dotted and dotless i are two letters
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()


def collation_key(text: str, language: str) -> tuple:
    """A sort key that orders names as a dictionary of the language does."""
    alphabet = ALPHABETS.get(language, ALPHABETS["en"])
    key = []
    for char in _lower(text, language):
        if char in alphabet:
            key.append((1, alphabet.index(char)))
            continue
        base = unicodedata.normalize("NFD", char)[0]
        if base in alphabet:
            key.append((1, alphabet.index(base)))
        elif base.isalnum():
            key.append((2, ord(base)))
        elif base.isspace():
            key.append((0, 0))
        # punctuation (apostrophes, brackets, commas) does not count
    return tuple(key)


@lru_cache(maxsize=8)
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    names = {}
    for country in pycountry.countries:
        names[country.alpha_2] = territories.get(country.alpha_2) or getattr(country, "common_name", None) or country.name
    return names


def country_name(code: str | None, language: str | None = None) -> str:
    """The country in the language (the reader's by default); its code if it is not a country."""
    code = (code or "").upper()
    return _names(language or current_language()).get(code, code)


@lru_cache(maxsize=8)
def _sorted(language: str) -> tuple[tuple[str, str], ...]:
    names = _names(language)
    return tuple(sorted(names.items(), key=lambda item: (collation_key(item[1], language), item[0])))


def country_choices(language: str | None = None, *, first: str = "AZ") -> list[tuple[str, str]]:
    """(code, name) of every ISO 3166-1 country, in the language's alphabetical
    order, with ``first`` (Azerbaijan) at the top."""
    everything = list(_sorted(language or current_language()))
    top = [item for item in everything if item[0] == first]
    return top + [item for item in everything if item[0] != first]
