"""Fixtures of the API tests: the workflow world, tokens made through the
service, and clients that send them as Bearer."""

from __future__ import annotations

import pytest

from permits.database import intends_to_write
from permits.extensions import db as database
from permits.services import api_tokens
from tests.services.scenario import build_world


@pytest.fixture
def world(db):
    return build_world()


def make_token(user, scopes=("read",), days=30, name="Test program") -> str:
    """A token of ``user`` made by the service (committed), its secret returned."""
    database.session.rollback()  # a fresh transaction: requests may have written meanwhile
    with intends_to_write():
        made = api_tokens.create(database.session.merge(user), name=name, scopes=list(scopes), expires_in_days=days)
        database.session.commit()
    return made.secret


class ApiClient:
    """A test client that sends a Bearer token (or none) with every call."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        merged = {"Accept": "application/json"}
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        merged.update(headers or {})
        return merged

    def get(self, url, headers=None, **kwargs):
        return self.client.get(url, headers=self._headers(headers), **kwargs)

    def post(self, url, headers=None, **kwargs):
        return self.client.post(url, headers=self._headers(headers), **kwargs)

    def open(self, url, method, headers=None, **kwargs):
        return self.client.open(url, method=method, headers=self._headers(headers), **kwargs)


@pytest.fixture
def api(app):
    """api(token=None): a client of the API."""

    def make(token: str | None = None) -> ApiClient:
        return ApiClient(app.test_client(), token)

    return make


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json", response.headers
    body = response.get_json()
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["instance"].startswith("/api/")
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def still():
    """The suite's moment, not ticking: exact times can be compared."""
    import time_machine

    from tests import clock

    with time_machine.travel(clock.now(), tick=False):
        yield clock.now()
