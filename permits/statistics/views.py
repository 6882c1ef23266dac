"""The numbers of the single window: the film commission's statistics
(tables, charts, CSV downloads) and the public scorecard."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template

from permits.access import ministry_required
from permits.page_cache import SITES, STATISTICS, public_page
from permits.services import statistics
from permits.statistics.tables import STATISTICS_TABLES, csv_safe, statistics_tables

bp = Blueprint("statistics", __name__)


@bp.route("/review/statistics")
@ministry_required
def index():
    return render_template("statistics/index.html", tables=statistics_tables())


@bp.route("/review/statistics/<table>.csv")
@ministry_required
def table_csv(table: str):
    if table not in STATISTICS_TABLES:
        abort(404)
    data = statistics_tables(only=table)[table]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(c) for c in data["columns"]])
    for row in data["rows"]:
        writer.writerow([csv_safe(c) for c in row])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{table}.csv"', "Cache-Control": "private, no-store"},
    )


@bp.route("/scorecard/")
@public_page(scopes=lambda: (SITES, STATISTICS))
def scorecard():
    """Public: permits issued and the turnaround of every reviewing body."""
    response = render_template("statistics/scorecard.html", card=statistics.scorecard())
    # Private: the page carries the visitor's CSRF token (the language switcher).
    return response, 200, {"Cache-Control": "private, max-age=300"}
