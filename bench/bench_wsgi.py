"""The product as the bench scripts serve it under gunicorn: the production
configuration (PERMITS_ENV=production, validated as in deploy), except that
the cookies are not Secure-only, because the load generators speak plain
HTTP on loopback where production sits behind TLS.

    gunicorn -c deploy/gunicorn.conf.py "bench_wsgi:create_app()"   (PYTHONPATH=<repo>:<repo>/bench)
"""

from __future__ import annotations

from config import ProductionConfig


def create_app():
    from permits import create_app as create_permits_app

    config = type("BenchProductionConfig", (ProductionConfig,),
                  {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    return create_permits_app(config)
