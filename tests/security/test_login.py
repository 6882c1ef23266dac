"""Sign-in: a rate limit shared by every web worker through Redis, one
answer and one timing for an unknown e-mail and a wrong password, a new
session at sign-in, and old cookies dead after sign-out and password reset.
(tests/test_auth.py has the basics; these extend them.)"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from permits.extensions import limiter
from tests.conftest import need
from tests.factories import PASSWORD, ProducerFactory
from tests.helpers import csrf_token, login, post_form

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB7 = "redis://127.0.0.1:6379/7"
WRONG = "The e-mail address or password is not correct."


def _redis():
    try:
        import redis

        connection = redis.Redis.from_url(REDIS_DB7, socket_connect_timeout=1)
        connection.ping()
        return connection
    except Exception:
        return None


def _worker(database_url: str, storage: str, attempts: int, tmp_path: Path) -> list[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(tmp_path / "instance")}
    out = subprocess.run(
        [sys.executable, "-m", "tests.security.login_worker", database_url, storage, str(attempts)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.redis
def test_the_login_limit_is_shared_by_workers_through_redis(app, database_url, tmp_path):
    connection = _redis()
    need(connection is not None, "Redis is not running on 127.0.0.1:6379")
    connection.flushdb()
    try:
        # Worker A (its own process, like a gunicorn worker) uses up the minute's ten attempts...
        assert _worker(database_url, REDIS_DB7, 10, tmp_path) == [200] * 10
        # ...and worker B, another process, refuses the eleventh.
        assert _worker(database_url, REDIS_DB7, 1, tmp_path) == [429]
        # Control: with per-process memory storage the second worker would not know.
        assert _worker(database_url, "memory://", 1, tmp_path) == [200]
    finally:
        connection.flushdb()


def test_unknown_user_and_wrong_password_answer_alike_and_take_as_long(app, client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    token = csrf_token(client.get("/auth/login").data)

    def attempt(email):
        with app.app_context():
            limiter.reset()
        started = time.perf_counter()
        response = client.post("/auth/login", data={"email": email, "password": "not the password!", "csrf_token": token})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
        return elapsed, re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    attempt("warm@example.test")
    unknown, wrong = [], []
    for _ in range(15):  # interleaved, so a busy moment of the machine hits both alike
        unknown.append(attempt("nobody@example.test"))
        wrong.append(attempt("ann@example.test"))
    assert {page for _, page in unknown} == {page for _, page in wrong}
    median_unknown = statistics.median(t for t, _ in unknown)
    median_wrong = statistics.median(t for t, _ in wrong)
    ratio = max(median_unknown, median_wrong) / min(median_unknown, median_wrong)
    # A ratio, not a time: both paths run one argon2 verification; the bound
    # leaves room for a loaded CI machine while catching a skipped hash (10x+).
    assert ratio < 3, (median_unknown, median_wrong)
    # Both ran argon2 (tens of milliseconds), not a quick "no such user".
    assert min(median_unknown, median_wrong) > 0.005


def test_sign_in_starts_a_new_session(client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    page = client.get("/auth/login")
    before_token = csrf_token(page.data)
    before_cookie = client.get_cookie("session").value
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["_user_id"] = "999:1"
    response = client.post("/auth/login", data={"email": "ann@example.test", "password": PASSWORD, "csrf_token": before_token})
    assert response.status_code == 302
    assert client.get_cookie("session").value != before_cookie
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].split(":")[0] != "999"
    # The token of the anonymous session does not work in the new one.
    response = client.post("/account/", data={"name": "Eve", "language": "en", "csrf_token": before_token})
    assert response.status_code == 400


def test_remember_cookie_is_dead_after_sign_out(app, client, db):
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    login(client, "ann@example.test", PASSWORD, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account/").data)})
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    response = thief.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_password_reset_kills_other_devices_remember_cookies(app, client, db):
    from permits.services import accounts

    user = ProducerFactory(email="ann@example.test")
    db.session.commit()
    laptop = app.test_client()
    login(laptop, "ann@example.test", PASSWORD, remember="y")
    session_cookie = laptop.get_cookie("session").value
    remember = laptop.get_cookie("remember_token").value
    token = accounts.make_reset_token(user)
    new = "a new passphrase for the reset"
    assert post_form(client, f"/auth/reset-password/{token}", {"password": new, "confirm": new}).status_code == 302
    for name, value in (("session", session_cookie), ("remember_token", remember)):
        replay = app.test_client()
        replay.set_cookie(name, value)
        response = replay.get("/account/")
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], name
    # The link itself is single use.
    assert client.get(f"/auth/reset-password/{token}").status_code == 400
