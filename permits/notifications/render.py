"""Rendering of e-mails in the recipient's language, HTML and text."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _event_context(template: str, context: dict) -> tuple[str, dict]:
    """Events share one template; fill their translated lines from the context."""
    from permits.notifications.events import EVENTS

    if template not in EVENTS:
        return template, context
    spec = EVENTS[template]
    values = _Blank({k: ("" if v is None else v) for k, v in context.items()})
    values.update(_derived(context))
    lines = [str(line) % values for line in spec.lines]
    return "event", {
        **context,
        **_derived(context),
        "event_subject": str(spec.subject) % values,
        "event_lines": [line for line in lines if line.strip()],
        "event_action": str(spec.action),
    }


def _derived(context: dict) -> dict:
    """Values rendered in the recipient's language from codes and ids."""
    import datetime as dt

    from flask import current_app
    from flask_babel import format_datetime, get_locale

    from permits import labels
    from permits.extensions import db
    from permits.models import Organisation

    language = str(get_locale().language) if get_locale() else "az"
    out: dict = {}
    if context.get("due_iso"):
        out["due"] = format_datetime(dt.datetime.fromisoformat(context["due_iso"]), "d MMMM y, HH:mm")
    if context.get("organisation_id"):
        organisation = db.session.get(Organisation, context["organisation_id"])
        if organisation is not None:
            out["organisation"] = organisation.translated("name", language)
    if context.get("review_kind"):
        out["review"] = str(labels.REVIEW_KINDS.get(context["review_kind"], context["review_kind"]))
    if context.get("decision_code"):
        out["decision"] = str(labels.DECISIONS.get(context["decision_code"], context["decision_code"]))
    if context.get("path"):
        out["url"] = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + context["path"]
    return out


def render_email(template: str, language: str, context: dict) -> RenderedEmail:
    with force_locale(language):
        template, context = _event_context(template, context)
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", subject=subject, **context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)
