"""Real things for the notification tests: an SMTP server on loopback
(aiosmtpd), Redis (a database of the test worker's own, or a private
redis-server on a free port that a test may stop), and real Celery worker
processes, which write to a database of the test's own and keep the test's
clock."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests import clock
from tests.conftest import make_config, need, redis_up

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.05):
    """Poll ``predicate`` until it is true or ``timeout`` (generous: the
    machine may be busy) has passed; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


# ----------------------------------------------------------------------------- SMTP


class RecordingHandler:
    """An aiosmtpd handler that keeps every message and can misbehave:
    answer with error codes for a while, or sleep before answering."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()
        self.replies: collections.deque[str] = collections.deque()  # e.g. "451 4.3.0 Try later"
        self.always: str | None = None
        self.sleep_first: float = 0.0
        self.received_at: list[float] = []

    async def handle_DATA(self, server, session, envelope):
        reply = self.always or (self.replies.popleft() if self.replies else None)
        if reply:
            return reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
            self.received_at.append(time.time())
            sleep, self.sleep_first = self.sleep_first, 0.0
        if sleep:
            # The message is here; the client is kept waiting for the 250.
            await asyncio.sleep(sleep)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"].lower() == address.lower()]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp):
    """The suite's app, sending over SMTP to the test server for one test."""
    previous = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = smtp.url
    yield app
    app.config["SMTP_URL"] = previous


# ----------------------------------------------------------------------------- Redis and a worker


@pytest.fixture
def redis_broker(redis_url):
    """The test worker's own Redis database, empty, as a Celery broker."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


@contextlib.contextmanager
def broker_app(app, database_url, tmp_root, broker_url: str, smtp_url: str, **overrides):
    """A second app on ``database_url`` that publishes to a real broker.

    While a real worker writes to the same database, the test writes as the
    web app does, in ``intends_to_write()`` (on SQLite such a transaction
    takes the write lock at its start instead of failing to upgrade a read),
    and ends each read at once (:func:`read_now`) so the worker never waits."""
    from permits import create_app, dispatch

    other = create_app(
        make_config(database_url, tmp_root, CELERY_BROKER_URL=broker_url, SMTP_URL=smtp_url, **overrides)
    )
    dispatch.reset_broker_backoff()
    try:
        yield other
    finally:
        other.extensions["celery"].close()
        with other.app_context():
            from permits.extensions import db

            db.session.remove()
            db.engine.dispose()
        dispatch.reset_broker_backoff()


def read_now(query):
    """Run a read in a transaction of its own and end it at once: a real
    worker may need the database's write lock next."""
    from permits.extensions import db

    db.session.rollback()
    try:
        return query()
    finally:
        db.session.rollback()


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        self.handle = open(self.log, "ab")  # noqa: SIM115  (kept open while the process runs)
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.notifications.worker_app", "worker",
                "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"notify-test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT, env=self.env, stdout=self.handle, stderr=subprocess.STDOUT,
        )
        ready = wait_for(lambda: b"ready." in self.log.read_bytes() or self.process.poll() is not None, timeout=30)
        assert ready and self.process.poll() is None, self.log.read_text()[-3000:]
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(Exception):
            self.handle.close()


@pytest.fixture
def start_worker(worker_database, tmp_root):
    """Start real Celery worker processes on the test's own database, keeping
    the test's clock: ``start_worker(broker, smtp_url, stuck_after=...)``."""
    workers: list[Worker] = []

    def _start(broker_url: str, smtp_url: str, stuck_after: float = 300) -> Worker:
        env = {
            **os.environ,
            **clock.environment(),
            "NOTIFY_TEST_DATABASE_URL": worker_database,
            "NOTIFY_TEST_TMP": str(tmp_root),
            "NOTIFY_TEST_BROKER_URL": broker_url,
            "NOTIFY_TEST_SMTP_URL": smtp_url,
            "NOTIFY_TEST_STUCK_AFTER": str(stuck_after),
            "INSTANCE_PATH": str(tmp_root / "instance"),
            "PYTHONPATH": str(ROOT),
        }
        worker = Worker(env, tmp_root / f"worker-{len(workers)}-{time.monotonic_ns()}.log")
        workers.append(worker)
        return worker.start()

    yield _start
    for worker in workers:
        worker.stop()


def real_clock_environment() -> dict[str, str]:
    """The environment without libfaketime (CI's faked-date passes preload it):
    a server the test starts keeps the real clock, and Debian's libfaketime
    0.9.10 can hang a threaded server such as redis-server at its start."""
    faked = ("LD_PRELOAD", "FAKETIME", "DONT_FAKE_MONOTONIC", "FAKETIME_DONT_FAKE_MONOTONIC", "FAKETIME_NO_CACHE")
    return {name: value for name, value in os.environ.items() if name not in faked}


class PrivateRedis:
    """A redis-server of the test's own on a free port, which it may stop and
    start again (on the same port, so the apps' URLs stay right)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=real_clock_environment(),
        )
        assert wait_for(lambda: redis_up(self.url) or self.process.poll() is not None, timeout=30)
        assert self.process.poll() is None, f"private redis-server did not start on port {self.port}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    """Our own redis-server (not running until the test starts it)."""
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()
