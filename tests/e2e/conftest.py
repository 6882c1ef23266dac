"""Real things for the end-to-end journeys: a database of the journey's own,
Redis as the broker, a real Celery worker process, an SMTP server on
loopback, the app served on a loopback port, and one Chromium context per
person. The worker keeps the test's clock.

The web app and the worker are built like production: the web app only
writes rows and rings the broker's doorbell; the worker sends the e-mails
over SMTP and renders the permit's PDF.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests import clock
from tests.factories import PASSWORD
from tests.notifications.conftest import broker_app, smtp, wait_for  # noqa: F401  (smtp is a fixture)

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Journey:
    base: str
    app: object
    smtp: object
    browser: object
    worker_log: Path
    contexts: list = field(default_factory=list)

    def person(self, email: str | None = None, *, accept_language: str = "en"):
        """A fresh browser context (its own cookies) for one person, signed
        in through the login page when an e-mail is given."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                           accept_downloads=True)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.set_extra_http_headers({"Accept-Language": accept_language})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.dialogs = dialogs  # type: ignore[attr-defined]
        if email:
            page.goto(f"{self.base}/auth/login")
            page.get_by_label("E-mail address").fill(email)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            assert "/auth/login" not in page.url, page.locator("main").inner_text()
        return page

    def emails_to(self, address: str) -> list:
        with self.smtp.lock:
            return [m for m in self.smtp.messages if m["To"].lower() == address.lower()]

    def wait_for_mail(self, predicate, timeout: float = 120.0):
        """Poll ``predicate`` as e-mails arrive; every 15 s without them, relay
        the outbox as beat would (a doorbell missed on a busy machine, or a
        delivery that failed and waits for its retry, is sent by the relay:
        there is no beat here). Returns the predicate's last value."""
        deadline = time.monotonic() + timeout
        while True:
            found = wait_for(predicate, timeout=min(15.0, max(deadline - time.monotonic(), 0.1)), interval=0.5)
            if found or time.monotonic() >= deadline:
                return found
            self.run_task("permits.tasks.relay_outbox")

    def outbox_settled(self) -> bool:
        """No e-mail is waiting, being sent or due for a retry."""
        from sqlalchemy import func, select

        from permits.extensions import db
        from permits.models import OutboxMessage, OutboxStatus

        with self.app.app_context():
            waiting = db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED])
                )
            )
            db.session.remove()
        return waiting == 0

    def run_task(self, name: str) -> None:
        """What Celery beat would do: queue a periodic task for the worker."""
        self.app.extensions["celery"].send_task(name)


def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "ab")  # noqa: SIM115  (kept open while the process runs)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "tests.e2e.worker_app", "worker",
            "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"e2e-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
    )
    process.log_handle = handle  # type: ignore[attr-defined]
    ready = wait_for(lambda: b"ready." in log.read_bytes() or process.poll() is not None, timeout=40)
    assert ready and process.poll() is None, log.read_text()[-3000:]
    return process


def _stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    with contextlib.suppress(Exception):
        process.log_handle.close()  # type: ignore[attr-defined]


@pytest.fixture
def journey(app, worker_database, tmp_root, smtp, browser, redis_url):  # noqa: F811  (smtp is the imported fixture)
    """The whole product running for one journey."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with broker_app(app, worker_database, tmp_root, redis_url, smtp.url) as web:
        server = make_server("127.0.0.1", 0, web, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        web.config["PUBLIC_BASE_URL"] = base
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        log = tmp_root / f"e2e-worker-{time.monotonic_ns()}.log"
        env = {
            **os.environ,
            **clock.environment(),
            "E2E_DATABASE_URL": worker_database,
            "E2E_TMP": str(tmp_root),
            "E2E_BROKER_URL": redis_url,
            "E2E_SMTP_URL": smtp.url,
            "E2E_PUBLIC_BASE_URL": base,
            "INSTANCE_PATH": str(tmp_root / "instance"),
            "PYTHONPATH": str(ROOT),
        }
        worker = _start_worker(env, log)
        state = Journey(base=base, app=web, smtp=smtp, browser=browser, worker_log=log)
        try:
            yield state
        finally:
            for context in state.contexts:
                with contextlib.suppress(Exception):
                    context.close()
            _stop_worker(worker)
            server.shutdown()
            thread.join(timeout=5)


@pytest.fixture
def world(journey):
    """The commission, tourism, the police, civil aviation and emergency
    services, two site owners with a site each, a foreign producer and a
    reviewer in each organisation (English readers)."""
    from permits.extensions import db
    from tests.services.scenario import build_world

    with journey.app.app_context():
        world = build_world()
        agency_reviewers = {kind: reviewer for kind, (_organisation, reviewer) in world.agencies.items()}
        users = [world.producer, world.ministry_reviewer, world.tourism_reviewer, world.owner_a_reviewer,
                 world.owner_b_reviewer, world.ministry_supervisor, world.finance, *agency_reviewers.values()]
        for user in users:
            user.language = "en"
        db.session.commit()
        names = {
            "site_a": world.site_a.name_en,
            "site_b": world.site_b.name_en,
            "producer": world.producer.email,
            "company": world.producer.company.legal_name,
            "ministry": world.ministry_reviewer.email,
            "tourism": world.tourism_reviewer.email,
            "owner_a": world.owner_a_reviewer.email,
            "owner_b": world.owner_b_reviewer.email,
            "finance": world.finance.email,
            **{kind: reviewer.email for kind, reviewer in agency_reviewers.items()},
        }
        db.session.remove()
    return names
