"""Template globals and filters: navigation, languages, dates and money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, request
from flask_babel import format_currency, get_locale
from flask_login import current_user
from markupsafe import Markup

from permits import formats
from permits.countries import country_name
from permits.i18n import LANGUAGE_NAMES
from permits.labels import ORGANISATION_KINDS, ROLE_NAMES, event_title, review_kind_name


def money(value, currency: str = "AZN") -> str:
    """Money as the reader's language writes it (1.234,50 ₼ / AZN 1,234.50 / 1 234,50 AZN)."""
    if value is None:
        return ""
    return format_currency(Decimal(value).quantize(Decimal("0.01")), currency)


def local_datetime(value: dt.datetime | None) -> str:
    """A moment for people: one format per language, in Baku time (permits.formats)."""
    return formats.datetime_text(value)


def local_date(value: dt.date | dt.datetime | None) -> str:
    """A date for people: one format per language (permits.formats)."""
    return formats.date_text(value)


def form_error_links(field) -> list[tuple[str, str]]:
    """(anchor id, message) of a field's errors; a FieldList's per-entry errors point at the entry."""
    result = []
    for index, message in enumerate(field.errors or []):
        if isinstance(message, list | tuple):
            result.extend((f"{field.id}-{index}", str(inner)) for inner in message if inner)
        elif isinstance(message, dict):
            result.extend((field.id, str(inner)) for inner in message.values())
        else:
            result.append((field.id, str(message)))
    return result


def table_box(label, caller) -> Markup:
    """``{% call table_box(label) %}<table>...</table>{% endcall %}``: every table
    sits in a box that scrolls sideways when the table is wider than the page
    (a phone, a long name), so that the page itself never does. The box is a
    labelled region that takes the keyboard focus, so that it can be scrolled
    without a mouse; static/js/app.js drops the focus stop while the table fits."""
    return Markup('<div class="app-table-box" role="region" aria-label="{}" tabindex="0">{}</div>').format(
        label, caller())


def register(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
    # Dates and times have one format per language: the filters take no
    # pattern (tests/i18n/test_date_formats.py holds the templates to it).
    app.jinja_env.filters["date_range"] = formats.date_range_text
    app.jinja_env.filters["time"] = formats.time_text
    app.jinja_env.filters["hours"] = formats.hours_text
    app.jinja_env.filters["month"] = formats.month_text
    app.jinja_env.filters["weekday"] = formats.weekday_text
    app.jinja_env.filters["weekday_short"] = lambda value: formats.weekday_text(value, short=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_globals():
        locale = get_locale()
        return {
            "current_language": str(locale.language) if locale else "az",
            "language_names": LANGUAGE_NAMES,
            "navigation": navigation_for(current_user),
            "role_names": ROLE_NAMES,
            "organisation_kinds": ORGANISATION_KINDS,
        }

    app.jinja_env.globals["current_path"] = lambda: request.full_path.rstrip("?")
    app.jinja_env.globals["form_error_links"] = form_error_links
    app.jinja_env.globals["review_kind_name"] = review_kind_name
    app.jinja_env.globals["event_title"] = event_title
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.jinja_env.globals["table_box"] = table_box


def navigation_for(user) -> list[tuple[str, str]]:
    """(endpoint, label) pairs for the signed-in user's role."""
    from flask import current_app
    from flask_babel import gettext as _

    items: list[tuple[str, str]] = []
    endpoints = current_app.view_functions
    if "locations.catalogue" in endpoints:
        items.append(("locations.catalogue", _("Filming sites")))
    if not getattr(user, "is_authenticated", False):
        return items
    if user.is_producer and "portal.home" in endpoints:
        items.append(("portal.home", _("My applications")))
        if "money.index" in endpoints:
            items.append(("money.index", _("Money")))
    if user.is_staff and "review.queue" in endpoints:
        items.append(("review.queue", _("Review queue")))
    if "finance.index" in endpoints and _commission_roles(user) & {"finance", "supervisor", "admin"}:
        # The finance officers and the supervisors of the commission (as
        # permits.services.payments decides; this module imports no services).
        items.append(("finance.index", _("Finance")))
    if user.is_platform_admin or (user.membership and user.membership.role == "admin"):
        items.append(("admin.index", _("Administration")))
    return items


def _commission_roles(user) -> set[str]:
    from workflows import current_definition

    commission = current_definition().commission_org_kind
    return {m.role for m in user.organisation_memberships if m.organisation.kind == commission}
