"""Uploads, beyond tests/portal/test_uploads_and_access.py: polyglots are
stored and served so that no browser runs them, renamed executables and
script-carrying images are refused whatever their name and declared type,
file names cannot traverse, inject headers or disguise their extension, and
too large or too many files get a friendly refusal."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from permits.models import Document
from permits.services import documents
from tests.helpers import csrf_token
from tests.security.conftest import check_headers, pdf_bytes

POLYGLOT_PDF = (
    b"%PDF-1.4\n<html><body><script>alert(document.domain)</script><img src=x onerror=alert(1)></body></html>\n"
    b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _gifar_like() -> bytes:
    """A JPEG with a ZIP (a Java archive, an Office file...) appended."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        zf.writestr("index.html", "<script>alert(1)</script>")
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9" + archive.getvalue()


def _post(client, url, data: bytes, name: str, *, page_url: str, mimetype: str = "text/html", **fields):
    token = csrf_token(client.get(page_url).data)
    form = {"csrf_token": token, "kind": "other", "file": (io.BytesIO(data), name, mimetype), **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


@pytest.fixture
def producer(sec, client_for):
    return client_for(sec.user("producer"))


def _latest(db) -> Document:
    db.session.rollback()
    return db.session.execute(select(Document).order_by(Document.id.desc())).scalars().first()


@pytest.mark.parametrize(
    ("data", "name", "why"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120, "photo.png", "ELF executable named .png"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "scan.jpg", "Windows executable named .jpg"),
        (b"MZ\x90\x00" + b"%PDF-1.4\n" + b"\x00" * 64 + b"%%EOF", "policy.pdf", "MZ before a PDF marker"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.png", "SVG with script"),
        (b"<!doctype html><script>alert(1)</script>", "scan.jpeg", "HTML named .jpeg"),
        (b"PK\x03\x04" + b"\x00" * 64, "insurance.pdf", "a ZIP named .pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "run.pdf", "a shell script"),
    ],
)
def test_executables_and_scripts_are_refused_whatever_their_name(producer, sec, db, data, name, why):
    before = db.session.query(Document).count()
    response = _post(producer, "/applications/passport", data, name, page_url="/applications/passport",
                     mimetype="application/pdf")
    body = response.get_data(as_text=True)
    assert response.status_code == 400, why
    assert "must be a PDF, JPEG or PNG" in body and "govuk-error-summary" in body, why
    db.session.rollback()
    assert db.session.query(Document).count() == before, why


def test_a_pdf_html_polyglot_is_only_ever_served_as_an_inert_pdf(producer, sec, db, client_for):
    draft_id = sec.draft.id
    response = _post(producer, f"/applications/{draft_id}/documents/upload", POLYGLOT_PDF, "report.html",
                     page_url=f"/applications/{draft_id}/documents", mimetype="text/html")
    assert response.status_code == 302
    document = _latest(db)
    # Typed by its bytes, not by the name or the browser's claim.
    assert document.content_type == "application/pdf"
    download = producer.get(f"/applications/{draft_id}/documents/{document.id}/file")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    check_headers(download, authenticated=True, where="polyglot download")
    passport = producer.get(f"/applications/passport/{document.id}/file")
    assert passport.status_code in (200, 404)  # only kept in the passport when asked


def test_a_polyglot_shown_inline_to_a_reviewer_runs_in_a_sandbox(sec, db, client_for):
    # Attach the polyglot to the application in review, as its producer would have.
    document = documents.store(sec.user("producer"), documents.Upload(io.BytesIO(POLYGLOT_PDF), "x.pdf"), kind="other")
    documents.attach(sec.in_review, sec.user("producer"), document)
    db.session.commit()
    reviewer = client_for(sec.user("owner_a"))
    response = reviewer.get(f"/review/applications/{sec.in_review.id}/documents/{document.id}?inline=1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    check_headers(response, authenticated=True, where="inline polyglot")


def test_a_jpeg_with_an_archive_appended_is_served_as_an_attachment_image(producer, sec, db):
    response = _post(producer, "/applications/passport", _gifar_like(), "holiday.jpg", page_url="/applications/passport",
                     mimetype="application/java-archive")
    assert response.status_code == 302
    document = _latest(db)
    assert document.content_type == "image/jpeg"
    download = producer.get(f"/applications/passport/{document.id}/file")
    assert download.mimetype == "image/jpeg"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


NAMES = [
    ("..\\..\\x.pdf", "x.pdf"),
    ("C:\\Windows\\System32\\drivers\\etc\\hosts.pdf", "hosts.pdf"),
    ("/etc/passwd\x00.pdf", "passwd.pdf"),
    ("report\r\nContent-Type: text/html\r\n\r\n<b>.pdf", "html<b>.pdf"),  # the slash of text/html is a separator
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("contract\u2066\u200b.pdf", "contract.pdf"),
    ("....pdf", "pdf"),
    ("\x00\x01\x02", "document.pdf"),
]
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f"


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_sanitised_names_are_a_harmless_last_part(name, expected):
    assert documents.sanitise_filename(name, "application/pdf") == expected


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_uploaded_names_never_traverse_inject_or_disguise(producer, sec, db, app, name, expected):
    response = _post(producer, "/applications/passport", pdf_bytes(name), name, page_url="/applications/passport")
    # A name that breaks the multipart encoding itself arrives without a file: a clear 400, never a 500.
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "govuk-error-summary" in response.get_data(as_text=True)
        return
    document = _latest(db)
    stored_name = document.original_filename
    assert "/" not in stored_name and "\\" not in stored_name
    assert not any(ord(c) < 32 or c in INVISIBLE for c in stored_name)
    # Stored under a random key, never under the name.
    stored = [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
    assert all(stored_name not in str(p) for p in stored)
    download = producer.get(f"/applications/passport/{document.id}/file")
    disposition = download.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert download.mimetype == "application/pdf"  # the name never sets the type


def test_oversize_uploads_get_the_friendly_413_page_on_every_upload_route(producer, sec, app):
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    for url, page in (
        (f"/applications/{sec.draft.id}/documents/upload", f"/applications/{sec.draft.id}/documents"),
        (f"/applications/{sec.in_review.id}/reviews/{sec.info_review.id}/answer", f"/applications/{sec.in_review.id}"),
    ):
        token = csrf_token(producer.get(page).data)
        response = producer.post(url, data={"csrf_token": token, "files": (io.BytesIO(big), "big.pdf"),
                                            "file": (io.BytesIO(b"x"), "x.pdf")}, content_type="multipart/form-data")
        assert response.status_code == 413, url
        assert "File too large" in response.get_data(as_text=True)
        check_headers(response, authenticated=True, where=f"413 {url}")


def test_too_many_files_in_an_answer_are_refused_and_nothing_is_kept(producer, sec, db):
    from permits.models import ApplicationDocument

    app_id, review_id = sec.in_review.id, sec.info_review.id
    token = csrf_token(producer.get(f"/applications/{app_id}").data)
    files = [(io.BytesIO(pdf_bytes(str(n))), f"{n}.pdf") for n in range(documents.MAX_DOCUMENTS_PER_APPLICATION + 1)]
    before = db.session.query(Document).count()
    response = producer.post(f"/applications/{app_id}/reviews/{review_id}/answer",
                             data={"csrf_token": token, "body": "Here they are", "files": files, "version": "0"},
                             content_type="multipart/form-data")
    assert response.status_code in (400, 409)
    assert response.status_code != 500
    db.session.rollback()
    assert db.session.query(Document).count() == before
    assert db.session.query(ApplicationDocument).filter_by(application_id=app_id).count() <= documents.MAX_DOCUMENTS_PER_APPLICATION


JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


@pytest.mark.parametrize(
    ("data", "uploaded_as", "served_as"),
    [
        (JPEG_BYTES, "page.html", "page.jpg"),
        (pdf_bytes(), "tool.exe", "tool.pdf"),
        (JPEG_BYTES, "scan.JPEG", "scan.JPEG"),
        (pdf_bytes(), "insurance", "insurance.pdf"),
        (pdf_bytes(), "policy.2027.final-version", "policy.2027.final-version.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "plan.pdf", "plan.png"),
    ],
)
def test_downloads_are_named_after_what_the_bytes_are(producer, sec, db, client_for, data, uploaded_as, served_as):
    response = _post(producer, "/applications/passport", data, uploaded_as, page_url="/applications/passport")
    assert response.status_code == 302
    document = _latest(db)
    assert document.original_filename == uploaded_as  # the producer still sees their own name
    documents.attach(sec.in_review, sec.user("producer"), document)
    db.session.commit()
    downloads = {
        "passport": producer.get(f"/applications/passport/{document.id}/file"),
        "application": producer.get(f"/applications/{sec.in_review.id}/documents/{document.id}/file"),
        "reviewer": client_for(sec.user("owner_a")).get(f"/review/applications/{sec.in_review.id}/documents/{document.id}"),
    }
    for where, download in downloads.items():
        assert download.status_code == 200, where
        assert download.headers["Content-Disposition"] == f"attachment; filename={served_as}", where
        assert download.mimetype == document.content_type, where
