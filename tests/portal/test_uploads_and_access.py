"""Uploads checked by content and size, downloads, and who may see what."""

import datetime as dt
import io
from pathlib import Path

import pytest

from permits.extensions import db as database
from permits.models import Document
from permits.services import documents, workflow
from tests.factories import PASSWORD
from tests.helpers import csrf_token, login
from tests.portal.conftest import complete_draft, pdf_bytes, upload
from tests.services.scenario import approve_all, open_reviews


def _upload(client, url, data: bytes, name: str, page_url=None, **fields):
    token = csrf_token(client.get(page_url or url).data)
    form = {"csrf_token": token, "kind": "other", "file": (io.BytesIO(data), name), **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


def test_a_pdf_goes_into_the_passport_and_downloads_as_an_attachment(producer_client, world, db):
    response = _upload(producer_client, "/applications/passport", pdf_bytes(), "Policy 2027.pdf", kind="insurance",
                       expires_on="2030-01-01", insured_name="LUMIERE S.A.S.")
    assert response.status_code == 302
    db.session.rollback()
    document = db.session.query(Document).one()
    assert document.in_passport and document.content_type == "application/pdf"
    page = producer_client.get("/applications/passport").get_data(as_text=True)
    assert "Policy 2027.pdf" in page and "Name differs" not in page
    download = producer_client.get(f"/applications/passport/{document.id}/file")
    assert download.status_code == 200
    assert download.data == pdf_bytes()
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_an_insurance_in_another_name_is_flagged(producer_client, world, db):
    _upload(producer_client, "/applications/passport", pdf_bytes(), "policy.pdf", kind="insurance",
            expires_on="2030-01-01", insured_name="Other Films Ltd")
    page = producer_client.get("/applications/passport").get_data(as_text=True)
    assert "Name differs from Lumière SAS" in page


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "invoice.pdf"),  # a renamed executable
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>\n%%EOF", "report.pdf"),  # HTML posing as a PDF
        (b"%PDF-1.4 but truncated, no end marker", "half.pdf"),
    ],
)
def test_files_that_are_not_pdf_jpeg_or_png_are_refused_whatever_their_name(producer_client, world, db, data, name):
    response = _upload(producer_client, "/applications/passport", data, name)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in body and "must be a PDF, JPEG or PNG" in body
    db.session.rollback()
    assert db.session.query(Document).count() == 0


def test_a_path_traversal_file_name_is_reduced_to_its_last_part(producer_client, world, db, app):
    response = _upload(producer_client, "/applications/passport", pdf_bytes(), "../../etc/passwd.pdf")
    assert response.status_code == 302
    db.session.rollback()
    document = db.session.query(Document).one()
    assert document.original_filename == "passwd.pdf"
    stored = list(Path(app.config["UPLOAD_DIR"]).rglob(document.storage_key))
    assert stored and "passwd" not in str(stored[0])


