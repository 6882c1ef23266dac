"""Fuzz every form and query string of the app, signed in as each role, and
count the 500s (there must be none).

The app runs on a fresh PostgreSQL database (PostgreSQL refuses NUL in text
and overflows on out-of-range integers, where SQLite is lenient), filled with
the security suite's world: drafts, an application in review, an approved
one with its permit, documents, notifications, outbox messages, saved
texts, closures, photos. The fuzzer (tests/security/fuzz.py) visits every
GET route of the url_map as anonymous and as each of the eight roles,
collects the forms on the pages and sends them, and every query string,
values that broke things before. Rate limits are off so that every request
reaches the view (they are tested on their own).

    .venv/bin/python bench/fuzz_inputs.py [--requests 3000] [--seed 12]

Environment: FUZZ_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test;
a database fuzz_<pid> is made beside it and dropped afterwards), or
FUZZ_DATABASE_URL to use a database as it is (e.g. sqlite:///...).
Exit status 1 if any request answered 500.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _fresh_postgres(base: str) -> tuple[str, callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"fuzz_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="fuzz-inputs-"))
    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))
    drop = None
    database = os.environ.get("FUZZ_DATABASE_URL")
    if not database:
        database, drop = _fresh_postgres(os.environ.get("FUZZ_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    try:
        from flask_migrate import upgrade

        from permits import create_app
        from permits.database import intends_to_write
        from tests.conftest import IsolatedClient, make_config
        from tests.security.conftest import make_world
        from tests.security.fuzz import Fuzzer

        app = create_app(make_config(database, tmp, RATELIMIT_ENABLED=False))
        app.test_client_class = IsolatedClient
        with app.app_context():
            upgrade(revision="heads")
        started = time.perf_counter()
        with app.app_context():
            from permits.extensions import db

            with intends_to_write():
                world = make_world()
                fuzzer = Fuzzer(app, world, seed=args.seed)
                fuzzer.get_routes()  # the world's values, then no transaction is held
            result = fuzzer.run(args.requests)
            db.session.remove()
            db.engine.dispose()
        elapsed = time.perf_counter() - started
    finally:
        if drop:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"database: {database.split('://')[0]}, seed {args.seed}")
    print(f"{result.requests} requests in {elapsed:.0f} s over {result.forms} forms seen, as anonymous and 8 roles")
    print("statuses: " + ", ".join(f"{status} x {count}" for status, count in sorted(result.statuses.items())))
    print(f"500s: {result.server_errors}")
    for failure in result.failures[:50]:
        print("  " + str(failure))
    return 1 if result.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
