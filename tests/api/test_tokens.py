"""Personal access tokens: made and revoked on the account page, shown once,
stored hashed, with scopes and an expiry; Bearer only (a session cookie
never authenticates an API call); last use written at most once a minute."""

from __future__ import annotations

import datetime as dt
import hashlib

import time_machine
from sqlalchemy import select

from permits.extensions import db as database
from permits.models import ApiToken
from permits.services import ServiceError, api_tokens
from tests import clock
from tests.api.conftest import assert_problem, make_token
from tests.helpers import csrf_token, post_form
from tests.security.conftest import sign_in_fast


def _stored() -> list[ApiToken]:
    database.session.rollback()
    return list(database.session.execute(select(ApiToken).order_by(ApiToken.id)).scalars())


def test_only_the_hash_is_stored_and_the_secret_looks_like_a_token(world, still):
    secret = make_token(world.producer)
    [token] = _stored()
    assert secret.startswith("fpat_") and len(secret) >= 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:13] and secret not in (token.prefix, token.token_hash, token.name)
    assert token.scopes == ["read"]
    assert token.expires_at == clock.now() + dt.timedelta(days=30)


def test_write_scope_brings_read_and_choices_are_checked(world):
    made = api_tokens.create(world.producer, name="Sync", scopes=["write"], expires_in_days=90)
    assert made.token.scopes == ["read", "write"]
    for bad in ({"scopes": []}, {"scopes": ["admin"]}, {"expires_in_days": 7}, {"name": "  "}, {"name": "x" * 101}):
        kwargs = {"name": "Sync", "scopes": ["read"], "expires_in_days": 30, **bad}
        try:
            api_tokens.create(world.producer, **kwargs)
        except ServiceError as error:
            assert error.field in ("scopes", "expires_in_days", "name")
        else:
            raise AssertionError(f"accepted {bad}")


def test_at_most_twenty_tokens_in_use(world):
    for n in range(api_tokens.MAX_ACTIVE_TOKENS):
        api_tokens.create(world.producer, name=f"t{n}", scopes=["read"], expires_in_days=30)
    try:
        api_tokens.create(world.producer, name="one more", scopes=["read"], expires_in_days=30)
    except ServiceError as error:
        assert "Revoke" in error.message
    else:
        raise AssertionError("a 21st token was made")


