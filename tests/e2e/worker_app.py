"""The Celery app of the real worker process of the end-to-end journeys.

``celery -A tests.e2e.worker_app worker --pool=solo`` builds the Flask app on
the suite's database, the journeys' Redis database and SMTP server, and the
live server's address (printed in the permit's QR code), all passed in the
environment by the ``journey`` fixture.
"""

import os
from pathlib import Path

from permits import create_app
from tests import clock
from tests.conftest import make_config

clock.follow_parent()

flask_app = create_app(
    make_config(
        os.environ["E2E_DATABASE_URL"],
        Path(os.environ["E2E_TMP"]),
        CELERY_BROKER_URL=os.environ["E2E_BROKER_URL"],
        SMTP_URL=os.environ["E2E_SMTP_URL"],
        PUBLIC_BASE_URL=os.environ["E2E_PUBLIC_BASE_URL"],
    )
)
# Celery looks for ``app`` first: it must be the Celery app, not the Flask one.
celery = app = flask_app.extensions["celery"]
