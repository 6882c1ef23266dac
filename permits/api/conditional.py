"""ETag and If-Match with the row version.

A single resource's ``ETag`` is its row version (``"7"``: strong, the
version column SQLAlchemy checks on every update). A change sends it back as
``If-Match``: another version is 412 (someone acted meanwhile), none is 428.
The service then runs under the same optimistic check the pages use (the
row's version), so a change racing between this check and the commit is
refused too (409)."""

from __future__ import annotations

from flask import request

from permits.api import problems


def etag(version: int) -> str:
    return f'"{int(version)}"'


def etag_headers(version: int) -> dict[str, str]:
    return {"ETag": etag(version)}


def matched_version(current: int, *, required: bool = True) -> int | None:
    """The version the client's If-Match names, checked against ``current``.
    ``*`` matches any version. None when there is no If-Match and it is not
    ``required``."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        if required:
            raise problems.precondition_required()
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if "*" in tags:
        return current
    for tag in tags:
        if tag.startswith("W/"):
            continue  # a weak tag never matches (RFC 9110: If-Match compares strongly)
        if tag == etag(current):
            return current
    raise problems.stale_version(current)
