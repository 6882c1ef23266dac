"""Celery entry point: ``celery -A worker worker`` / ``celery -A worker beat``.

Wiring only: the factory builds the Flask app, whose Celery app runs every
task inside the Flask app context. Celery looks for ``app`` (then
``celery``) in this module, so both names are the Celery app.
"""

from permits import create_app
from permits.allocator import tune as tune_allocator

tune_allocator()  # before the pool's threads allocate (the Procfile's MALLOC_* variables do it too)

flask_app = create_app()
celery = app = flask_app.extensions["celery"]
