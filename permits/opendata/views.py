"""The open-data feed of issued permits: a page about it (with the field
dictionary), the feed as JSON pages (keyset, with a ``next`` link) and as
one CSV (streamed), and one file per local day in both formats.

Public, read-only, rate limited per address; answers that are small enough
to hash carry an ETag (304 for a client that has them already), the rest a
short public cache lifetime.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from permits.extensions import db, limiter
from permits.models.base import MAX_ID
from permits.services import opendata

bp = Blueprint("opendata", __name__)

CURSOR = re.compile(r"^(\d{1,10})\.(\d{1,10})$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_DAY = dt.date(2020, 1, 1)
# The feed may change at any moment: clients and proxies keep it briefly.
FEED_MAX_AGE = 300
PAST_DAY_MAX_AGE = 3600

FIELD_DESCRIPTIONS = {
    "PermitNum": _l("The permit's number (also printed on the permit and checked on the verification page)."),
    "RecordId": _l("The row's own identifier: the permit's number and the booking's number. A permit has one row per site and dates."),
    "Description": _l("What is permitted, in English: the production, its type, the site and the dates."),
    "AppliedDate": _l("The day the application was filed (Baku time)."),
    "IssuedDate": _l("The day the permit was issued (Baku time)."),
    "ExpiresDate": _l("The last day the permit is valid."),
    "CompletedDate": _l("For an expired permit, its last day; otherwise empty."),
    "StatusCurrent": _l("The permit's status: valid, revoked or expired."),
    "StatusCurrentMapped": _l("The status in the standard's words: Permit Issued, Permit Cancelled (revoked) or Permit Finaled (expired)."),
    "StatusDate": _l("The day the status was reached: issued, revoked, or the last valid day of an expired permit."),
    "PermitType": _l("Always “Filming”."),
    "PermitTypeDesc": _l("The kind of permit, in words."),
    "WorkClass": _l("The type of production: feature, series, documentary, commercial, music_video, student or stills."),
    "OriginalAddress1": _l("The filming site's name in English."),
    "OriginalCity": _l("The site's economic region, in English."),
    "Latitude": _l("The site's latitude (WGS 84), when known."),
    "Longitude": _l("The site's longitude (WGS 84), when known."),
    "ProductionTitle": _l("The production's title."),
    "ShootStartDate": _l("The first shoot day at this site."),
    "ShootEndDate": _l("The last shoot day at this site."),
    "DailyStartTime": _l("When filming may start each day (Baku time)."),
    "DailyEndTime": _l("When filming must end each day (Baku time)."),
    "SiteSlug": _l("The site's identifier in the catalogue (its page is /sites/<identifier>)."),
    "SiteNameAz": _l("The site's name in Azerbaijani."),
    "SiteNameRu": _l("The site's name in Russian."),
    "Region": _l("The site's region code."),
    "IssuingBody": _l("The body that issued the permit, in English."),
    "IssuingBodyAz": _l("The body that issued the permit, in Azerbaijani."),
}
assert set(FIELD_DESCRIPTIONS) == set(opendata.FIELD_NAMES)


def _limit() -> str:
    return current_app.config["OPEN_DATA_RATE_LIMIT"]


def problem(status: int, title: str, detail: str) -> Response:
    """A machine-readable refusal (RFC 9457); English, stable wording."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    return Response(body, status=status, mimetype="application/problem+json")


def _public(response: Response, max_age: int) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _hashed(body: bytes, mimetype: str, max_age: int, filename: str | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    _public(response, max_age)
    return response.make_conditional(request)


def _csv_text(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(opendata.FIELD_NAMES)
    for record in records:
        writer.writerow([opendata.csv_cell(record[name]) for name in opendata.FIELD_NAMES])
    return out.getvalue()


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@bp.route("/")
def index():
    days = [opendata.today() - dt.timedelta(days=n) for n in range(1, 8)]
    return render_template(
        "opendata/index.html",
        fields=[(name, blds, FIELD_DESCRIPTIONS[name]) for name, blds in opendata.FIELDS],
        days=days,
        max_limit=opendata.MAX_LIMIT,
        default_limit=opendata.DEFAULT_LIMIT,
    )


@bp.route("/permits.json")
@limiter.limit(_limit)
def permits_json():
    after = None
    raw_after = request.args.get("after", "")
    if raw_after:
        match = CURSOR.match(raw_after)
        if match is None or int(match.group(1)) > MAX_ID or int(match.group(2)) > MAX_ID:
            return problem(400, "Bad cursor", "The after parameter must be the next link's value, as given.")
        after = (int(match.group(1)), int(match.group(2)))
    raw_limit = request.args.get("limit", "")
    limit = opendata.DEFAULT_LIMIT
    if raw_limit:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= opendata.MAX_LIMIT:
            return problem(400, "Bad limit", f"The limit must be a whole number from 1 to {opendata.MAX_LIMIT}.")
        limit = int(raw_limit)
    records, cursor = opendata.page(after, limit)
    next_url = (url_for("opendata.permits_json", after=f"{cursor[0]}.{cursor[1]}", limit=limit, _external=True)
                if cursor else None)
    body = _json({"data": records, "next": next_url, "limit": limit,
                  "fields": url_for("opendata.index", _external=True) + "#fields"})
    return _hashed(body, "application/json", FEED_MAX_AGE)


@bp.route("/permits.csv")
@limiter.limit(_limit)
def permits_csv():
    records = opendata.everything(db.engine)  # read while the answer is sent, from one cursor

    def chunks():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(opendata.FIELD_NAMES)
        for count, record in enumerate(records, start=1):
            writer.writerow([opendata.csv_cell(record[name]) for name in opendata.FIELD_NAMES])
            if count % 200 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    response = Response(chunks(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="permits.csv"'
    return _public(response, FEED_MAX_AGE)


@bp.route("/permits/<day>.<any(csv, json):fmt>")
@limiter.limit(_limit)
def daily(day: str, fmt: str):
    if not DAY.match(day):
        abort(404)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    today = opendata.today()
    if date < FIRST_DAY or date > today:
        abort(404)
    records = opendata.of_day(date)
    max_age = FEED_MAX_AGE if date == today else PAST_DAY_MAX_AGE
    if fmt == "json":
        return _hashed(_json({"date": day, "data": records}), "application/json", max_age)
    return _hashed(_csv_text(records).encode("utf-8"), "text/csv", max_age, filename=f"permits-{day}.csv")
