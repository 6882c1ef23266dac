"""The PostgreSQL database a bench script creates, uses and drops, and the
Flask app it drives in-process.

BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
names the server; each script names its own database, so that two benches
never share one.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def database_url(name: str) -> str:
    """The SQLAlchemy URL (psycopg driver) of database ``name`` on the bench server."""
    return make_url(server_url()).set(database=name).render_as_string(hide_password=False)


def _admin(statements: list[str]) -> None:
    admin = create_engine(database_url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


def recreate_database(name: str) -> str:
    """An empty database ``name`` (dropped first if it exists); its URL."""
    _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
    return database_url(name)


def database_exists(name: str) -> bool:
    admin = create_engine(database_url("postgres"))
    try:
        with admin.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is not None
    finally:
        admin.dispose()


def drop_database(name: str) -> None:
    _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def make_app(url: str, tmp: Path, **settings):
    """The product on ``url`` with the testing configuration, files under ``tmp``."""
    from config import TestingConfig
    from permits import create_app

    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))
    config = type(
        "BenchConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp / "uploads"), "MAILBOX_DIR": str(tmp / "mailbox"),
         **settings},
    )
    return create_app(config)
