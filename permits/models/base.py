"""Shared column types and helpers for every model."""

from __future__ import annotations

import datetime as dt

from flask_babel import get_locale
from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

from permits.extensions import db

# The largest id (and any integer column): PostgreSQL's integer. Values from
# outside (URLs, forms, cursors) are checked against it before a query.
MAX_ID = 2**31 - 1


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are
    stored as naive UTC and made aware again on the way out. Naive values are
    refused: a naive datetime in this code base is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def current_language() -> str:
    try:
        locale = get_locale()
    except Exception:  # outside a request there is no locale
        locale = None
    return str(locale.language) if locale else "en"


class TranslatedMixin:
    """Picks ``<field>_<lang>`` for the reader's language, falling back to English."""

    def translated(self, field: str, language: str | None = None) -> str:
        language = language or current_language()
        for lang in (language, "en", "az", "ru"):
            value = getattr(self, f"{field}_{lang}", None)
            if value:
                return value
        return ""


Model = db.Model


@compiles(CreateIndex, "sqlite")
def _sqlite_index_without_nulls_last(element, compiler, **kw):
    """SQLite cannot say NULLS LAST in an index; its DESC already puts NULLs
    last (they sort first ascending), which is what a ``DESC NULLS LAST``
    column of an index declared for PostgreSQL means. The planner uses such an
    index for ``ORDER BY x DESC NULLS LAST`` (and, read backwards, for
    ``ASC NULLS FIRST``)."""
    return compiler.visit_create_index(element, **kw).replace(" NULLS LAST", "")
