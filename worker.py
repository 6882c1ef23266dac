"""Celery entry point: ``celery -A worker worker`` / ``celery -A worker beat``.

Wiring only: the factory builds the Flask app, whose Celery app runs every
task inside the Flask app context. Celery looks for ``app`` (then
``celery``) in this module, so both names are the Celery app.
"""

from permits import create_app
from permits.allocator import limit_arenas

limit_arenas()  # before the pool's threads allocate (MALLOC_ARENA_MAX=2 does it too)

flask_app = create_app()
celery = app = flask_app.extensions["celery"]
