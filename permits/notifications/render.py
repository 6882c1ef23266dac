"""Rendering of e-mails in the recipient's language, HTML and text."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from sqlalchemy import select

from permits import formats, labels
from permits.extensions import db
from permits.models import Booking, Location, Organisation, Permit
from permits.notifications.events import EVENTS, spec
from permits.templating import money


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class _Blank(dict):
    def __missing__(self, key):
        return ""


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _fill(line: str, values: dict) -> str:
    """A line none of whose placeholders has a value is left out altogether
    (no "Reason: ." when there is no reason)."""
    names = PLACEHOLDER.findall(line)
    if names and all(not str(values.get(name, "")).strip() for name in names):
        return ""
    return line % values


def _event_context(template: str, context: dict) -> tuple[str, dict]:
    """Events share one template; fill their translated lines from the context."""
    if template == DIGEST_TEMPLATE:
        return template, {**context, "items": [_digest_item(item) for item in context.get("items", [])]}
    if template not in EVENTS:
        return template, context
    wording = spec(template, context)
    derived = _derived(context)
    if template in PERMIT_EVENTS and context.get("application_id") and not context.get("number"):
        derived["number"] = _permit_number(context["application_id"]) or ""
    values = _Blank({k: ("" if v is None else v) for k, v in context.items()})
    values.update(derived)
    lines = [_fill(str(line), values) for line in wording.lines]
    return "event", {
        **context,
        **derived,
        "event_subject": str(wording.subject) % values,
        "event_lines": [line for line in lines if line.strip()],
        "event_action": str(wording.action),
    }


DIGEST_TEMPLATE = "daily_digest"
PERMIT_EVENTS = ("application_approved", "permit_issued_to_site_owner")


def _digest_item(item: dict) -> dict:
    """One line of a daily digest: the event's subject and its link."""
    _template, rendered = _event_context(item.get("template", ""), item.get("context", {}))
    return {
        "subject": rendered.get("event_subject", item.get("template", "")),
        "lines": rendered.get("event_lines", []),
        "url": rendered.get("url", ""),
        "action": rendered.get("event_action", ""),
    }


def event_subject(template: str, context: dict) -> str:
    """The one-line summary of an event in the current language (the bell's list)."""
    _template, rendered = _event_context(template, context)
    return rendered.get("event_subject", template)


def _derived(context: dict) -> dict:
    """Values rendered in the recipient's language from codes and ids."""
    language = str(get_locale().language) if get_locale() else "az"
    out: dict = {}
    if context.get("due_iso"):
        due = str(context["due_iso"])
        # A day to pay by is a date; a review's or an answer's due time is a moment.
        out["due"] = formats.date_text(due) if len(due) == 10 else formats.datetime_text(due)
    if context.get("organisation_id"):
        organisation = db.session.get(Organisation, context["organisation_id"])
        if organisation is not None:
            out["organisation"] = organisation.translated("name", language)
    if context.get("review_kind"):
        out["review"] = labels.review_kind_name(context["review_kind"])
    if context.get("decision_code"):
        out["decision"] = str(labels.DECISIONS.get(context["decision_code"], context["decision_code"]))
    if context.get("path"):
        out["url"] = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + context["path"]
    for key in ("total", "balance", "amount"):
        if context.get(key) not in (None, ""):
            out[f"{key}_text"] = money(context[key])
    if context.get("bookings"):
        # A site owner's sites in the permit, named in the reader's language with their days.
        parts = []
        for booking in context["bookings"]:
            location = db.session.get(Location, booking.get("location_id"))
            name = location.translated("name", language) if location is not None else ""
            with contextlib.suppress(ValueError, TypeError):
                days = formats.date_range_text(dt.date.fromisoformat(booking["start"]),
                                               dt.date.fromisoformat(booking["end"]), language)
                name = f"{name} ({days})"
            parts.append(name)
        out["bookings"] = "; ".join(parts)
    if context.get("until"):
        with contextlib.suppress(ValueError):
            out["until"] = formats.date_text(dt.date.fromisoformat(str(context["until"])))
    if context.get("amendment_id"):
        summary = amendment_summary(context["amendment_id"], language)
        if summary:
            out["summary"] = summary
    return out


def amendment_summary(amendment_id, language: str) -> str:
    """What an amendment adds, in one language: ``+ Qobustan: 3 may 2027 – 5 may 2027, 08:00–20:00``."""
    bookings = db.session.execute(
        select(Booking).where(Booking.amendment_id == amendment_id).order_by(Booking.id)
    ).scalars()
    return "; ".join(
        f"+ {b.location.translated('name', language)}: {formats.date_range_text(b.start_date, b.end_date, language)}, "
        f"{formats.hours_text(b.daily_start, b.daily_end)}"
        for b in bookings
    )


def _permit_number(application_id) -> str | None:
    return db.session.execute(select(Permit.number).where(Permit.application_id == application_id)).scalar_one_or_none()


def render_email(template: str, language: str, context: dict) -> RenderedEmail:
    with force_locale(language):
        template, context = _event_context(template, context)
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", subject=subject, **context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)
