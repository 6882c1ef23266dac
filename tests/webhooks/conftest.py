"""A real HTTP receiver on loopback for the webhook tests: a small threading
``http.server`` that records every request and answers as told (a status,
a body, a redirect), started and stopped by the test."""

from __future__ import annotations

import collections
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from permits.extensions import db as database
from permits.models import WebhookDelivery, WebhookEndpoint, utcnow
from permits.services import webhooks


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.replies: collections.deque[tuple[int, bytes, dict]] = collections.deque()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                    status, reply, headers = receiver.replies.popleft() if receiver.replies else (200, b"ok", {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.replies.append((status, body, headers or {}))

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def loopback(app):
    """Endpoints on this machine are allowed (as in development), for this test only."""
    previous = app.config.get("WEBHOOKS_ALLOW_LOOPBACK")
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    yield
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = previous


def endpoint_for(*, url: str, company=None, organisation=None, events=webhooks.EVENT_NAMES, active=True) -> WebhookEndpoint:
    """An endpoint written directly (the pages' own checks are tested apart)."""
    endpoint = WebhookEndpoint(
        company_id=company.id if company is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        url=url, description="", events=list(events), secret=webhooks.new_secret(), active=active, created_at=utcnow(),
    )
    database.session.add(endpoint)
    database.session.commit()
    return endpoint


def deliveries(endpoint_id: int | None = None) -> list[WebhookDelivery]:
    query = database.select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return list(database.session.execute(query.execution_options(populate_existing=True)).scalars())
