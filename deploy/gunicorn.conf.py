"""gunicorn settings of the web tier (deploy/systemd/permits-web.service):

    gunicorn -c deploy/gunicorn.conf.py "permits:create_app()"

The web tier keeps no state; scale it with more workers or more machines.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
# gunicorn refuses a request line longer than 4094 bytes with its own bare
# page. Let lines up to its maximum reach the app, which refuses addresses
# longer than MAX_URL_LENGTH with the product's own translated page (414).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
