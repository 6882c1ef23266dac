"""One web worker in its own process: builds the app against the suite's
database and a rate-limit storage, makes N failed sign-ins and prints the
statuses as JSON. Used by test_login.py to show that workers share the limit."""

from __future__ import annotations

import json
import sys


def main(database_url: str, storage_uri: str, attempts: int) -> None:
    from config import TestingConfig
    from permits import create_app
    from tests import clock
    from tests.conftest import SUITE_LOGIN_RATE_LIMIT
    from tests.helpers import csrf_token

    clock.follow_parent()
    config = type("WorkerConfig", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": SUITE_LOGIN_RATE_LIMIT,
    })
    app = create_app(config)
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").data)
    statuses = [
        client.post("/auth/login", data={"email": "ghost@example.test", "password": "wrong password here",
                                         "csrf_token": token}).status_code
        for _ in range(attempts)
    ]
    print(json.dumps(statuses))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
