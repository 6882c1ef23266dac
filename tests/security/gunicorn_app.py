"""The suite's app for a real gunicorn (tests/security/test_gunicorn.py):
``gunicorn -c deploy/gunicorn.conf.py tests.security.gunicorn_app:app``."""

import os
from pathlib import Path

from permits import create_app
from tests.conftest import make_config

app = create_app(make_config(os.environ["GUNICORN_TEST_DATABASE_URL"], Path(os.environ["GUNICORN_TEST_TMP"])))
