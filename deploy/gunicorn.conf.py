"""gunicorn settings of the web tier (deploy/systemd/permits-web.service):

    gunicorn -c deploy/gunicorn.conf.py "permits:create_app()"

The web tier keeps no state; scale it with more workers or more machines.
"""

import importlib.util
import os
from pathlib import Path

# Also set MALLOC_ARENA_MAX=2 and the thresholds in the environment
# (permits-web.service); this tunes the allocator in the master before it
# forks, should the variables be missing. permits/allocator.py is loaded on its own: importing the package
# would load Flask into the master, which serves no request.
_spec = importlib.util.spec_from_file_location(
    "permits_allocator", Path(__file__).resolve().parents[1] / "permits" / "allocator.py"
)
_allocator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_allocator)
_allocator.tune()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 30
# Keep idle connections open longer than the proxy in front does (nginx's
# upstream keepalive_timeout and AWS ALB idle timeout are 60 s): if gunicorn
# closed first, the proxy could send a request on a connection gunicorn is
# closing and get a reset (the 0.2-0.4 % errors seen under load with 2 s).
keepalive = 75
# A backstop only, should something leak: a worker is replaced after this many
# requests (jittered, so the workers do not all restart together).
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
# gunicorn refuses a request line longer than 4094 bytes with its own bare
# page. Let lines up to its maximum reach the app, which refuses addresses
# longer than MAX_URL_LENGTH with the product's own translated page (414).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