def test_an_oversized_upload_gets_the_friendly_413_page(producer_client, world, app):
    token = csrf_token(producer_client.get("/applications/passport").data)
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = producer_client.post("/applications/passport",
                                    data={"csrf_token": token, "kind": "other", "file": (io.BytesIO(big), "big.pdf")},
                                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_too_many_files_on_one_application_are_refused(producer_client, world, db):
    app = complete_draft(world)
    for n in range(documents.MAX_DOCUMENTS_PER_APPLICATION - len(app.documents)):
        documents.upload_to_application(app, world.producer, upload(pdf_bytes(str(n)), f"{n}.pdf"), kind="other")
    database.session.commit()
    url = f"/applications/{app.id}/documents/upload"
    response = _upload(producer_client, url, pdf_bytes("one more"), "extra.pdf", page_url=f"/applications/{app.id}/documents")
    assert response.status_code == 400
    assert "at most 20 documents" in response.get_data(as_text=True)


def test_attaching_from_the_passport_completes_the_documents_section(producer_client, world, db):
    document = documents.add_to_passport(world.producer, upload(pdf_bytes()), kind="insurance",
                                         expires_on=dt.date(2030, 1, 1), insured_name="Lumière SAS")
    from permits.services import applications

    draft = applications.create_draft(world.producer)
    database.session.commit()
    url = f"/applications/{draft.id}/documents"
    page = producer_client.get(url).get_data(as_text=True)
    assert "Every application needs" in page
    token = csrf_token(page)
    response = producer_client.post(f"/applications/{draft.id}/documents/attach",
                                    data={"csrf_token": token, "document_id": str(document.id)})
    assert response.status_code == 302
    response = producer_client.post(url, data={"csrf_token": token, "completed": "yes"})
    assert response.status_code == 302
    db.session.rollback()
    assert "documents" in db.session.get(type(draft), draft.id).completed_sections


# ----------------------------------------------------------------------------- authorization


def _urls(app_id: int, document_id: int, review_id: int | None = None, booking_id: int = 1) -> list[tuple[str, str]]:
    urls = [("GET", f"/applications/{app_id}")]
    for section in ("contacts", "production", "activities", "crew", "declaration", "sites", "sites/add", "documents",
                    "check", "withdraw"):
        urls.append(("GET", f"/applications/{app_id}/{section}"))
        if section != "check":
            urls.append(("POST", f"/applications/{app_id}/{section}"))
    urls += [
        ("POST", f"/applications/{app_id}/submit"),
        ("POST", f"/applications/{app_id}/documents/attach"),
        ("POST", f"/applications/{app_id}/documents/upload"),
        ("POST", f"/applications/{app_id}/documents/{document_id}/detach"),
        ("POST", f"/applications/{app_id}/sites/{booking_id}/remove"),
        ("GET", f"/applications/{app_id}/documents/{document_id}/file"),
        ("GET", f"/applications/passport/{document_id}/file"),
        ("POST", f"/applications/passport/{document_id}/remove"),
    ]
    if review_id:
        urls.append(("POST", f"/applications/{app_id}/reviews/{review_id}/answer"))
    return urls


def _call(client, method, url, token):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def test_another_company_gets_404_for_everything_of_ours(client, world, db):
    application = complete_draft(world)
    document_id = application.documents[0].document_id
    booking_id = application.bookings[0].id
    login(client, world.other_producer.email, PASSWORD)
    token = csrf_token(client.get("/applications/passport").data)
    for method, url in _urls(application.id, document_id, booking_id=booking_id):
        response = _call(client, method, url, token)
        assert response.status_code == 404, (method, url, response.status_code)
    database.session.rollback()
    workflow.submit(application, world.producer)
    [screening] = open_reviews(application)
    workflow.decide(screening, world.ministry_reviewer, "request_information", reason="More")
    database.session.commit()
    response = _call(client, "POST", f"/applications/{application.id}/reviews/{screening.id}/answer", token)
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, world, db):
    application = complete_draft(world)
    for method, url in [("GET", "/applications/"), ("GET", "/applications/passport"), *_urls(application.id, 1)]:
        if method == "POST":
            continue  # CSRF refuses an anonymous POST before anything else
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_reviewers_get_403_on_portal_pages(client, world, db):
    application = complete_draft(world)
    login(client, world.ministry_reviewer.email, PASSWORD)
    for url in ("/applications/", "/applications/passport", f"/applications/{application.id}",
                f"/applications/{application.id}/check"):
        assert client.get(url).status_code == 403, url


def test_reviewers_of_the_application_may_download_its_documents_others_not(client, world, db, app):
    application = complete_draft(world)
    document_id = application.documents[0].document_id
    workflow.submit(application, world.producer)
    database.session.commit()
    url = f"/applications/{application.id}/documents/{document_id}/file"
    login(client, world.ministry_reviewer.email, PASSWORD)
    assert client.get(url).status_code == 200
    # The site owner sees nothing until its review opens.
    owner = app.test_client()
    login(owner, world.owner_a_reviewer.email, PASSWORD)
    assert owner.get(url).status_code == 404
    database.session.rollback()
    approve_all(world, application, "ministry_screening")
    assert owner.get(url).status_code == 200
    # A document of the company that is not attached to this application is not served through it.
    database.session.rollback()
    other = documents.add_to_passport(world.producer, upload(pdf_bytes("x")), kind="other")
    database.session.commit()
    assert owner.get(f"/applications/{application.id}/documents/{other.id}/file").status_code == 404
