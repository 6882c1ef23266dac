"""Does a wrong password take as long as an unknown e-mail? Both must run one
argon2id verification (the test suite checks that they do and with the same
parameters); this script measures the times the suite no longer asserts.

    .venv/bin/python bench/bench_login_timing.py [--rounds 30]

Prints the median and p95 of each answer and their ratio (close to 1.0 means
the two cannot be told apart by timing). Runs on a SQLite file in a temporary
folder with the testing configuration; the rate limit is off.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from config import TestingConfig
    from permits import create_app
    from permits.extensions import db
    from permits.models import User
    from permits.services.passwords import hash_password
    from tests.helpers import csrf_token

    folder = Path(tempfile.mkdtemp(prefix="bench-login-"))
    config = type("BenchConfig", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
        "RATELIMIT_ENABLED": False,
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAILBOX_DIR": str(folder / "mailbox"),
    })
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
        db.session.add(User(email="ann@example.test", name="Ann", password_hash=hash_password("the right passphrase")))
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").data)

    def attempt(email: str) -> float:
        started = time.perf_counter()
        response = client.post("/auth/login", data={"email": email, "password": "not the password!", "csrf_token": token})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed

    attempt("warm@example.test")
    unknown, wrong = [], []
    for _ in range(args.rounds):  # interleaved, so a busy moment of the machine hits both alike
        unknown.append(attempt("nobody@example.test"))
        wrong.append(attempt("ann@example.test"))
    for label, values in (("unknown e-mail", unknown), ("wrong password", wrong)):
        print(f"{label:15s} median {statistics.median(values) * 1000:7.1f} ms   p95 {percentile(values, 95) * 1000:7.1f} ms")
    ratio = max(statistics.median(unknown), statistics.median(wrong)) / min(statistics.median(unknown), statistics.median(wrong))
    print(f"ratio of the medians: {ratio:.2f} (1.00 = indistinguishable)")


if __name__ == "__main__":
    main()
