"""The factory honours its configuration; production refuses unsafe settings."""

import pytest

from config import ConfigError, DevelopmentConfig, ProductionConfig, TestingConfig, get_config
from permits import create_app

# Made once with secrets.token_urlsafe(48) (a test must not depend on chance).
STRONG_KEY = "pD2DW90gj2Iy8NlMXOB69Uuxq8ssczhP7zxSo4FLbiJbgLzFfQaIwvQ0CZ4dpF-K"


def production(**attrs):
    base = {"SECRET_KEY": STRONG_KEY, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/permits", "DEBUG": False,
            "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0"}
    base.update(attrs)
    return type("Prod", (ProductionConfig,), base)


def test_testing_config_is_used(app):
    assert app.config["TESTING"] is True
    assert app.config["WTF_CSRF_ENABLED"] is True


def test_get_config_by_name():
    assert get_config("testing") is TestingConfig
    assert get_config("development") is DevelopmentConfig
    with pytest.raises(ConfigError, match="Unknown PERMITS_ENV"):
        get_config("staging")


def test_overrides_are_applied(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", MAX_CONTENT_LENGTH=1234)
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert "celery" in app.extensions
    assert app.extensions["celery"].conf.task_acks_late is True
    assert app.extensions["celery"].conf.worker_prefetch_multiplier == 1
    assert app.extensions["celery"].conf.accept_content == ["json"]


def test_development_key_is_random_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    config = type("Dev", (DevelopmentConfig,), {"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 64


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/wal.db")
    with app.app_context():
        from permits.extensions import db

        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize(
    ("attrs", "reason"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "dev-only-insecure-secret-key-change-me"}, "development default"),
        ({"SECRET_KEY": "changeme"}, "development default"),
        ({"SECRET_KEY": "short-key"}, "shorter than 32"),
        ({"DEBUG": True}, "debug mode is on"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "PostgreSQL"),
    ],
)
def test_production_refuses_unsafe_settings(attrs, reason):
    with pytest.raises(ConfigError, match=reason):
        create_app(production(**attrs))


def test_production_refuses_debug_from_environment(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="debug"):
        production().validate()


def test_production_validates_with_a_strong_key():
    production().validate()
    assert production().SESSION_COOKIE_SECURE is True
    assert production().HSTS is True


ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _config_value(name: str, env: dict) -> str:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "PUBLIC_BASE_URL")}
    out = subprocess.run(
        [sys.executable, "-c", f"import config; print(config.DevelopmentConfig.{name})"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True, timeout=60,
    )
    return out.stdout.strip()


def test_links_in_emails_and_qr_codes_follow_the_port_the_app_serves():
    assert _config_value("PUBLIC_BASE_URL", {}) == "http://127.0.0.1:5000"
    assert _config_value("PUBLIC_BASE_URL", {"PORT": "5101"}) == "http://127.0.0.1:5101"
    assert _config_value("PUBLIC_BASE_URL", {"PORT": "5101", "PUBLIC_BASE_URL": "https://permits.example"}) == \
        "https://permits.example"


def test_make_run_gives_every_process_the_web_apps_address():
    """honcho hands each process type its own PORT (the worker's is not the
    web app's), so `make run` exports the web app's address for all of them."""
    import os
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "PUBLIC_BASE_URL")}
    database = subprocess.run(["make", "-qp", "-f", "Makefile", "PORT=5101"], cwd=ROOT, env=clean,
                              capture_output=True, text=True, timeout=60).stdout
    assert "PORT = 5101" in database.splitlines()
    assert "PUBLIC_BASE_URL = http://127.0.0.1:$(PORT)" in database.splitlines()
    # ...and exported, so honcho's processes (web, worker, beat) all inherit it.
    assert "export PUBLIC_BASE_URL" in (ROOT / "Makefile").read_text()


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (" " * 40, "fewer than 8 different characters"),
        ("a" * 32, "fewer than 8 different characters"),
        ("x" * 48, "fewer than 8 different characters"),
        ("changeme" * 4, "development default"),
        ("dev-only-insecure-secret-key-change-me-in-production", "development default"),
        ("my-development-key-with-enough-length-1234", "development default"),
        ("0123456789" * 4, "short pattern repeated"),
        ("Sekret012" * 5, "short pattern repeated"),
        ("abcdefgh" + "a" * 40, "too predictable"),
    ],
)
def test_production_refuses_long_but_guessable_secret_keys(key, reason):
    with pytest.raises(ConfigError, match=reason):
        production(SECRET_KEY=key).validate()


@pytest.mark.parametrize(
    "key",
    [
        STRONG_KEY,
        "2606d34db346bbae102e80172e1754e3",  # secrets.token_hex(16), the shortest accepted kind
        "410753a4ca03389f5d97292c53f6ef5c3e8de25b1bcc548d95174ba3575cf1d4",  # secrets.token_hex(32)
        "sheki khan palace at dawn, 14 camels & one drone",  # a long passphrase
    ],
)
def test_production_accepts_random_keys(key):
    production(SECRET_KEY=key).validate()


@pytest.mark.parametrize("storage", ["memory://", ""])
def test_production_refuses_per_process_rate_limit_counters_and_says_why(storage):
    with pytest.raises(ConfigError, match=r"RATELIMIT_STORAGE_URI is memory://.*multiplying every rate limit"):
        create_app(production(RATELIMIT_STORAGE_URI=storage))

