"""Sign-in: a rate limit shared by every web worker through Redis, one
answer and one timing for an unknown e-mail and a wrong password, a new
session at sign-in, and old cookies dead after sign-out and password reset.
(tests/test_auth.py has the basics; these extend them.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from permits.extensions import limiter
from tests import clock
from tests.factories import PASSWORD, ProducerFactory
from tests.helpers import csrf_token, login, post_form

ROOT = Path(__file__).resolve().parents[2]
WRONG = "The e-mail address or password is not correct."


def _worker(database_url: str, storage: str, attempts: int, tmp_path: Path) -> list[int]:
    env = {**os.environ, **clock.environment(), "PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(tmp_path / "instance")}
    out = subprocess.run(
        [sys.executable, "-m", "tests.security.login_worker", database_url, storage, str(attempts)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.redis
def test_the_login_limit_is_shared_by_workers_through_redis(app, database_url, tmp_path, redis_url):
    # The workers count per hour (the suite's limit): a window that cannot
    # roll over while they run, however loaded the machine is.
    # Worker A (its own process, like a gunicorn worker) uses up the ten attempts...
    assert _worker(database_url, redis_url, 10, tmp_path) == [200] * 10
    # ...and worker B, another process, refuses the eleventh.
    assert _worker(database_url, redis_url, 1, tmp_path) == [429]
    # Control: with per-process memory storage the second worker would not know.
    assert _worker(database_url, "memory://", 1, tmp_path) == [200]


def test_unknown_user_and_wrong_password_answer_alike_and_cost_alike(app, client, db, monkeypatch):
    """Both answers are the same page, and both run one full argon2id
    verification with the same parameters (an unknown e-mail against a dummy
    hash), which is what makes them take as long. The times themselves are
    measured by bench/bench_login_timing.py, not asserted here."""
    from argon2 import PasswordHasher, extract_parameters

    ProducerFactory(email="ann@example.test")
    db.session.commit()
    token = csrf_token(client.get("/auth/login").data)
    verified: list = []
    real_verify = PasswordHasher.verify

    def counting_verify(self, hash_, password):
        verified.append(extract_parameters(hash_))
        return real_verify(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)

    def attempt(email):
        with app.app_context():
            limiter.reset()
        verified.clear()
        response = client.post("/auth/login", data={"email": email, "password": "not the password!", "csrf_token": token})
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
        return list(verified), re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    unknown_hashes, unknown_page = attempt("nobody@example.test")
    wrong_hashes, wrong_page = attempt("ann@example.test")
    assert unknown_page == wrong_page
    assert len(unknown_hashes) == len(wrong_hashes) == 1
    assert unknown_hashes == wrong_hashes  # the same memory, time and parallelism cost


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
