"""Under the production web server with its shipped settings
(deploy/gunicorn.conf.py): a 5,000-character address reaches the app and
gets the product's own "address too long" page, not gunicorn's bare one."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notifications.conftest import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # a real server process (keeps the real clock)


@pytest.fixture
def gunicorn(app, database_url, tmp_root):
    port = free_port()
    log = tmp_root / f"gunicorn-{port}.log"
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "1",
           "GUNICORN_TEST_DATABASE_URL": database_url, "GUNICORN_TEST_TMP": str(tmp_root), "PYTHONPATH": str(ROOT),
           "INSTANCE_PATH": str(tmp_root / "instance")}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "tests.security.gunicorn_app:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )

    def answers() -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            return connection.getresponse().status in (200, 503)
        except OSError:
            return process.poll() is not None

    try:
        assert wait_for(answers, timeout=60, interval=0.2) and process.poll() is None, log.read_text()[-3000:]
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept-Language": "en"})
    response = connection.getresponse()
    return response.status, response.read().decode(errors="replace")


def test_a_5000_character_token_gets_the_products_page_from_gunicorn(gunicorn, db):
    status, body = _get(gunicorn, "/verify/" + "A" * 5000)
    assert status == 414
    assert "Address too long" in body and "app-header" in body
    # An ordinary verification address is served as usual.
    status, body = _get(gunicorn, "/verify/" + "A" * 40)
    assert status == 404 and "No permit found" in body
    # Beyond gunicorn's own maximum (8,190 bytes) the server answers alone, with its bare page.
    status, body = _get(gunicorn, "/verify/" + "A" * 9000)
    assert status == 414 and "app-header" not in body
