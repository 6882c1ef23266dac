"""Engine-level settings per database, and row locking for the services."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Set by Celery tasks (and tests that write from threads): their transactions
# will write, so on SQLite they take the write lock at BEGIN.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@contextlib.contextmanager
def intends_to_write():
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def _begins_a_write() -> bool:
    if has_request_context():
        return request.method not in READ_ONLY_METHODS
    return write_intent.get()


def configure_engine_events(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # We emit BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets the web app, the worker and beat read while one writes;
        # the busy timeout makes a writer wait instead of failing at once.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # A transaction that may write takes SQLite's write lock at BEGIN
        # (IMMEDIATE). Otherwise two writers that both read first would
        # deadlock on upgrading their locks; this way writers queue (busy
        # timeout) and SQLite serialises them, which is what a row lock
        # (SELECT ... FOR UPDATE) gives on PostgreSQL. Page views stay
        # deferred, so reading never waits for a writer in WAL mode.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _begins_a_write() else "BEGIN")


def locked(query, session):
    """``query`` with a row lock where the database has one (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def lock_row(session, model, row_id):
    """Load one row under a row lock, refreshing it from the database."""
    query = locked(select(model).where(model.id == row_id), session).execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()
