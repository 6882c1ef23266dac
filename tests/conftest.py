"""Test fixtures shared by the whole suite.

Database: ``TEST_DATABASE_URL`` (PostgreSQL in CI) or a SQLite file per test
worker. The schema is made once per run by the migrations, exactly as in
production; after each test every table is emptied, which works on both
databases and with several connections (threads, worker processes).

Services: a test that needs PostgreSQL, Redis or Chromium skips with a
one-line reason when it is missing, except with ``REQUIRE_SERVICES=1`` (CI),
where a missing service fails the run so nothing silently stops being tested.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestingConfig

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# One definition of the browser fixtures for every folder: a second copy
# would start a second Playwright in the same thread, which fails.
pytest_plugins = ["tests.browser_fixtures"]


def need(condition: bool, reason: str) -> None:
    """Skip (or, in CI, fail) a test whose service is unavailable."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_url() -> str | None:
    """A PostgreSQL server for the tests that need one whatever the suite's
    database is (migrations, concurrency): TEST_POSTGRES_URL, else
    TEST_DATABASE_URL when it is PostgreSQL."""
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    if not url.startswith("postgres"):
        return None
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root: Path) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_root / 'test.db'}"
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base)
    name = f"{url.database}_{_worker_id()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def tmp_root():
    path = Path(tempfile.mkdtemp(prefix=f"permits-tests-{_worker_id()}-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_root):
    return _database_url(tmp_root)


def make_config(database_url: str, tmp_root: Path, **overrides):
    attrs = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_root / "uploads"),
        "MAILBOX_DIR": str(tmp_root / "mailbox"),
        "RATELIMIT_ENABLED": True,
    }
    attrs.update(overrides)
    return type("SuiteConfig", (TestingConfig,), attrs)


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    Without this, a request made while a test holds an app context would
    share that context's ``g`` (the signed-in user, the CSRF token) and its
    database session with the test and with every other request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_root):
    from flask_migrate import upgrade

    from permits import create_app

    os.environ.setdefault("INSTANCE_PATH", str(tmp_root / "instance"))
    application = create_app(make_config(database_url, tmp_root))
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade(revision="heads")
    yield application
    with application.app_context():
        from permits.extensions import db

        db.engine.dispose()


def empty_tables(application) -> None:
    """Delete every row (the schema stays); works with several connections."""
    from permits.extensions import db

    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _clean_state(request, tmp_root):
    """Empty every table and the mailbox after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    from permits.extensions import limiter

    empty_tables(application)
    with application.app_context():
        limiter.reset()
    shutil.rmtree(tmp_root / "mailbox", ignore_errors=True)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def db(app_ctx):
    from permits.extensions import db as database

    yield database
    database.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mailbox(app, tmp_root):
    """The e-mails written to the local mailbox, parsed."""
    from tests.helpers import Mailbox

    return Mailbox(tmp_root / "mailbox")
