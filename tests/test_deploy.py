"""The files under deploy/ that supervise the product on a server."""

from __future__ import annotations

import configparser
import runpy
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "deploy" / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(UNITS / name)
    return parser


@pytest.mark.parametrize("name", ["permits-web.service", "permits-worker.service", "permits-beat.service"])
def test_every_process_is_restarted_for_ever(name):
    parsed = unit(name)
    assert parsed["Service"]["Restart"] == "always"
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0", "systemd would give up after 5 quick failures"
    assert parsed["Service"]["EnvironmentFile"] == "/etc/permits/permits.env"
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    assert parsed["Service"]["User"] == "permits"


def test_the_units_run_the_readmes_commands():
    worker = shlex.split(unit("permits-worker.service")["Service"]["ExecStart"])
    assert worker[1:5] == ["-A", "worker:celery", "worker", "--loglevel=INFO"]
    beat = shlex.split(unit("permits-beat.service")["Service"]["ExecStart"])
    assert beat[1:4] == ["-A", "worker:celery", "beat"]
    web = shlex.split(unit("permits-web.service")["Service"]["ExecStart"])
    assert web[-1] == "permits:create_app()" and web[web.index("-c") + 1].endswith("deploy/gunicorn.conf.py")
    # A warm shutdown outlasts the longest task.
    from permits.celery_app import TASK_TIME_LIMIT_SECONDS

    assert int(unit("permits-worker.service")["Service"]["TimeoutStopSec"]) > TASK_TIME_LIMIT_SECONDS


def test_gunicorn_lets_long_request_lines_reach_the_app():
    from permits.inputs import MAX_URL_LENGTH

    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["limit_request_line"] == 8190  # gunicorn's maximum
    assert settings["limit_request_line"] > MAX_URL_LENGTH


def test_the_example_environment_sets_production_without_a_secret():
    lines = dict(
        line.split("=", 1) for line in (ROOT / "deploy" / "permits.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert lines["PERMITS_ENV"] == "production"
    assert lines["SECRET_KEY"] == ""  # each installation makes its own
    assert lines["REDIS_URL"].startswith("redis://")


def test_gunicorn_keeps_idle_connections_longer_than_the_proxy_and_recycles_workers_only_as_a_backstop():
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["keepalive"] > 60  # nginx upstream keepalive_timeout, AWS ALB idle timeout
    assert settings["max_requests"] >= 10000 and 0 < settings["max_requests_jitter"] < settings["max_requests"]


@pytest.mark.parametrize("name", ["permits-web.service", "permits-worker.service", "permits-beat.service"])
def test_every_unit_caps_the_malloc_arenas_and_fixes_its_thresholds(name):
    environment = unit(name)["Service"]["Environment"]
    assert environment.split() == ["MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=131072", "MALLOC_TRIM_THRESHOLD_=131072"]


def test_the_procfile_caps_the_malloc_arenas_and_keeps_connections_alive():
    lines = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(lines) == {"web", "worker", "beat"}
    for command in lines.values():
        assert shlex.split(command)[:3] == [
            "MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=131072", "MALLOC_TRIM_THRESHOLD_=131072"]
    web = shlex.split(lines["web"])
    assert int(web[web.index("--keep-alive") + 1]) > 60


def test_the_allocator_settings_apply_on_glibc():
    from permits.allocator import tune

    assert tune() is True
