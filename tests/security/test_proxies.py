"""Behind a reverse proxy: TRUSTED_PROXIES says how many X-Forwarded-For hops
to believe. With none trusted (the default) the header is ignored, so a
visitor cannot pick their own address; with one, each visitor behind the
proxy gets their own rate-limit budget."""

from __future__ import annotations

from tests.helpers import csrf_token
from tests.security.apps import another_app

PROXY = "10.0.0.2"
ANN, BOB = "203.0.113.10", "198.51.100.7"
LIMIT = 10  # LOGIN_RATE_LIMIT: 10 per minute


def _sign_in_as_from(client, forwarded_for: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    token = csrf_token(client.get("/auth/login", headers=headers).data)
    return client.post(
        "/auth/login", headers=headers,
        data={"email": "nobody@example.test", "password": "not the password at all", "csrf_token": token},
    ).status_code


def _client(application):
    client = application.test_client()
    client.environ_base["REMOTE_ADDR"] = PROXY
    return client


def test_by_default_forwarded_addresses_are_not_believed(app, db):
    assert app.config["TRUSTED_PROXIES"] == 0
    client = _client(app)
    assert [_sign_in_as_from(client, ANN) for _ in range(LIMIT)] == [200] * LIMIT
    # Another "visitor" is the same address, the proxy's: a header cannot buy a new budget.
    assert _sign_in_as_from(client, BOB) == 429
    assert _sign_in_as_from(client, "192.0.2.99") == 429


def test_behind_one_trusted_proxy_every_visitor_has_their_own_budget(database_url, tmp_root, db):
    with another_app(database_url, tmp_root, TRUSTED_PROXIES=1) as other:
        client = _client(other)
        assert [_sign_in_as_from(client, ANN) for _ in range(LIMIT)] == [200] * LIMIT
        assert _sign_in_as_from(client, ANN) == 429
        assert _sign_in_as_from(client, BOB) == 200
        # Ann claims another address in front of the one the proxy saw: only the proxy's entry counts.
        assert _sign_in_as_from(client, f"192.0.2.99, {ANN}") == 429

