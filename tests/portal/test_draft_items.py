"""A draft's items (its bookings and documents) are part of the draft: adding
or removing one moves the application's row version, so the check page's
submit form, or a program's If-Match, built before the change is stale; and
they change only while it is a draft."""

from __future__ import annotations

import io

import pytest

from permits.extensions import db as database
from permits.models import Application
from permits.services import ServiceError, applications
from tests.helpers import post_form
from tests.portal.conftest import complete_draft, future, pdf_bytes, upload
from tests.services.scenario import submitted


def _version(application_id: int) -> int:
    database.session.rollback()
    return database.session.get(Application, application_id).version


def test_each_item_added_or_removed_moves_the_drafts_version(world, db):
    producer = world.producer
    draft = applications.create_draft(producer)
    db.session.commit()
    versions = [_version(draft.id)]
    draft = db.session.get(Application, draft.id)
    booking = applications.add_site_booking(draft, producer, world.site_a, start=future(), end=future(), crew_on_site=5)
    db.session.commit()
    versions.append(_version(draft.id))
    draft = db.session.get(Application, draft.id)
    document = applications.add_draft_document(draft, producer, upload(pdf_bytes()), kind="synopsis")
    db.session.commit()
    versions.append(_version(draft.id))
    draft = db.session.get(Application, draft.id)
    applications.remove_draft_document(draft, producer, document)
    db.session.commit()
    versions.append(_version(draft.id))
    draft = db.session.get(Application, draft.id)
    applications.remove_site_booking(draft, producer, db.session.merge(booking))
    db.session.commit()
    versions.append(_version(draft.id))
    assert versions == sorted(set(versions)), versions  # every step a new, higher version


def test_documents_change_only_on_a_draft(world, db):
    filed = submitted(world, sites=[world.site_a])
    with pytest.raises(ServiceError, match="can no longer be changed"):
        applications.add_draft_document(filed, world.producer, upload(pdf_bytes()), kind="synopsis")
    db.session.rollback()
    with pytest.raises(ServiceError, match="can no longer be changed"):
        applications.remove_draft_document(filed, world.producer, None)
    db.session.rollback()


def test_a_submit_form_from_before_an_upload_is_stale(producer_client, world, db):
    application = complete_draft(world)
    check_url = f"/applications/{application.id}/check"
    version_seen = application.version
    page = producer_client.get(f"/applications/{application.id}/documents")
    assert page.status_code == 200
    uploaded = post_form(producer_client, f"/applications/{application.id}/documents/upload",
                         {"kind": "synopsis", "file": (io.BytesIO(pdf_bytes("s")), "s.pdf")},
                         page_url=f"/applications/{application.id}/documents", content_type="multipart/form-data")
    assert uploaded.status_code == 302
    response = post_form(producer_client, f"/applications/{application.id}/submit", {"version": str(version_seen)},
                         page_url=check_url)
    assert response.status_code == 409
    assert _version(application.id) > version_seen
    assert database.session.get(Application, application.id).state == "draft"
