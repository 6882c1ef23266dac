"""The public pages against the framework's ceiling, in one run.

Starts, on this machine and with the production settings (PERMITS_ENV=
production, PostgreSQL, Redis, gunicorn -c deploy/gunicorn.conf.py with 2
workers × 4 threads):

- the product, on a database ``bench_public`` created, migrated and seeded
  with the demo (``flask seed-demo``) by this script, and dropped at the end;
- a bare Flask app (bench/ceiling_app.py): plain text, one ``SELECT 1``, a
  small compiled template;
- a private ``redis-server`` on a free port (rate limits' storage, broker).

The product is served by bench/bench_wsgi.py: the production configuration
with cookies that are not Secure-only (plain HTTP on loopback).

Then drives each URL for a fixed time with bench/loadgen.py (Python:
processes × threads, one keep-alive http.client connection per thread; wrk
is not used) and prints requests/s, latency percentiles and each page as a
percentage of the one-``SELECT 1`` endpoint. Public pages are measured twice:
"full" (every request rendered: a visitor whose browser keeps nothing) and
"revalidate" (If-None-Match with the page's ETag: a returning browser after
max-age, answered 304 without rendering). Verification runs with the rate
limiter off. Every process it starts is stopped at the end.

    python bench/bench_ceiling.py [--duration 10] [--processes 2] [--threads 10] [--keep]

BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
names the PostgreSQL server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

BIN = Path(sys.executable).parent
DB_NAME = "bench_public"


def server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    return make_url(server_url()).set(database=name).render_as_string(hide_password=False)


def admin_engine():
    url = database_url("postgres").replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, isolation_level="AUTOCOMMIT")


def recreate_database() -> None:
    engine = admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    engine.dispose()


def drop_database() -> None:
    engine = admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def gunicorn(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def page_urls(base: str) -> list[tuple[str, str, bool]]:
    """(name, URL, public-and-cacheable) of the product's pages."""
    engine = create_engine(database_url(DB_NAME).replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        slugs = conn.execute(text("SELECT slug FROM locations WHERE published ORDER BY id LIMIT 2")).scalars().all()
        permit = conn.execute(text("SELECT verification_token, number, short_code FROM permits ORDER BY id LIMIT 1")).first()
    engine.dispose()
    day = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    pages = [
        ("home", f"{base}/", False),
        ("catalogue", f"{base}/sites/", True),
        ("site page", f"{base}/sites/{slugs[0]}", True),
        ("quote (computed)", f"{base}/sites/quote?sites={slugs[0]}&sites={slugs[1]}&start_date={day}&end_date={day}"
                             "&crew=20&vehicles=2&production_type=feature&country_of_origin=FR", True),
        ("scorecard", f"{base}/scorecard/", True),
    ]
    if permit is not None:
        pages.append(("verification (token)", f"{base}/verify/{permit.verification_token}", False))
        pages.append(("verification (number+code)", f"{base}/verify/?number={permit.number}&code={permit.short_code}", False))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per URL")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--threads", type=int, default=10, help="connections per process")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-ceiling-"))
    redis_port, product_port, ceiling_port, uncached_port = free_port(), free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "PERMITS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url(DB_NAME),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "RATELIMIT_ENABLED": "0",
        "INSTANCE_PATH": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAILBOX_DIR": str(tmp / "mailbox"),
        "CEILING_DATABASE_URL": database_url(DB_NAME),
        "FLASK_APP": "permits",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
    }
    env.pop("FLASK_DEBUG", None)
    redis = product = ceiling = uncached = None
    recreate_database()
    try:
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in (["db", "upgrade", "heads"], ["seed-demo"]):
            subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True)
        product = gunicorn("bench_wsgi:create_app()", product_port, env, tmp / "product.log")
        ceiling = gunicorn("ceiling_app:create_app()", ceiling_port, env, tmp / "ceiling.log")
        # The same product with the public page cache off: what a page costs
        # when it is rendered (the first visit after a write).
        uncached = gunicorn("bench_wsgi:create_app()", uncached_port, {**env, "PUBLIC_PAGE_CACHE_URL": ""},
                            tmp / "uncached.log")
        product_base, ceiling_base = f"http://127.0.0.1:{product_port}", f"http://127.0.0.1:{ceiling_port}"
        uncached_base = f"http://127.0.0.1:{uncached_port}"
        wait_for(f"{product_base}/sites/", product)
        wait_for(f"{uncached_base}/sites/", uncached)
        wait_for(f"{ceiling_base}/plain", ceiling)

        print(f"load: {args.processes} processes × {args.threads} threads (Python http.client keep-alive), "
              f"{args.duration:.0f} s per URL; gunicorn 2 workers × 4 threads; PostgreSQL {DB_NAME}")
        header = f"{'page':38} {'mode':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'% SELECT 1':>11}"
        rows = []

        def measure(name: str, url: str, mode: str = "full") -> dict:
            # Unmeasured warm-up: the workers' connections, caches and imports.
            loadgen.run(url, duration=min(2.0, args.duration), processes=1, threads=4, mode=mode,
                        headers={"Accept-Language": "en"})
            result = loadgen.run(url, duration=args.duration, processes=args.processes, threads=args.threads,
                                 mode=mode, headers={"Accept-Language": "en"})
            rows.append((name, mode, result))
            return result

        ceiling_rows = {path: measure(f"bare Flask {path}", f"{ceiling_base}{path}") for path in ("/plain", "/select1", "/template")}
        for (name, url, public), (_, uncached_url, _) in zip(page_urls(product_base), page_urls(uncached_base), strict=True):
            measure(name, url)
            if public:
                measure(name, url, "revalidate")
            if name != "home":
                measure(name, uncached_url, "rendered")
        reference = ceiling_rows["/select1"]["rps"] or 1.0
        print(header)
        for name, mode, r in rows:
            share = 100 * r["rps"] / reference
            mode_text = f"{mode} ({r['not_modified'] * 100 // max(1, r['ok'])}% 304)" if mode == "revalidate" else mode
            print(f"{name:38} {mode_text:10} {r['rps']:8.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
                  f"{r['errors']:7d} {share:10.1f}%")
        print("\n% SELECT 1: requests/s of the page over requests/s of the bare one-SELECT endpoint in this run "
              "(target: public pages at 25% or more). full: every request answered in full (a visitor whose browser "
              "keeps nothing; the page from the shared cache); revalidate: a returning browser (304); rendered: the "
              "page cache off, every request rendered from the database (the first visit after a write).")
    finally:
        for process in (product, ceiling, uncached, redis):
            stop(process)
        if not args.keep:
            drop_database()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
