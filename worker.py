"""Celery entry point: ``celery -A worker worker`` / ``celery -A worker beat``."""

from permits import create_app

app = create_app()
celery = app.extensions["celery"]
