"""How fast does an e-mail go out? With a real Celery worker, Redis and an
aiosmtpd server on loopback:

1. latency: from the commit of a submission to the producer's receipt
   landing in the SMTP server (median and p95 over N submissions);
2. the request's side of a burst: how long the commit of N outbox rows
   takes (the rows, and the nudges published to the broker after it);
3. throughput: e-mails per second the worker (one process, solo pool)
   delivers from that burst, against a plain smtplib loop to the same server,
   and the ratio (target: 0.5 or more);
4. a dead broker: how long a request's commit takes when the broker does not
   answer (the first pays one bounded connection attempt, the next skip it).

    .venv/bin/python bench/bench_email.py [--submissions 50] [--burst 500]

Environment: BENCH_REDIS_URL (default redis://127.0.0.1:6379/5),
BENCH_DATABASE_URL (default: a SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Handler:
    def __init__(self):
        self.arrived: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.perf_counter()
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.arrived[message["Message-ID"]] = now
            self.count += 1
        return "250 OK"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--burst", type=int, default=500)
    args = parser.parse_args()

    import redis
    from aiosmtpd.controller import Controller

    from tests.notifications.conftest import Worker, free_port, wait_for

    broker = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    redis.Redis.from_url(broker).flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="bench-email-"))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    if database.startswith("postgresql://"):
        database = database.replace("postgresql://", "postgresql+psycopg://", 1)
    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_url = f"smtp://127.0.0.1:{controller.port}"

    from flask_migrate import upgrade

    from permits import create_app
    from tests.conftest import make_config

    app = create_app(make_config(database, tmp, CELERY_BROKER_URL=broker, SMTP_URL=smtp_url, RATELIMIT_ENABLED=False))
    with app.app_context():
        upgrade(revision="heads")

    env = {
        **os.environ,
        "NOTIFY_TEST_DATABASE_URL": database,
        "NOTIFY_TEST_TMP": str(tmp),
        "NOTIFY_TEST_BROKER_URL": broker,
        "NOTIFY_TEST_SMTP_URL": smtp_url,
        "PYTHONPATH": str(ROOT),
    }
    worker = Worker(env, tmp / "worker.log")
    old_cwd = os.getcwd()
    os.chdir(ROOT)
    worker.start()
    try:
        from permits.database import intends_to_write
        from permits.extensions import db
        from permits.models import OutboxMessage
        from permits.notifications import queue_email
        from permits.services import workflow
        from tests.factories import UserFactory
        from tests.services.scenario import MONDAY, build_world, draft

        with app.app_context(), intends_to_write():
            world = build_world()
            latencies = []
            for _ in range(args.submissions):
                application = draft(world, sites=(world.site_b,))
                workflow.submit(application, world.producer, now=MONDAY)
                receipt = db.session.scalars(
                    db.select(OutboxMessage).where(
                        OutboxMessage.template == "application_received",
                        OutboxMessage.context["application_id"].as_integer() == application.id,
                    )
                ).one()
                message_id = receipt.message_id
                started = time.perf_counter()
                db.session.commit()
                assert wait_for(lambda mid=message_id: mid in handler.arrived, timeout=30), "receipt never arrived"
                latencies.append((handler.arrived[message_id] - started) * 1000)
            wait_for(lambda: handler.count >= 3 * args.submissions, timeout=30)

            # Throughput: a burst of outbox rows committed at once; the worker
            # takes the nudges one by one (prefetch 1, acks late).
            user = UserFactory(email="burst@example.test", language="en")
            db.session.commit()
            before = handler.count
            context = {"reference": "AZF-BURST", "title": "Burst", "path": "/applications/1", "recipient_name": "B"}
            for i in range(args.burst):
                queue_email("application_received", user, context, key=f"burst:{i}")
            db.session.flush()
            started = time.perf_counter()
            db.session.commit()
            commit_ms = (time.perf_counter() - started) * 1000
            assert wait_for(lambda: handler.count >= before + args.burst, timeout=300, interval=0.01)
            worker_rate = args.burst / (time.perf_counter() - started)

            from permits.notifications.delivery import build_email

            sample = build_email(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient_email == "burst@example.test")).first())
        started = time.perf_counter()
        for _ in range(args.burst):
            with smtplib.SMTP("127.0.0.1", controller.port) as client:
                client.send_message(sample)
        plain_rate = args.burst / (time.perf_counter() - started)
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            for _ in range(args.burst):
                client.send_message(sample)
        reused_rate = args.burst / (time.perf_counter() - started)
    finally:
        worker.stop()
        controller.stop()
        os.chdir(old_cwd)

    dead = _commits_with_a_dead_broker(database, tmp, smtp_url)

    print(f"database: {database.split('://')[0]}, broker: {broker}")
    print(f"submit -> receipt in SMTP, {len(latencies)} submissions: "
          f"median {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, max {max(latencies):.1f} ms")
    print(f"commit of {args.burst} outbox rows (flushed before; the commit and its after-commit publish): {commit_ms:.0f} ms")
    print(f"worker (1 process, solo pool): {worker_rate:.0f} e-mails/s over {args.burst}, from the commit to the last arrival")
    print(f"plain smtplib loop, one connection per message: {plain_rate:.0f} e-mails/s")
    print(f"plain smtplib loop, one connection for all:     {reused_rate:.0f} e-mails/s")
    print(f"worker / plain loop: {worker_rate / plain_rate:.2f} (one connection per message), "
          f"{worker_rate / reused_rate:.2f} (one connection for all); target 0.50 or more")
    print(f"commit of one e-mail with the broker down, 20 requests: first {dead[0]:.0f} ms, "
          f"the others median {statistics.median(dead[1:]):.1f} ms, max {max(dead[1:]):.1f} ms")


def _commits_with_a_dead_broker(database: str, tmp: Path, smtp_url: str) -> list[float]:
    """Milliseconds per queue-and-commit of one e-mail, Redis not listening."""
    from permits import create_app, dispatch
    from permits.database import intends_to_write
    from permits.extensions import db
    from permits.notifications import queue_email
    from tests.conftest import make_config
    from tests.factories import UserFactory
    from tests.notifications.conftest import free_port

    dead_broker = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(make_config(database, tmp, CELERY_BROKER_URL=dead_broker, SMTP_URL=smtp_url, RATELIMIT_ENABLED=False))
    dispatch.reset_broker_backoff()
    timings = []
    with app.app_context(), intends_to_write():
        user = UserFactory(email="dead-broker@example.test", language="en")
        db.session.commit()
        context = {"reference": "AZF-DOWN", "title": "Down", "path": "/applications/1", "recipient_name": "D"}
        for i in range(20):
            queue_email("application_received", user, context, key=f"down:{i}")
            started = time.perf_counter()
            db.session.commit()
            timings.append((time.perf_counter() - started) * 1000)
    dispatch.reset_broker_backoff()
    return timings


if __name__ == "__main__":
    main()
