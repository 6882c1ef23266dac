"""How long does a Celery worker take to resume after a Redis outage?

A real worker (the production settings, threads pool) consumes from its own
redis-server on a free port. Redis is stopped for --outage seconds (30 by
default) while e-mails are queued, then started again; the script prints, per
round, how long after Redis came back the worker reconnected and the e-mails
queued during the outage reached the SMTP server (beat's relay is published
the moment Redis accepts it again).

    .venv/bin/python bench/bench_broker_outage.py [--outage 30] [--rounds 1]

Environment: BENCH_DATABASE_URL (default: a SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Redis:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.url = f"redis://127.0.0.1:{port}/0"

    def up(self) -> bool:
        from tests.notifications.conftest import redis_up

        return redis_up(self.url)

    def start(self) -> None:
        from tests.notifications.conftest import wait_for

        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--pidfile", str(self.folder / "redis.pid"), "--dir", str(self.folder)],
            check=True, capture_output=True,
        )
        assert wait_for(self.up, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        from tests.notifications.conftest import wait_for

        pid_file = self.folder / "redis.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            wait_for(lambda: not self.up(), timeout=10)
            pid_file.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from tests.notifications.conftest import RecordingHandler, free_port, wait_for

    tmp = Path(tempfile.mkdtemp(prefix="bench-outage-"))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    if database.startswith("postgresql://"):
        database = database.replace("postgresql://", "postgresql+psycopg://", 1)
    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))
    redis = Redis(tmp, free_port())
    redis.start()
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_url = f"smtp://127.0.0.1:{controller.port}"

    from flask_migrate import upgrade

    from permits import create_app, dispatch
    from tests.conftest import make_config

    app = create_app(make_config(database, tmp, CELERY_BROKER_URL=redis.url, SMTP_URL=smtp_url, RATELIMIT_ENABLED=False))
    with app.app_context():
        upgrade(revision="heads")

    env = {**os.environ, "NOTIFY_TEST_DATABASE_URL": database, "NOTIFY_TEST_TMP": str(tmp),
           "NOTIFY_TEST_BROKER_URL": redis.url, "NOTIFY_TEST_SMTP_URL": smtp_url, "PYTHONPATH": str(ROOT)}
    log = tmp / "worker.log"
    with open(log, "ab") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.notifications.worker_app", "worker", "--loglevel=INFO",
             "--pool=threads", "--concurrency=4", "--without-gossip", "--without-mingle", "-n", f"bench-outage-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    results = []
    try:
        assert wait_for(lambda: b"ready." in log.read_bytes(), timeout=60), log.read_text()[-2000:]
        from permits.database import intends_to_write
        from permits.extensions import db
        from permits.notifications import queue_email
        from tests.factories import UserFactory

        context = {"reference": "AZF-BENCH", "title": "Outage", "path": "/applications/1", "recipient_name": "B"}
        with app.app_context(), intends_to_write():
            user = UserFactory(email="outage@example.test", language="en")
            db.session.commit()
            for round_ in range(args.rounds):
                before = len(handler.messages)
                redis.stop()
                for n in range(3):
                    queue_email("application_received", user, context, key=f"bench-outage:{round_}:{n}")
                    db.session.commit()
                deadline = time.monotonic() + args.outage
                while time.monotonic() < deadline:
                    assert worker.poll() is None, "the worker exited during the outage:\n" + log.read_text()[-2000:]
                    time.sleep(0.2)
                connected_before = log.read_text().count("Connected to redis://")
                redis.start()
                back = time.perf_counter()
                dispatch.reset_broker_backoff()

                def relay() -> bool:
                    try:
                        app.extensions["celery"].send_task("permits.tasks.relay_outbox", retry=False)
                    except Exception:
                        return False
                    return True

                assert wait_for(relay, timeout=60, interval=0.05)
                assert wait_for(lambda n=connected_before: log.read_text().count("Connected to redis://") > n,
                                timeout=120, interval=0.05)
                reconnected = time.perf_counter() - back
                assert wait_for(lambda b=before: len(handler.messages) >= b + 3, timeout=120, interval=0.05)
                delivered = time.perf_counter() - back
                results.append((reconnected, delivered))
                print(f"round {round_ + 1}: Redis down {args.outage:.0f} s; worker reconnected {reconnected:.1f} s "
                      f"after Redis returned, the 3 e-mails queued meanwhile delivered after {delivered:.1f} s "
                      f"(worker pid {worker.pid}, never restarted)", flush=True)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        controller.stop()
        redis.stop()
    if results:
        print(f"worst of {len(results)} round(s): reconnected {max(r for r, _ in results):.1f} s, "
              f"delivered {max(d for _, d in results):.1f} s after Redis returned")


if __name__ == "__main__":
    main()
