"""Fixtures of the portal and catalogue tests: a small world, dates that are
always in the future, and files that are (or pretend to be) documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from permits.extensions import db as database
from permits.services import applications, documents
from tests import clock
from tests.factories import PASSWORD
from tests.helpers import login
from tests.services.scenario import build_world


def pdf_bytes(text: str = "insurance") -> bytes:
    body = f"1 0 obj << /Type /Catalog >> endobj % {text}\n".encode()
    return b"%PDF-1.4\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def future(days: int = 45) -> dt.date:
    """A date ``days`` calendar days after the suite's date (tests/clock.py)."""
    return clock.days_ahead(days)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def producer_client(client, world):
    login(client, world.producer.email, PASSWORD)
    # End the test session's read snapshot: the sign-in wrote in its own session.
    database.session.rollback()
    return client


def upload(data: bytes, name: str = "certificate.pdf") -> documents.Upload:
    return documents.Upload(stream=io.BytesIO(data), filename=name)


def complete_draft(world, *, start: dt.date | None = None, activities=(), crew=10, insured=None, expires=None):
    """A draft with every section completed, ready to submit."""
    start = start or future()
    producer = world.producer
    app = applications.create_draft(producer)
    applications.save_contacts(app, producer, contact_name="Ana", contact_email="ana@example.test",
                               contact_phone="+994 12 000 00 00", complete=True)
    applications.save_production(app, producer, title="The Silk Road", production_type="feature",
                                 country_of_origin="FR", synopsis="A caravan crosses the old city at dawn.", complete=True)
    applications.add_site_booking(app, producer, world.site_a, start=start, end=start + dt.timedelta(days=1),
                                  crew_on_site=crew)
    applications.mark_section(app, producer, "sites", True)
    applications.save_activities(app, producer, activities=list(activities),
                                 safety_notes="A safety officer is on set at all times." if activities else "", complete=True)
    applications.save_crew(app, producer, crew_total=crew, equipment_notes="", complete=True)
    document = documents.add_to_passport(
        producer, upload(pdf_bytes()), kind="insurance",
        expires_on=expires or start + dt.timedelta(days=400),
        insured_name=insured or producer.company.legal_name,
    )
    documents.attach(app, producer, document)
    attach_needed_documents(app, producer, start + dt.timedelta(days=400))
    applications.mark_section(app, producer, "documents", True)
    applications.declare(app, producer, name="Ana Producer", confirmed=True)
    database.session.commit()
    return app


@pytest.fixture
def client(app):
    """The suite's client, reading English (the sites of the small world are named in English)."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


def attach_needed_documents(app, producer, expires_on: dt.date) -> None:
    """Every document the application's reviews need for its activities
    (the process definition says which: a drone's registration, pilot
    certificate and flight plan...), as a producer would upload them."""
    for _kind, need in documents.needed_documents(app):
        if any(link.document.kind == need.document_kind for link in app.documents):
            continue
        expiry = expires_on if need.document_kind in documents.EXPIRING_KINDS else None
        documents.upload_to_application(app, producer, upload(pdf_bytes(need.document_kind), f"{need.document_kind}.pdf"),
                                        kind=need.document_kind, expires_on=expiry)
        database.session.refresh(app)
