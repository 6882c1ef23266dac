"""Resident memory of a web worker and a Celery worker after real work.

Targets (DEVELOPERS.md): a web worker under 150 MB, a Celery worker under
200 MB. Runs on the embedded default in a temporary instance folder: migrates,
seeds the demo, starts gunicorn (1 worker) and a Celery worker (threads),
drives every main page as each role for N rounds, lets the worker deliver
the demo's e-mails and render the permit, then prints RSS in MB.

    .venv/bin/python bench/bench_memory.py [rounds]
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("BENCH_PORT", "5091"))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def session(email: str):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{PORT}/auth/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urlencode({"email": email, "password": "film-permit-demo-2027", "csrf_token": token}).encode()
    opener.open(f"http://127.0.0.1:{PORT}/auth/login", data=data).read()
    return opener


def main() -> None:
    instance = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    env = {**os.environ, "INSTANCE_PATH": str(instance), "FLASK_APP": "permits"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run([BIN / "flask", "db", "upgrade", "heads"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([BIN / "flask", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    web = subprocess.Popen(
        [BIN / "gunicorn", "--bind", f"127.0.0.1:{PORT}", "--workers", "1", "--threads", "4", "permits:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [BIN / "celery", "-A", "worker:celery", "worker", "--pool=threads", "--concurrency=4", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        pages = {
            "admin@demo.filmpermit.test": ["/admin/", "/admin/outbox/", "/admin/process", "/dev/mailbox", "/notifications/"],
            "julien.producer@demo.filmpermit.test": ["/applications/", "/applications/passport", "/sites/", "/sites/icherisheher"],
            "coordinator@demo.filmpermit.test": ["/review/", "/review/applications", "/review/statistics", "/review/escalations"],
            "icherisheher.reviewer@demo.filmpermit.test": ["/review/", "/review/sites", "/sites/quote?sites=icherisheher"],
        }
        sessions = {email: session(email) for email in pages}
        started = time.monotonic()
        requests = 0
        for _ in range(ROUNDS):
            for email, urls in pages.items():
                for url in urls:
                    sessions[email].open(f"http://127.0.0.1:{PORT}{url}").read()
                    requests += 1
        elapsed = time.monotonic() - started
        time.sleep(5)  # the worker delivers the demo's e-mails meanwhile
        web_workers = children(web.pid)
        print(f"requests: {requests} in {elapsed:.1f} s ({requests / elapsed:.0f}/s, 1 worker x 4 threads)")
        for pid in web_workers:
            print(f"web worker (gunicorn) pid {pid}: {rss_mb(pid):.0f} MB resident (target < 150 MB)")
        print(f"web master pid {web.pid}: {rss_mb(web.pid):.0f} MB resident")
        print(f"celery worker pid {worker.pid}: {rss_mb(worker.pid):.0f} MB resident (target < 200 MB)")
        sent = len(list((instance / "mailbox").glob("*.eml")))
        print(f"e-mails delivered to the local mailbox meanwhile: {sent}")
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
