"""The tables of the statistics page: title, column headings, rows of
cells and a chart each, in the reader's language (the CSV downloads are the
same tables)."""

from __future__ import annotations

import datetime as dt

from babel import Locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from permits import formats
from permits.extensions import db
from permits.labels import category_label, region_label, review_kind_name
from permits.models import Organisation
from permits.services import statistics
from permits.statistics import charts


def _organisations(ids) -> dict[int, Organisation]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return {o.id: o for o in db.session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars()}


class MonthCell(str):
    """A month cell: ISO ``2027-06`` in the CSV (a spreadsheet sorts and reads
    it as a date), the month's name on the page (``June 2027``)."""

    def __html__(self) -> str:
        return escape(self.label)

    @property
    def label(self) -> str:
        try:
            return formats.month_text(dt.date.fromisoformat(f"{self}-01"))
        except ValueError:
            return str(self)


def _month(value) -> MonthCell:
    return MonthCell(value or "")


def _country(code: str | None) -> str:
    """A country named in the reader's language (the code when Babel has no name)."""
    if not code:
        return ""
    return Locale.parse(formats.reader_language()).territories.get(code, code)


def _days(value) -> str:
    return "" if value is None else str(value)


def _share(value) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


STATISTICS_TABLES = (
    "applications-by-month",
    "turnaround-by-organisation",
    "turnaround-by-kind",
    "shoot-days-by-region",
    "shoot-days-by-category",
    "shoot-days-by-month",
    "productions-by-country",
    "most-requested-sites",
    "fees-by-month",
)


def statistics_tables(only: str | None = None) -> dict[str, dict]:
    """Every table of the statistics page (or just ``only``): title, column headings, rows of cells."""
    tables: dict[str, dict] = {}

    def wanted(name: str) -> bool:
        return only is None or only == name

    if wanted("applications-by-month"):
        months = statistics.applications_by_month()
        tables["applications-by-month"] = {
            "title": _("Applications per month by outcome"),
            "columns": [_("Month"), _("Approved"), _("Refused"), _("Withdrawn or lapsed"), _("Still open"), _("Total")],
            "rows": [[_month(m["month"]), m["approved"], m["rejected"], m["withdrawn"], m["open"], m["total"]] for m in months],
            "chart": charts.stacked(
                [(_month(m["month"]).label, [("success", m["approved"]), ("error", m["rejected"]), ("muted", m["withdrawn"]), ("secondary", m["open"])]) for m in months]
            ),
            "key": [("success", _("Approved")), ("error", _("Refused")), ("muted", _("Withdrawn or lapsed")), ("secondary", _("Still open"))],
        }
    groups = statistics.turnaround_groups() if wanted("turnaround-by-organisation") or wanted("turnaround-by-kind") else None
    if wanted("turnaround-by-organisation"):
        by_org = statistics.turnaround_by("organisation", groups=groups)
        orgs = _organisations(r.key for r in by_org)
        by_org = sorted((r for r in by_org if r.key in orgs), key=lambda r: orgs[r.key].name)
        tables["turnaround-by-organisation"] = {
            "title": _("Turnaround by organisation (business days)"),
            "columns": [_("Organisation"), _("Reviews decided"), _("Median"), _("90th percentile"), _("Decided within the deadline")],
            "rows": [[orgs[r.key].name, r.reviews, _days(r.median), _days(r.p90), _share(r.share_within_sla)] for r in by_org],
            "chart": charts.bars([(orgs[r.key].name, r.median or 0) for r in by_org], unit=_("days")),
        }
    if wanted("turnaround-by-kind"):
        by_kind = sorted(statistics.turnaround_by("kind", groups=groups), key=lambda r: str(r.key))
        tables["turnaround-by-kind"] = {
            "title": _("Turnaround by kind of review (business days)"),
            "columns": [_("Review"), _("Reviews decided"), _("Median"), _("90th percentile"), _("Decided within the deadline")],
            "rows": [[review_kind_name(r.key), r.reviews, _days(r.median), _days(r.p90), _share(r.share_within_sla)] for r in by_kind],
            "chart": charts.bars([(review_kind_name(r.key), (r.share_within_sla or 0) * 100) for r in by_kind], unit="%", maximum=100),
            "chart_caption": _("Share of reviews decided within their deadline"),
        }
    for dimension, title, heading in (
        ("region", _("Shoot days by region"), _("Region")),
        ("category", _("Shoot days by kind of site"), _("Kind of site")),
        ("month", _("Shoot days by month"), _("Month")),
    ):
        if not wanted(f"shoot-days-by-{dimension}"):
            continue
        rows = statistics.shoot_days_by(dimension)
        label = {"region": region_label, "category": category_label}.get(dimension, _month)
        tables[f"shoot-days-by-{dimension}"] = {
            "title": title,
            "columns": [heading, _("Shoot days"), _("Productions")],
            "rows": [[label(r["key"]), r["days"], r["productions"]] for r in rows],
            "chart": charts.bars([(getattr(label(r["key"]), "label", label(r["key"])), r["days"]) for r in rows][-24:]),
        }
    if wanted("productions-by-country"):
        countries = statistics.productions_by_country()
        tables["productions-by-country"] = {
            "title": _("Productions by country of origin"),
            # The ISO 3166 code last: for joining in a spreadsheet.
            "columns": [_("Country"), _("Applications"), _("Permitted"), _("Country code")],
            "rows": [[_country(c["country"]), c["applications"], c["permitted"], c["country"] or ""] for c in countries],
            "chart": charts.bars([(_country(c["country"]), c["applications"]) for c in countries][:15]),
        }
    if wanted("most-requested-sites"):
        requested = statistics.most_requested_sites()
        tables["most-requested-sites"] = {
            "title": _("Most requested sites"),
            "columns": [_("Site"), _("Applications"), _("Shoot days requested")],
            "rows": [[r["location"].name, r["applications"], r["days"]] for r in requested],
            "chart": charts.bars([(r["location"].name, r["applications"]) for r in requested]),
        }
    if wanted("fees-by-month"):
        months = statistics.money_by_month()
        tables["fees-by-month"] = {
            "title": _("Fees per month (AZN)"),
            "columns": [_("Month"), _("Invoiced"), _("Collected"), _("Waived"), _("Refunded")],
            "rows": [[_month(m["month"]), m["invoiced"], m["paid"], m["waived"], m["refunded"]] for m in months],
            "chart": charts.grouped(
                [(_month(m["month"]).label, [("", m["invoiced"]), ("success", m["paid"]), ("secondary", m["waived"]), ("error", m["refunded"])])
                 for m in months],
                unit="AZN",
            ),
            "key": [("", _("Invoiced")), ("success", _("Collected")), ("secondary", _("Waived")), ("error", _("Refunded"))],
            "chart_caption": _("By the ledger's date: the bank's date of a payment or a refund, the day an invoice or a waiver was issued."),
        }
    return tables


def csv_safe(value) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
