"""Resident memory of a web worker and a Celery worker after real work.

Targets (issue 20): a web worker under 150 MB after page views and sign-ins,
a Celery worker under 200 MB. Migrates and seeds the demo into a temporary
instance folder (SQLite, or BENCH_DATABASE_URL), starts gunicorn as
production does (``-c deploy/gunicorn.conf.py``, 1 worker x 4 threads, with
the environment the Procfile's web line sets, e.g. MALLOC_ARENA_MAX) and a
Celery worker (threads), then prints the web worker's resident size:

1. after start-up and one page;
2. after N page views (every main page as each role, C at a time);
3. after M sign-ins, C at a time (argon2id, 19 MiB each while it runs).

    .venv/bin/python bench/bench_memory.py [--views 600] [--sign-ins 200] [--concurrency 8]

Run it in two trees (before and after a change) to compare; the rate limits
are off so that the sign-ins are not refused.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("BENCH_PORT", "5091"))
PASSWORD = "film-permit-demo-2027"
PAGES = {
    "admin@demo.filmpermit.test": ["/admin/", "/admin/outbox/", "/admin/process", "/notifications/"],
    "julien.producer@demo.filmpermit.test": ["/applications/", "/sites/", "/sites/icherisheher"],
    "coordinator@demo.filmpermit.test": ["/review/", "/review/applications", "/review/statistics", "/review/escalations"],
    "icherisheher.reviewer@demo.filmpermit.test": ["/review/", "/review/sites", "/sites/quote?sites=icherisheher"],
    "": ["/", "/sites/", "/sites/icherisheher", "/verify/"],
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def procfile_environment() -> dict[str, str]:
    """The VAR=value words in front of the Procfile's web command."""
    procfile = ROOT / "Procfile"
    env: dict[str, str] = {}
    if not procfile.exists():
        return env
    for line in procfile.read_text().splitlines():
        if line.startswith("web:"):
            for word in shlex.split(line[4:]):
                if "=" not in word or word.startswith("-"):
                    break
                name, value = word.split("=", 1)
                env[name] = value
    return env


def sign_in(email: str):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{PORT}/auth/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    answer = opener.open(f"http://127.0.0.1:{PORT}/auth/login", data=data)
    answer.read()
    if "/auth/login" in answer.geturl():
        raise RuntimeError(f"sign-in of {email} failed")
    return opener


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=600)
    parser.add_argument("--sign-ins", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    env = {**os.environ, "INSTANCE_PATH": str(instance), "FLASK_APP": "permits", "RATELIMIT_ENABLED": "false",
           "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", "GUNICORN_BIND": f"127.0.0.1:{PORT}"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    web_env = {**env, **procfile_environment()}
    subprocess.run([BIN / "flask", "db", "upgrade", "heads"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([BIN / "flask", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    web = subprocess.Popen(
        [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py", "--access-logfile", "/dev/null", "permits:create_app()"],
        env=web_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [BIN / "celery", "-A", "worker:celery", "worker", "--pool=threads", "--concurrency=4", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle"],
        env=web_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/").read()
                break
            except OSError:
                time.sleep(0.1)
        (pid,) = children(web.pid)
        rows = [("after start-up and one page", rss_mb(pid), "")]

        sessions = {email: (sign_in(email) if email else urllib.request.build_opener()) for email in PAGES}
        urls = [(email, url) for email, pages in PAGES.items() for url in pages]
        plan = [urls[i % len(urls)] for i in range(args.views)]

        def view(item):
            email, url = item
            sessions[email].open(f"http://127.0.0.1:{PORT}{url}").read()

        started = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(view, plan))
        elapsed = time.monotonic() - started
        rows.append((f"after {args.views} page views", rss_mb(pid), f"{args.views / elapsed:.0f} pages/s"))

        staff = [email for email in PAGES if email]
        started = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(lambda i: sign_in(staff[i % len(staff)]), range(args.sign_ins)))
        elapsed = time.monotonic() - started
        rows.append((f"after {args.sign_ins} sign-ins", rss_mb(pid), f"{args.sign_ins / elapsed:.1f} sign-ins/s"))
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(view, plan))
        rows.append((f"after {args.views} more page views", rss_mb(pid), ""))

        arenas = web_env.get("MALLOC_ARENA_MAX", "unset")
        print(f"gunicorn -c deploy/gunicorn.conf.py, 1 worker x 4 threads, {args.concurrency} clients at once, "
              f"MALLOC_ARENA_MAX={arenas}, database {env.get('DATABASE_URL', 'sqlite').split(':')[0]}")
        for label, mb, rate in rows:
            print(f"  web worker {label:<32} {mb:6.0f} MB resident  {rate}")
        print(f"  target: under 150 MB; web master {rss_mb(web.pid):.0f} MB")
        print(f"celery worker pid {worker.pid}: {rss_mb(worker.pid):.0f} MB resident (target < 200 MB)")
        loaded = subprocess.run(
            [sys.executable, "-c", "import sys; from permits import create_app; create_app(); "
             "print(sorted(m for m in ('alembic', 'flask_migrate') if m in sys.modules))"],
            env=env, cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip()
        print(f"CLI-only modules loaded by create_app(): {loaded}")
    finally:
        for proc in (web, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
