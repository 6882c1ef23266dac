"""Security headers on every kind of response (pages, errors, files, static),
friendly error pages that leak nothing, and the production settings: HSTS,
Secure/HttpOnly/SameSite cookies, no debug, no weak key."""

from __future__ import annotations

import io

import pytest

from config import KNOWN_WEAK_KEYS, ConfigError, ProductionConfig
from permits import create_app
from tests.conftest import make_config
from tests.factories import PASSWORD, ProducerFactory
from tests.helpers import csrf_token
from tests.security.conftest import check_headers, csp_directives

LEAKS = ("Traceback", "File \"", "werkzeug", "sqlalchemy", "site-packages", "Secret detail of the failure")


def _friendly(response, code: int, title: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert title in body, body[:500]
    assert "govuk-heading-l" in body or "govuk-heading-xl" in body
    for leak in LEAKS:
        assert leak not in body, f"{leak!r} in the {code} page"
    return body


def test_the_policy_itself_allows_no_inline_code(app, client):
    response = client.get("/")
    directives = csp_directives(response.headers["Content-Security-Policy"])
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    check_headers(response, authenticated=False, where="GET /")
    assert "Strict-Transport-Security" not in response.headers  # only in production (below)


def test_static_files_carry_the_headers(app, client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    check_headers(response, authenticated=False, where="static css")


def test_404_and_405_pages(app, client):
    response = client.get("/no/such/page")
    _friendly(response, 404, "Page not found")
    check_headers(response, authenticated=False, where="404")
    response = client.get("/auth/logout")
    _friendly(response, 405, "Not allowed")
    check_headers(response, authenticated=False, where="405")


def test_413_page(app, client):
    token = csrf_token(client.get("/auth/login").data)
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/auth/login", data={"csrf_token": token, "file": (io.BytesIO(big), "big.pdf")},
                           content_type="multipart/form-data")
    _friendly(response, 413, "File too large")
    check_headers(response, authenticated=False, where="413")


def test_429_page(app, client):
    token = csrf_token(client.get("/auth/login").data)
    response = None
    for _ in range(12):
        response = client.post("/auth/login", data={"csrf_token": token, "email": "x@example.test", "password": "nope"})
    _friendly(response, 429, "Too many attempts")
    check_headers(response, authenticated=False, where="429")
    assert "Retry-After" in response.headers


@pytest.fixture
def failing_app(database_url, tmp_root):
    """A fresh app with a test-only route that fails, and one that aborts with 500."""
    application = create_app(make_config(database_url, tmp_root))

    @application.route("/__test__/boom")
    def boom():
        raise RuntimeError("Secret detail of the failure: password=hunter2 at /srv/app/permits/x.py")

    @application.route("/__test__/abort")
    def aborting():
        from flask import abort

        abort(500)

    yield application
    with application.app_context():
        from permits.extensions import db

        db.engine.dispose()


def test_500_page_shows_no_traceback(failing_app, caplog):
    client = failing_app.test_client()
    for url in ("/__test__/boom", "/__test__/abort"):
        response = client.get(url)
        body = _friendly(response, 500, "Something went wrong")
        assert "hunter2" not in body
        check_headers(response, authenticated=False, where=url)
    # The detail goes to the log, not to the visitor.
    assert any("boom" in record.getMessage() for record in caplog.records)
    response = client.get("/__test__/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500 and "hunter2" not in response.get_data(as_text=True)


# ----------------------------------------------------------------------------- production


def production(**attrs):
    base = {"SECRET_KEY": "Jr0tN5vXo-2qLkW8yHc_4mZb7sDf1gPa9eUiV6nR3tYw", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/permits",
            "DEBUG": False, "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0"}
    base.update(attrs)
    return type("Prod", (ProductionConfig,), base)


@pytest.fixture
def production_app(database_url, tmp_root):
    """ProductionConfig validated as is, then pointed at the suite's database."""
    application = create_app(
        production(),
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_root / "uploads"),
        MAILBOX_DIR=str(tmp_root / "mailbox"),
        SMTP_URL="mailbox",
        RATELIMIT_STORAGE_URI="memory://",
    )
    yield application
    with application.app_context():
        from permits.extensions import db

        db.engine.dispose()


def test_production_sends_hsts_and_secure_cookies(production_app, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    client = production_app.test_client()
    page = client.get("/auth/login", base_url="https://localhost")
    assert page.status_code == 200
    for response in (page, client.get("/missing", base_url="https://localhost")):
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
        check_headers(response, authenticated=False, where="production")
    response = client.post(
        "/auth/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/auth/login"},  # CSRF checks the referrer over HTTPS
        data={"email": "ann@example.test", "password": PASSWORD, "remember": "y", "csrf_token": csrf_token(page.data)},
    )
    assert response.status_code == 302
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert {"session", "remember_token"} <= set(cookies), cookies
    for name in ("session", "remember_token"):
        flags = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in flags, cookies[name]
        assert "httponly" in flags, cookies[name]
        assert "samesite=lax" in flags or "samesite=strict" in flags, cookies[name]
    assert production_app.debug is False
    # Over HTTPS a POST from another site is refused even with a valid token.
    other = production_app.test_client()
    token = csrf_token(other.get("/auth/login", base_url="https://localhost").data)
    form = {"email": "ann@example.test", "password": PASSWORD, "csrf_token": token}
    forged = other.post("/auth/login", base_url="https://localhost", headers={"Referer": "https://evil.example/"}, data=form)
    assert forged.status_code == 400
    same_site = other.post("/auth/login", base_url="https://localhost", headers={"Referer": "https://localhost/"}, data=form)
    assert same_site.status_code == 302


@pytest.mark.parametrize("key", sorted(KNOWN_WEAK_KEYS | {"CHANGEME", " secret "}))
def test_production_refuses_every_known_weak_key(key):
    with pytest.raises(ConfigError):
        production(SECRET_KEY=key.strip()).validate()


def test_production_refuses_debug_however_it_is_asked_for(monkeypatch):
    with pytest.raises(ConfigError, match="debug"):
        create_app(production(DEBUG=True))
    for value in ("1", "true", "yes", "on"):
        monkeypatch.setenv("FLASK_DEBUG", value)
        with pytest.raises(ConfigError, match="debug"):
            production().validate()


def test_production_by_name_without_a_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(type("Prod", (ProductionConfig,), {"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/x"}))
