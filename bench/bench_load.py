"""The mixed load of issue 20 with locust, headless, in one command.

Installs bench/requirements.txt (locust) into its own virtual environment
``.venv-bench`` (locust's pins of Flask, requests and gevent stay out of the
product's ``.venv``), creates the PostgreSQL database ``bench_load``, migrates
and seeds the demo, starts a private redis-server, the product under gunicorn
(deploy/gunicorn.conf.py: production settings, 2 workers × 4 threads) and a
Celery worker, runs bench/locustfile.py headless (anonymous visitors,
producers filing and submitting complete applications, reviewers deciding),
prints the error rate, p50/p95/p99 and requests/s, and the web workers'
resident memory, then stops everything it started and drops the database.

    python bench/bench_load.py [--users 20] [--spawn-rate 5] [--time 90s] [--keep]

The issue's run is ``--users 200 --spawn-rate 10 --time 10m`` on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ceiling import BIN, database_url, free_port, stop, wait_for  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

DB_NAME = "bench_load"
BENCH_VENV = ROOT / ".venv-bench"


def locust_bin() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(ROOT / "bench" / "requirements.txt")], check=True)
    return BENCH_VENV / "bin" / "locust"


def admin(statement: str) -> None:
    engine = create_engine(database_url("postgres").replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


PRODUCER_COMPANIES = 100


def add_producers(count: int = PRODUCER_COMPANIES) -> None:
    """``count`` more production companies, each with one producer (the demo's password): the
    simulated producers are spread over them, so that no company reaches its 100 live documents
    (services/documents.py) within the run, as a few demo companies would."""
    import datetime as dt

    from sqlalchemy import insert, select

    from permits.models import Company, CompanyMembership, User

    engine = create_engine(database_url(DB_NAME).replace("postgresql://", "postgresql+psycopg://", 1))
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        password_hash = conn.execute(
            select(User.password_hash).join(CompanyMembership, CompanyMembership.user_id == User.id).limit(1)).scalar_one()
        company_ids = conn.execute(insert(Company.__table__).returning(Company.id, sort_by_parameter_order=True), [
            {"legal_name": f"Load Studio {i} LLC", "country": "AZ", "created_at": now} for i in range(count)]).scalars().all()
        user_ids = conn.execute(insert(User.__table__).returning(User.id, sort_by_parameter_order=True), [
            {"email": f"load.producer{i}@bench.test", "email_normalised": f"load.producer{i}@bench.test",
             "name": f"Load Producer {i}", "language": "en", "password_hash": password_hash, "created_at": now}
            for i in range(count)]).scalars().all()
        conn.execute(insert(CompanyMembership.__table__), [
            {"user_id": user_id, "company_id": company_id, "role": "owner", "created_at": now}
            for user_id, company_id in zip(user_ids, company_ids, strict=True)])
    engine.dispose()


def accounts() -> dict[str, str]:
    engine = create_engine(database_url(DB_NAME).replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        producers = [f"{email}|{company}" for email, company in conn.execute(text(
            "SELECT DISTINCT u.email, c.legal_name FROM users u JOIN company_memberships m ON m.user_id = u.id "
            "JOIN companies c ON c.id = m.company_id ORDER BY u.email"
        ))]
        reviewers = conn.execute(text(
            "SELECT DISTINCT u.email FROM users u JOIN organisation_memberships m ON m.user_id = u.id "
            "WHERE m.role IN ('reviewer', 'supervisor') ORDER BY u.email"
        )).scalars().all()
        slugs = conn.execute(text("SELECT slug FROM locations WHERE published ORDER BY id")).scalars().all()
    engine.dispose()
    return {"BENCH_PRODUCERS": ",".join(producers), "BENCH_REVIEWERS": ",".join(reviewers), "BENCH_SLUGS": ",".join(slugs)}


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its reaped children, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-f", f"postgres: .* {DB_NAME} "], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def report(prefix: Path) -> None:
    rows = list(csv.DictReader(prefix.with_name(prefix.name + "_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    print(f"\n{'request':48} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
    for r in rows:
        print(f"{r['Name'][:48]:48} {r['Request Count']:>7} {r['Failure Count']:>5} {r['50%']:>6} {r['95%']:>6} "
              f"{r['99%']:>6} {float(r['Requests/s']):7.1f}")
    print(f"\nerrors: {failures}/{requests} = {100 * failures / max(1, requests):.2f}%   "
          f"p50 {total['50%']} ms   p95 {total['95%']} ms   p99 {total['99%']} ms   "
          f"{float(total['Requests/s']):.1f} requests/s")
    failures_csv = prefix.with_name(prefix.name + "_failures.csv")
    if failures and failures_csv.exists():
        print("\nfailures:")
        for r in csv.DictReader(failures_csv.open()):
            print(f"  {r['Occurrences']:>5} × {r['Method']} {r['Name']}: {r['Error'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--time", default="90s")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    locust = locust_bin()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    redis_port, port = free_port(), free_port()
    env = {
        **os.environ,
        "PERMITS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url(DB_NAME),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "INSTANCE_PATH": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAILBOX_DIR": str(tmp / "mailbox"),
        "FLASK_APP": "permits",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        # The simulated people send X-Forwarded-For (locustfile.own_address), as a proxy would.
        "TRUSTED_PROXIES": "1",
        # A simulated producer files a complete application every few seconds, hundreds of times what a
        # person does; the per-account upload budget (30 an hour) would refuse them after the first minutes.
        "UPLOAD_RATE_LIMIT": "100000 per hour",
    }
    env.pop("FLASK_DEBUG", None)
    redis = web = worker = None
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB_NAME}"')
    try:
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in (["db", "upgrade", "heads"], ["seed-demo"]):
            subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True)
        add_producers()
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", "2", "--threads", "4",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "bench_wsgi:create_app()"],
            cwd=ROOT, env=env, stdout=(tmp / "web.log").open("w"), stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "worker:celery", "worker", "--pool=threads", "--concurrency=4",
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=(tmp / "worker.log").open("w"), stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/sites/", web)
        prefix = tmp / "locust"
        print(f"locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.time}; gunicorn 2 workers × 4 threads; "
              f"PostgreSQL {DB_NAME}")
        load = subprocess.Popen(
            [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", str(args.spawn_rate), "-t", args.time, "--host", base, "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, **accounts()}, stdout=subprocess.DEVNULL, stderr=(tmp / "locust.log").open("w"),
        )
        # Where the machine's CPU went during the run (the load generator shares it with the product).
        groups = {"web workers": lambda: children(web.pid), "celery worker": lambda: [worker.pid, *children(worker.pid)],
                  "locust (load generator)": lambda: [load.pid], "redis": lambda: [redis.pid]}
        seen: dict[str, dict[int, float]] = {name: {} for name in [*groups, "postgresql backends"]}
        started = time.monotonic()
        while load.poll() is None:
            for name, pids in [*groups.items(), ("postgresql backends", postgres_pids)]:
                for pid in pids():
                    seen[name][pid] = max(seen[name].get(pid, 0.0), cpu_seconds(pid))
            time.sleep(1)
        elapsed = time.monotonic() - started
        report(prefix)
        print(f"\nCPU during the run ({elapsed:.0f} s, {os.cpu_count()} cores = {elapsed * os.cpu_count():.0f} core-seconds):")
        for name, per_pid in seen.items():
            used = sum(per_pid.values())
            print(f"  {name:28} {used:8.1f} core-s  {100 * used / elapsed:5.1f}% of one core")
        workers = children(web.pid)
        print("web workers' resident memory: " + ", ".join(f"{rss_mb(pid):.0f} MB" for pid in workers))
        engine = create_engine(database_url(DB_NAME).replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            states = conn.execute(text("SELECT state, count(*) FROM applications GROUP BY state ORDER BY state")).all()
        engine.dispose()
        print("applications by state afterwards: " + ", ".join(f"{s} {n}" for s, n in states))
    finally:
        for process in (worker, web, redis):
            stop(process)
        if not args.keep:
            admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
