"""Invoiced and paid applications of the test world, and the text of a PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from permits.extensions import db
from permits.services import ledger
from tests.services.scenario import approve_all, submitted

SITE_NAMES = {"az": "Qız qalası", "en": "Maiden Tower", "ru": "Девичья башня"}


def name_site_a(world) -> None:
    world.site_a.name_az, world.site_a.name_en, world.site_a.name_ru = SITE_NAMES["az"], SITE_NAMES["en"], SITE_NAMES["ru"]
    db.session.commit()


def invoiced(world, language: str = "en", **kwargs):
    """Submitted and screened: the fee invoice is issued (the policy's moment)."""
    world.producer.language = language
    db.session.commit()
    application = submitted(world, **kwargs)
    approve_all(world, application, "ministry_screening")
    invoice = ledger.fee_invoice(application.id)
    assert invoice is not None, "screening did not issue the invoice"
    return application, invoice


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
