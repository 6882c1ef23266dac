"""An approved application with its permit, and ways to read the PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from permits.extensions import db
from permits.models import Permit
from permits.services import workflow
from tests.services.scenario import MONDAY, approve_all, open_reviews, submitted

CONDITION = "A museum guide must be present"


def approved(world, *, title: str | None = None, condition: str = CONDITION, **kwargs):
    """Submitted, screened, parallel reviews (one with a condition), final approved."""
    application = submitted(world, **kwargs)
    if title is not None:
        application.title = title
        db.session.commit()
    approve_all(world, application, "ministry_screening")
    parallel = open_reviews(application)
    first, *rest = parallel
    workflow.decide(first, world.reviewer_for(first), "approve_with_conditions", conditions=[condition], now=MONDAY)
    for review in rest:
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    db.session.commit()
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert application.state == "approved"
    permit = db.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one()
    return application, permit


def render_pending(permit) -> None:
    """Run the PDF task body for every pending version, as the worker would
    (in a writing transaction, as the Celery task runs)."""
    from permits.database import intends_to_write
    from permits.tasks import render_permit_pdf

    db.session.commit()  # end any read snapshot first (SQLite)
    with intends_to_write():
        db.session.refresh(permit)
        ids = [version.id for version in permit.versions if version.status != "ready"]
        db.session.commit()
        for version_id in ids:
            render_permit_pdf(version_id)
    db.session.expire_all()


def pdf_bytes(version) -> bytes:
    from permits.storage import storage

    with storage().open(version.storage_key) as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def qr_urls(data: bytes) -> list[str]:
    import zxingcpp

    reader = PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        for image in page.images:
            for result in zxingcpp.read_barcodes(image.image.convert("L")):
                found.append(result.text)
    return found
