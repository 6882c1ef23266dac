"""The rate limiter's Redis goes away: sign-in and the public verification
page keep answering (never a 500), the outage is logged once, and the limits
still hold, counted in the process's memory until Redis is back."""

from __future__ import annotations

import logging

import pytest
import redis

from permits import create_app
from permits.extensions import limiter
from tests.conftest import IsolatedClient, make_config
from tests.factories import ProducerFactory
from tests.helpers import login
from tests.notifications.conftest import private_redis  # noqa: F401  (the fixture)

pytestmark = pytest.mark.redis

WRONG_PASSWORD = "not the password at all"
FALLBACK = "falling back to in-memory storage"


@pytest.fixture
def app_limited_by(database_url, tmp_root):
    """Another app of the suite whose rate limits live in the given storage.

    The limiter is one object bound to the last app that initialised it, so
    it is put back as it was for the rest of the suite afterwards."""
    saved = dict(vars(limiter))
    saved_options = dict(limiter._storage_options)

    def make(storage_uri: str):
        other = create_app(make_config(database_url, tmp_root, RATELIMIT_STORAGE_URI=storage_uri))
        other.test_client_class = IsolatedClient
        return other

    yield make
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
    limiter._storage_options.clear()
    limiter._storage_options.update(saved_options)


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
