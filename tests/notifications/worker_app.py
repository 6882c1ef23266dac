"""The Celery app of a real worker process in the tests.

``celery -A tests.notifications.worker_app worker --pool=solo`` builds the
Flask app with the test's database, broker and SMTP server, all passed in
the environment by the ``start_worker`` fixture, and keeps the test's clock.
"""

import os
from pathlib import Path

from permits import create_app
from tests import clock
from tests.conftest import make_config

clock.follow_parent()

flask_app = create_app(
    make_config(
        os.environ["NOTIFY_TEST_DATABASE_URL"],
        Path(os.environ["NOTIFY_TEST_TMP"]),
        CELERY_BROKER_URL=os.environ["NOTIFY_TEST_BROKER_URL"],
        SMTP_URL=os.environ["NOTIFY_TEST_SMTP_URL"],
        OUTBOX_LEASE_SECONDS=float(os.environ.get("NOTIFY_TEST_STUCK_AFTER", "60")),
        PUBLIC_BASE_URL="http://localhost",
    )
)
# Celery looks for ``app`` first: it must be the Celery app, not the Flask one.
celery = app = flask_app.extensions["celery"]
