"""The rate limiter's Redis goes away: sign-in and the public verification
page keep answering (never a 500), the outage is logged once, and the limits
still hold, counted in the process's memory until Redis is back."""

from __future__ import annotations

import contextlib
import logging

import pytest
import redis

from tests.factories import ProducerFactory
from tests.helpers import login
from tests.notifications.conftest import private_redis  # noqa: F401  (the fixture)
from tests.security.apps import another_app

pytestmark = [pytest.mark.redis, pytest.mark.slow]  # a redis-server of its own (keeps the real clock)

WRONG_PASSWORD = "not the password at all"
FALLBACK = "falling back to in-memory storage"


@pytest.fixture
def app_limited_by(database_url, tmp_root):
    """Another app of the suite whose rate limits live in the given storage."""
    with contextlib.ExitStack() as stack:
        yield lambda storage_uri: stack.enter_context(
            another_app(database_url, tmp_root, RATELIMIT_STORAGE_URI=storage_uri)
        )


def test_with_redis_stopped_sign_in_and_verify_answer_and_still_limit(app_limited_by, private_redis, db, caplog):  # noqa: F811
    private_redis.start()
    other = app_limited_by(private_redis.url)
    ProducerFactory(email="ann@example.test")
    db.session.commit()
    client = other.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, "ann@example.test", WRONG_PASSWORD).status_code == 200
    assert redis.Redis.from_url(private_redis.url).keys("LIMITS*"), "the limit was not counted in Redis"

    private_redis.stop()
    with caplog.at_level(logging.INFO, logger="flask-limiter"):
        attempts = [login(client, "ann@example.test", WRONG_PASSWORD) for _ in range(3)]
        lookup = client.get("/verify/?number=AZF-P-2027-000001&code=ABCD2345")
        by_token = client.get("/verify/no-such-permit-token")
        form = client.get("/verify/")
    assert [r.status_code for r in attempts] == [200, 200, 200]
    assert all("The e-mail address or password is not correct." in r.get_data(as_text=True) for r in attempts)
    assert (lookup.status_code, by_token.status_code, form.status_code) == (404, 404, 200)
    assert "No permit found" in lookup.get_data(as_text=True)
    warnings = [r for r in caplog.records if FALLBACK in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]

    # The limits still hold meanwhile (in this process's memory).
    statuses = [login(client, "ann@example.test", WRONG_PASSWORD).status_code for _ in range(10)]
    assert statuses[-1] == 429 and 500 not in statuses
