"""The schema is made by the migrations, and they match the models."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from permits import create_app
from permits.extensions import db
from tests.conftest import need, postgres_url


def _fresh_app(url, tmp_path):
    return create_app(type("M", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp_path)}))


def _check_upgrade_from_empty(app):
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "organisations", "companies", "locations", "outbox_messages", "alembic_version"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        # Models and migrations agree: autogenerate would find nothing to do.
        assert diff == [], diff
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()


def test_upgrade_from_empty_on_sqlite(tmp_path):
    _check_upgrade_from_empty(_fresh_app(f"sqlite:///{tmp_path}/m.db", tmp_path))


@pytest.mark.postgres
def test_upgrade_from_empty_on_postgresql(tmp_path):
    base = postgres_url()
    need(bool(base), "PostgreSQL not configured (set TEST_POSTGRES_URL or TEST_DATABASE_URL)")
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"permits_migrations_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        app = _fresh_app(url, tmp_path)
        _check_upgrade_from_empty(app)
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
