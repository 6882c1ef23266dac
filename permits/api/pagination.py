"""Keyset pages: ``limit`` rows after an opaque ``cursor``; the next page's
address is in the body (``next``) and in a ``Link: <…>; rel="next"`` header.
The cursors are the services' own (``services.queues``'s for the lists they
page); a cursor that does not decode is a 422, never the first page again."""

from __future__ import annotations

import base64
import binascii

from flask import request, url_for
from pydantic import BaseModel, ConfigDict, Field

from permits.api import problems

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 200


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH,
                               description="Where the page starts: copy it from a `next` link, never make one.")


def bad_cursor() -> problems.Problem:
    return problems.validation_problem(
        [{"field": "cursor", "in": "query", "detail": "This cursor is not one the API made; follow the next link."}]
    )


def encode_text(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def decode_text(cursor: str | None, *, max_length: int = 255) -> str | None:
    """The text a cursor of :func:`encode_text` carries; a 422 problem if it is not one."""
    if cursor is None:
        return None
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_cursor() from None
    if not value or len(value) > max_length:
        raise bad_cursor()
    return value


def next_url(cursor: str | None) -> str | None:
    """This request's address with ``cursor`` replaced (None: no next page)."""
    if cursor is None:
        return None
    args = {key: request.args.getlist(key) for key in request.args if key != "cursor"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=cursor, _external=True)


def link_headers(next_link: str | None) -> dict[str, str]:
    return {"Link": f'<{next_link}>; rel="next"'} if next_link else {}
