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


def render_email(template: str, language: str, context: dict) -> RenderedEmail:
    with force_locale(language):
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", subject=subject, **context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)
