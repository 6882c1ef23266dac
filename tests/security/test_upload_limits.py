"""Uploads are bounded: a company keeps at most MAX_DOCUMENTS_PER_COMPANY
documents, a user sends at most UPLOAD_RATE_LIMIT files an hour over every
upload route, registration is rate limited per address, and the hourly
clean-up deletes documents and stored files that nothing refers to."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from sqlalchemy import select

from permits.celery_app import celery_config
from permits.models import Document, LocationPhoto
from permits.services import documents, housekeeping
from permits.storage import storage
from permits.tasks import CLEAN_UP_STORAGE, TASKS, clean_up_storage
from tests import clock
from tests.helpers import csrf_token
from tests.security.conftest import pdf_bytes


@pytest.fixture
def producer(sec, client_for):
    return client_for(sec.user("producer"))


def _upload_to_passport(client, n: int):
    page = client.get("/applications/passport")
    return client.post("/applications/passport", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.data), "kind": "other", "file": (io.BytesIO(pdf_bytes(f"file {n}")), f"file-{n}.pdf")})


def test_a_user_sends_at_most_thirty_files_an_hour_over_every_upload_route(producer, sec, app, db, client_for):
    assert app.config["UPLOAD_RATE_LIMIT"].startswith("30 per hour")
    statuses = [_upload_to_passport(producer, n).status_code for n in range(29)]
    assert statuses == [302] * 29
    page = producer.get(f"/applications/{sec.draft.id}/documents")
    response = producer.post(f"/applications/{sec.draft.id}/documents/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.data), "kind": "other", "file": (io.BytesIO(pdf_bytes("30")), "thirty.pdf")})
    assert response.status_code == 302  # the 30th, on another route
    refused = _upload_to_passport(producer, 31)
    assert refused.status_code == 429
    assert "You have sent many files in a short time" in refused.get_data(as_text=True)
    # Another producer has their own budget.
    assert _upload_to_passport(client_for(sec.user("other_producer")), 0).status_code == 302


def test_a_company_keeps_at_most_its_quota_and_the_clean_up_frees_room(sec, db, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENTS_PER_COMPANY", documents.live_documents_of(sec.base.producer.company.id) + 1)
    producer = sec.user("producer")
    extra = documents.add_to_passport(producer, documents.Upload(io.BytesIO(pdf_bytes("x")), "x.pdf"), kind="other")
    db.session.commit()
    extra_id = extra.id
    with pytest.raises(documents.ServiceError, match="already keeps"):
        documents.add_to_passport(producer, documents.Upload(io.BytesIO(pdf_bytes("y")), "y.pdf"), kind="other")
    db.session.rollback()
    # Removed from the passport and attached nowhere: it no longer counts...
    documents.remove_from_passport(producer, db.session.get(Document, extra.id))
    db.session.commit()
    documents.add_to_passport(producer, documents.Upload(io.BytesIO(pdf_bytes("z")), "z.pdf"), kind="other")
    db.session.commit()
    # ...and the clean-up deletes it.
    clean_up_storage()
    db.session.rollback()
    assert db.session.get(Document, extra_id) is None


def test_registration_is_rate_limited_per_address(client, db, app):
    limit = int(app.config["REGISTRATION_RATE_LIMIT"].split()[0])
    statuses = []
    for n in range(limit + 1):
        page = client.get("/auth/register")
        statuses.append(client.post("/auth/register", data={
            "csrf_token": csrf_token(page.data), "name": f"Person {n}", "email": f"p{n}@example.test", "language": "en",
            "legal_name": f"Films {n} LLC", "country": "AZ", "password": "bir iki üç dörd beş altı",
            "confirm": "bir iki üç dörd beş altı"}).status_code)
    assert statuses[:limit] == [200] * limit
    assert statuses[-1] == 429


def _age(key: str, hours: float) -> None:
    """Date a stored file ``hours`` before the suite's moment."""
    path = storage()._path(key)
    then = clock.now().timestamp() - hours * 3600
    os.utime(path, (then, then))


def test_the_clean_up_deletes_what_nothing_refers_to_and_keeps_the_rest(sec, db):
    producer = sec.user("producer")
    store = storage()

    def upload(name: str) -> Document:
        return documents.add_to_passport(producer, documents.Upload(io.BytesIO(pdf_bytes(name)), name), kind="other")

    kept_in_passport = upload("kept.pdf")
    removed_but_attached = upload("attached.pdf")
    documents.attach(sec.draft, producer, removed_but_attached)
    removed_and_unused = upload("unused.pdf")
    db.session.commit()
    for document in (removed_but_attached, removed_and_unused):
        documents.remove_from_passport(producer, document)
    db.session.commit()
    unused_key, unused_id = removed_and_unused.storage_key, removed_and_unused.id
    orphan_old = store.save(io.BytesIO(b"an upload whose transaction rolled back"))
    orphan_new = store.save(io.BytesIO(b"an upload still in progress"))
    for key in [k for k, _ in store.stored()]:
        _age(key, 2)
    _age(orphan_new, 0.1)
    photo_key = db.session.scalars(select(LocationPhoto.storage_key)).first()
    permit_keys = [v.storage_key for v in sec.permit.versions if v.storage_key]

    deleted = clean_up_storage()
    db.session.rollback()

    keys = {k for k, _ in store.stored()}
    assert db.session.get(Document, unused_id) is None
    assert unused_key not in keys and orphan_old not in keys
    assert deleted >= 2  # and any other test's leftovers in the shared folder
    assert db.session.get(Document, kept_in_passport.id) is not None
    assert db.session.get(Document, removed_but_attached.id) is not None
    for key in (kept_in_passport.storage_key, removed_but_attached.storage_key, orphan_new, photo_key, *permit_keys):
        assert key in keys
    # A second run finds nothing more.
    assert clean_up_storage() == 0
    assert dt.timedelta(hours=1) == housekeeping.FILE_GRACE


def test_the_clean_up_is_a_registered_periodic_task(app):
    assert TASKS[CLEAN_UP_STORAGE] is clean_up_storage
    schedule = {entry["task"]: entry["schedule"] for entry in celery_config(app)["beat_schedule"].values()}
    assert schedule[CLEAN_UP_STORAGE] == 3600.0
    assert CLEAN_UP_STORAGE in app.extensions["celery"].tasks