def test_a_valid_token_reads_and_a_session_cookie_does_not(world, api, app):
    secret = make_token(world.producer)
    assert api(secret).get("/api/v1/applications").status_code == 200
    # Signed in on the site, no token: the API does not know who this is.
    browser = app.test_client()
    sign_in_fast(browser, world.producer)
    assert browser.get("/applications/").status_code == 200
    body = assert_problem(browser.get("/api/v1/applications"), 401)
    assert body["title"] == "Authentication needed"
    assert browser.get("/api/v1/applications").headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_malformed_expired_revoked_tokens_are_401(world, api):
    secret = make_token(world.producer)
    for header in ("Bearer fpat_" + "A" * 43, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer", "Bearer " + "x" * 5000):
        response = api().get("/api/v1/sites", headers={"Authorization": header})
        body = assert_problem(response, 401)
        assert "error=\"invalid_token\"" in response.headers["WWW-Authenticate"] or header in ("Basic dXNlcjpwYXNz", "Bearer")
        assert body["instance"] == "/api/v1/sites"
    # Expired: 30 days later it no longer works.
    with time_machine.travel(clock.now() + dt.timedelta(days=30, seconds=1), tick=False):
        response = api(secret).get("/api/v1/applications")
        assert_problem(response, 401)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    # Revoked: at once.
    [token] = _stored()
    api_tokens.revoke(world.producer, token.id)
    database.session.commit()
    assert_problem(api(secret).get("/api/v1/applications"), 401)


def test_a_deactivated_users_tokens_stop_working(world, api):
    secret = make_token(world.producer)
    world.producer.active = False
    database.session.commit()
    assert_problem(api(secret).get("/api/v1/applications"), 401)


def test_a_read_token_cannot_write(world, api):
    secret = make_token(world.producer, scopes=("read",))
    response = api(secret).post("/api/v1/applications", json={"title": "X"})
    body = assert_problem(response, 403)
    assert body["type"].endswith("/insufficient-scope")
    assert 'scope="write"' in response.headers["WWW-Authenticate"]
    assert api(make_token(world.producer, scopes=("write",))).post("/api/v1/applications", json={}).status_code == 201


def test_last_use_is_written_at_most_once_a_minute(world, api):
    secret = make_token(world.producer)
    client = api(secret)
    start = clock.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/sites")
        client.get("/api/v1/sites")
    [token] = _stored()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        client.get("/api/v1/sites")
    [token] = _stored()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get("/api/v1/sites")
    [token] = _stored()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


# ----------------------------------------------------------------------------- the account page


def test_account_page_makes_a_token_shows_it_once_and_revokes_it(world, app, api, still):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in_fast(browser, world.producer)
    page = browser.get("/account/")
    assert b'id="api-tokens"' in page.data and b"You have no tokens." in page.data
    response = post_form(browser, "/account/tokens", {"token-name": "Our booking system", "token-access": "write",
                                                      "token-lifetime": "365"}, page_url="/account/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [token] = _stored()
    secret = html.split('id="api-token-secret" type="text" value="')[1].split('"')[0]
    assert secret.startswith(token.prefix) and hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert token.scopes == ["read", "write"] and token.expires_at == clock.now() + dt.timedelta(days=365)
    assert response.headers["Cache-Control"] == "no-store"
    # Shown once: the account page lists it by its prefix only.
    listing = browser.get("/account/").get_data(as_text=True)
    assert "Our booking system" in listing and token.prefix in listing and secret not in listing
    assert api(secret).get("/api/v1/applications").status_code == 200

    # Revoking asks first (GET changes nothing), then the POST with the CSRF token revokes.
    confirm = browser.get(f"/account/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and b"Yes, revoke the token" in confirm.data
    assert _stored()[0].revoked_at is None
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 400  # no CSRF token
    response = browser.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(confirm.data)})
    assert response.status_code == 302
    assert _stored()[0].revoked_at == clock.now()
    assert_problem(api(secret).get("/api/v1/applications"), 401)


def test_account_page_refuses_a_bad_token_form(world, app):
    browser = app.test_client()
    sign_in_fast(browser, world.producer)
    response = post_form(browser, "/account/tokens", {"token-name": "", "token-access": "root", "token-lifetime": "7"},
                         page_url="/account/")
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.data
    assert _stored() == []


def test_nobody_revokes_another_users_token(world, app):
    secret = make_token(world.producer)
    [token] = _stored()
    browser = app.test_client()
    sign_in_fast(browser, world.other_producer)
    assert browser.get(f"/account/tokens/{token.id}/revoke").status_code == 404
    page = browser.get("/account/")
    response = browser.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 404
    assert _stored()[0].revoked_at is None
    assert secret


def test_a_new_password_revokes_every_token_in_use_and_signing_out_does_not(world, app, api, still):
    """Whoever knew the old password may have made a token with it: a changed
    or reset password revokes them all (and the page says so); signing out
    of the site leaves the programs working."""
    from permits.services import accounts
    from tests.factories import PASSWORD

    first, second = make_token(world.producer), make_token(world.producer, scopes=("read", "write"))
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in_fast(browser, world.producer)
    page = browser.get("/account/")
    assert b"revokes every token in use" in page.data
    assert browser.post("/auth/logout", data={"csrf_token": csrf_token(page.data)}).status_code == 302
    assert api(first).get("/api/v1/applications").status_code == 200

    # Changed on the account page: both revoked at once, the page says how many.
    database.session.rollback()  # signing out moved the session version: read it again
    sign_in_fast(browser, world.producer)
    page = browser.get("/account/")
    changed = browser.post("/account/password", data={
        "csrf_token": csrf_token(page.data), "pw-current_password": PASSWORD,
        "pw-password": "a quiet caravan at dawn 2027", "pw-confirm": "a quiet caravan at dawn 2027",
    }, follow_redirects=True)
    assert changed.status_code == 200
    assert b"Your 2 API tokens were revoked" in changed.data
    assert [t.revoked_at for t in _stored()] == [clock.now(), clock.now()]
    for secret in (first, second):
        assert_problem(api(secret).get("/api/v1/applications"), 401)

    # Reset by e-mail: the token made since is revoked too; a revoked or expired one is left as it was.
    third = make_token(world.producer)
    user, revoked = accounts.reset_password(accounts.make_reset_token(world.producer), "another quiet caravan 2028")
    database.session.commit()
    assert user.id == world.producer.id and revoked == 1
    assert_problem(api(third).get("/api/v1/applications"), 401)
    assert [t.revoked_at for t in _stored()] == [clock.now()] * 3
    assert api_tokens.revoked_notice(0) is None
