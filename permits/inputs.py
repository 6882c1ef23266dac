"""What a request carries, made safe at one place before any view reads it.

- Control characters (NUL and the other C0 and C1 controls; tab, line feed
  and carriage return are text) are removed from every query parameter and
  every form field, names and values, by the request's parameter storage:
  PostgreSQL refuses NUL in text, and the others are invisible junk that
  would end up on a permit. The visitor is told once, by a flash message.
  A path that contains one names nothing: 404.
- Ids in URLs use the ``id`` converter (``/applications/<id:application_id>``):
  a positive integer that fits the id columns, else 404 - never an integer
  overflow in the database. Forms use :func:`coerce_id`.
- An address longer than ``MAX_URL_LENGTH`` gets the product's own 414 page.
"""

from __future__ import annotations

import re

from flask import Flask, Request, abort, flash, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from permits.models.base import MAX_ID

# Longer than any address the product makes (a verification link is ~80
# characters, a filtered queue a few hundred), shorter than what gunicorn
# lets through (deploy/gunicorn.conf.py: limit_request_line = 8190).
MAX_URL_LENGTH = 2048
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REMOVED_MESSAGE = _l("Invisible control characters (such as NUL) were removed from what you sent. Check the text before you go on.")


def remove_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


class CleanParameters(ImmutableMultiDict):
    """Query and form parameters without control characters (files are left as they are)."""

    removed_control_characters = False

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            items = list(mapping.items(multi=True))
        elif isinstance(mapping, dict):
            items = list(mapping.items())
        else:
            items = list(mapping)
        cleaned = []
        removed = False
        for key, value in items:
            if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                key, removed = remove_control_characters(key), True
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                value, removed = remove_control_characters(value), True
            cleaned.append((key, value))
        super().__init__(cleaned)
        if removed:
            self.removed_control_characters = True


class ProductRequest(Request):
    parameter_storage_class = CleanParameters


def _up_to(limit: int) -> str:
    """A regular expression of the whole numbers 1 to ``limit``, without leading zeros."""
    digits = str(limit)
    parts = [f"[1-9]\\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        low = "1" if position == 0 else "0"
        if int(digit) > int(low):
            rest = len(digits) - position - 1
            parts.append(digits[:position] + f"[{low}-{int(digit) - 1}]" + (f"\\d{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class IdConverter(IntegerConverter):
    """A row id in a URL: 1 to MAX_ID; anything else matches no route (404).
    The range is in the pattern too: a path whose id is out of range matches
    no rule at all, so it is never a 405 because another method of that path
    exists (the router checks the methods before the converter's range)."""

    regex = _up_to(MAX_ID)

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def coerce_id(value) -> int:
    """A row id chosen in a form (0 is "none"): an int in the id columns' range.
    Anything else raises ValueError, which WTForms turns into a form error."""
    if isinstance(value, bool):
        raise ValueError("not an id")
    number = value if isinstance(value, int) else int(str(value).strip())
    if not 0 <= number <= MAX_ID:
        raise ValueError("not an id")
    return number


def optional_id(value) -> int | None:
    """A row id of an optional choice, or None for anything that is not one."""
    if value in (None, "", "None"):
        return None
    try:
        return coerce_id(value)
    except (TypeError, ValueError):
        return None


def _address_length() -> int:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    return len(request.path.encode()) + len(request.query_string) + 1


def register(app: Flask) -> None:
    """Before the blueprints: the ``id`` converter must exist when their rules are added."""
    app.request_class = ProductRequest
    app.url_map.converters["id"] = IdConverter

    @app.before_request
    def refuse_unusable_addresses():
        if _address_length() > MAX_URL_LENGTH:
            abort(414)
        if CONTROL_CHARACTERS.search(request.path):
            abort(404)
        removed = getattr(request.args, "removed_control_characters", False)
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            removed = removed or getattr(request.form, "removed_control_characters", False)
        if removed and request.endpoint != "static" and not request.path.startswith("/api/"):
            flash(str(REMOVED_MESSAGE), "warning")
