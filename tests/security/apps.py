"""Another app of the suite with its own settings, for one test.

The rate limiter is one object (permits.extensions.limiter) bound to the last
app that initialised it, so it is put back as it was afterwards: the suite's
app goes on counting where it was."""

from __future__ import annotations

import contextlib

from permits import create_app
from permits.extensions import limiter
from tests.conftest import IsolatedClient, make_config


@contextlib.contextmanager
def another_app(database_url, tmp_root, **overrides):
    saved = dict(vars(limiter))
    saved_options = dict(limiter._storage_options)
    try:
        other = create_app(make_config(database_url, tmp_root, **overrides))
        other.test_client_class = IsolatedClient
        yield other
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
        limiter._storage_options.clear()
        limiter._storage_options.update(saved_options)
