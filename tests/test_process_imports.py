"""What the long-running processes load: the web and Celery workers build the
app with ``create_app`` but never run migrations or seed the demo, so
Alembic, Flask-Migrate and the demo data stay out of them (memory, start-up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI_ONLY = ["alembic", "flask_migrate", "permits.demo", "permits.demo.seed", "workflows.diagram", "permits.readme"]

PROBE = """
import json, sys
{load}
print(json.dumps(sorted(m for m in {cli_only!r} if m in sys.modules)))
"""


def loaded_cli_modules(load: str, tmp_path: Path) -> list[str]:
    env = {
        **os.environ,
        "PERMITS_ENV": "production",
        "SECRET_KEY": "k" * 64 + "-a-production-like-key-for-this-probe-only",
        "DATABASE_URL": "postgresql://permits@127.0.0.1:1/permits",  # never connected to
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FLASK_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(load=load, cli_only=CLI_ONLY)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "load",
    ["from permits import create_app; create_app()", "import worker"],
    ids=["web worker: create_app()", "celery worker: import worker"],
)
def test_a_long_running_process_imports_no_cli_only_module(load, tmp_path):
    assert loaded_cli_modules(load, tmp_path) == []


def test_flask_db_still_runs_flask_migrate(app):
    result = app.test_cli_runner().invoke(args=["db", "heads"])
    assert result.exit_code == 0, result.output  # (Alembic prints to the real stdout)
    assert type(app.extensions["migrate"]).__module__ == "flask_migrate"
    result = app.test_cli_runner().invoke(args=["db", "--help"])
    assert "upgrade" in result.output and "downgrade" in result.output


def test_the_migrate_extension_is_flask_migrates_once_used(app):
    with app.app_context():
        config = app.extensions["migrate"]
        assert Path(config.directory) == ROOT / "migrations"
        assert app.extensions["migrate"].db is not None
        assert type(app.extensions["migrate"]).__module__ == "flask_migrate"
