"""The framework's ceiling: a bare Flask app served by the same gunicorn
settings as the product (bench/bench_ceiling.py starts it).

    /plain     a few bytes of text
    /select1   one ``SELECT 1`` through a pooled SQLAlchemy engine (psycopg)
    /template  a small template, compiled once, rendered with a short loop
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

TEMPLATE = """<!doctype html><html lang="en"><head><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item.name }} · {{ item.fee }}</li>{% endfor %}</ul></body></html>"""
ITEMS = [{"name": f"Site {i}", "fee": f"{100 + i}.00 AZN"} for i in range(20)]


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(
        os.environ["CEILING_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
        pool_size=5, pool_pre_ping=True,
    )
    template = app.jinja_env.from_string(TEMPLATE)

    @app.route("/plain")
    def plain():
        return "ok", 200, {"Content-Type": "text/plain"}

    @app.route("/select1")
    def select1():
        with engine.connect() as conn:
            value = conn.execute(text("SELECT 1")).scalar_one()
        return str(value), 200, {"Content-Type": "text/plain"}

    @app.route("/template")
    def small_template():
        return template.render(title="Filming sites", items=ITEMS)

    return app
