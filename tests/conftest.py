"""Test fixtures shared by the whole suite.

Database: ``TEST_DATABASE_URL`` (PostgreSQL in CI) or a SQLite file per test
worker. The schema is made once per run by the migrations, exactly as in
production; after each test every table is emptied, which works on both
databases and with several connections (threads, worker processes).

Services: a test that needs PostgreSQL, Redis or Chromium skips with a
one-line reason when it is missing, except with ``REQUIRE_SERVICES=1`` (CI),
where a missing service fails the run so nothing silently stops being tested.

Isolation: two runs of the suite may share a machine (and its PostgreSQL and
Redis). Each run's PostgreSQL databases carry the run's id, and each test
worker claims a Redis database of its own for as long as it runs.

Clock: every test runs at the suite's reference moment (``tests/clock.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from tests import clock

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# One definition of the browser fixtures for every folder: a second copy
# would start a second Playwright in the same thread, which fails.
pytest_plugins = ["tests.browser_fixtures"]


# Under libfaketime (CI's faked-date passes, with DONT_FAKE_MONOTONIC=1 so that
# timed waits end), the C library's clock_nanosleep on the monotonic clock is
# refused (EINVAL); a timed wait sleeps just as well.
if "faketime" in os.environ.get("LD_PRELOAD", ""):
    _never_set = threading.Event()

    def _sleep(seconds: float) -> None:
        if seconds > 0:
            _never_set.wait(seconds)

    time.sleep = _sleep


# Hypothesis keeps its example counts everywhere. On a loaded CI machine its
# speed checks only measure the load, so the CI profile switches them off.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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


# PostgreSQL databases of a run are named <base>_<run>_<worker> and carry a
# comment with their creation time, so a run that was killed leaves nothing
# that a later run does not clean up. The times are the server's: a run
# under a faked clock must not take another run's databases for old ones.
STALE_DATABASE_SECONDS = 6 * 3600
_COMMENT_PREFIX = "permits-tests created "


def _postgres_admin(url):
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _server_epoch(conn) -> float:
    return float(conn.execute(text("SELECT extract(epoch FROM now())")).scalar_one())


def _drop_stale_databases(conn, base: str) -> None:
    rows = conn.execute(
        text(
            "SELECT d.datname, shobj_description(d.oid, 'pg_database') FROM pg_database d "
            "WHERE d.datname LIKE :pattern"
        ),
        {"pattern": f"{base}\\_%"},
    ).all()
    now = _server_epoch(conn)
    for name, comment in rows:
        if not (comment or "").startswith(_COMMENT_PREFIX):
            continue
        with contextlib.suppress(ValueError):
            if now - float(comment[len(_COMMENT_PREFIX):]) > STALE_DATABASE_SECONDS:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def _database(tmp_root: Path, run_id: str):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_root / 'test.db'}"
        return
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base)
    name = f"{url.database}_{run_id}_{_worker_id()}"
    admin = _postgres_admin(url)
    with admin.connect() as conn:
        _drop_stale_databases(conn, url.database)
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{_COMMENT_PREFIX}{_server_epoch(conn):.0f}'"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def run_id(testrun_uid) -> str:
    """Shared by the workers of one run, different for every run."""
    return testrun_uid[:10]


@pytest.fixture(scope="session")
def tmp_root():
    path = Path(tempfile.mkdtemp(prefix=f"permits-tests-{_worker_id()}-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_root, run_id):
    with _database(tmp_root, run_id) as url:
        yield url


@pytest.fixture
def worker_database(tmp_path, run_id):
    """A migrated database of the test's own, for tests whose real worker
    processes write beside the test (no other test's rows, locks or left-overs)."""
    import uuid

    from flask_migrate import upgrade

    from permits import create_app
    from permits.extensions import db

    with _database(tmp_path, f"{run_id}_{uuid.uuid4().hex[:6]}") as url:
        migrator = create_app(make_config(url, tmp_path))
        with migrator.app_context():
            upgrade(revision="heads")
            db.engine.dispose()
        yield url


# ----------------------------------------------------------------------------- Redis


REDIS_SERVER_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
# Databases 1..15 of the machine's Redis are lent to test workers; the claim
# (a key in database 0) expires by itself if a run is killed.
REDIS_DATABASES = range(1, 16)
REDIS_CLAIM_SECONDS = 3 * 3600


def redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(scope="session")
def redis_url(run_id):
    """A Redis database of this test worker's own (``redis://…/N``), empty at
    first; tests that use it may empty it. Skips (fails in CI) without Redis."""
    import redis

    need(redis_up(REDIS_SERVER_URL), f"Redis is not reachable at {REDIS_SERVER_URL}")
    server = make_url(REDIS_SERVER_URL.replace("redis://", "redis+x://", 1))
    control = redis.Redis.from_url(REDIS_SERVER_URL)
    owner = f"{run_id}:{_worker_id()}:{os.getpid()}"
    for number in REDIS_DATABASES:
        key = f"permits-tests:redis-db:{number}"
        if control.set(key, owner, nx=True, ex=REDIS_CLAIM_SECONDS):
            break
    else:
        need(False, "every Redis database lent to tests is taken by other runs")
    url = f"redis://{server.host or '127.0.0.1'}:{server.port or 6379}/{number}"
    redis.Redis.from_url(url).flushdb()
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            redis.Redis.from_url(url).flushdb()
            if control.get(key) == owner.encode():
                control.delete(key)


# The suite's rate limits count per hour: a window of a minute could roll
# over in the middle of a test on a loaded machine and let an attempt through.
SUITE_LOGIN_RATE_LIMIT = "10 per hour"
SUITE_VERIFY_RATE_LIMIT = "30 per hour"


def make_config(database_url: str, tmp_root: Path, **overrides):
    attrs = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_root / "uploads"),
        "MAILBOX_DIR": str(tmp_root / "mailbox"),
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": SUITE_LOGIN_RATE_LIMIT,
        "VERIFY_RATE_LIMIT": SUITE_VERIFY_RATE_LIMIT,
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
def _suite_clock():
    """Every test runs at the suite's reference moment; the clock ticks from there."""
    with clock.freeze():
        yield


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


def pytest_terminal_summary(terminalreporter, config):
    """The random order's seed, last, where a CI log shows it (pytest-randomly)."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        terminalreporter.write_line(f"Tests ran in random order: reproduce it with -p randomly --randomly-seed={seed}")
    terminalreporter.write_line(f"Suite clock: every test ran at {clock.REFERENCE_NOW.isoformat()} (tests/clock.py)")
