"""Celery bound to the Flask app: every task runs inside the app context.

The broker is a doorbell, the database is the truth (DESIGN.md section 5):
tasks take ids, the outbox relay and the deadline sweep run from one beat,
and nothing relies on long countdowns held by the broker.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

# The commission's morning, when reviewers who chose it get their digest.
DIGEST_HOUR_LOCAL = 7
DIGEST_TIMEZONE = "Asia/Baku"
# Periodic work: often enough that a lost nudge costs under a minute.
RELAY_EVERY_SECONDS = 30.0
SWEEP_EVERY_SECONDS = 60.0
CLEAN_UP_EVERY_SECONDS = 3600.0
# Redis re-delivers an unacknowledged task after this long. It must stay
# above the longest time a task may legitimately hold a message (its hard
# time limit) and above the longest outbox back-off, so that a slow worker
# never sees its own task handed to another one.
TASK_TIME_LIMIT_SECONDS = 120
VISIBILITY_TIMEOUT_SECONDS = 2 * 3600


def digest_crontab(hour_local: int = DIGEST_HOUR_LOCAL, zone: str = DIGEST_TIMEZONE) -> crontab:
    """07:00 in Baku as a UTC crontab (Azerbaijan keeps UTC+4 all year, no DST)."""
    offset = dt.datetime.now(ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    hour_utc = int((hour_local - offset.total_seconds() / 3600) % 24)
    return crontab(hour=hour_utc, minute=0)


def celery_config(app: Flask) -> dict:
    broker = app.config["CELERY_BROKER_URL"]
    # kombu's SQLAlchemy transport hands its options to create_engine, which
    # knows no visibility timeout: only Redis gets the Redis options.
    transport_options: dict = {}
    if broker.startswith(("redis://", "rediss://")):
        transport_options["visibility_timeout"] = VISIBILITY_TIMEOUT_SECONDS
        # A publish while Redis is down must fail fast (the relay delivers
        # later): short socket timeouts and no reconnect loop in the request.
        transport_options.update(
            {
                "socket_connect_timeout": 1,
                "socket_timeout": 5,
                "max_retries": 0,
                "retry_on_timeout": False,
                "health_check_interval": 25,
            }
        )
    return {
        "broker_url": broker,
        "result_backend": None,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "timezone": "UTC",
        "enable_utc": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": TASK_TIME_LIMIT_SECONDS,
        "task_soft_time_limit": TASK_TIME_LIMIT_SECONDS - 30,
        "task_always_eager": app.config.get("CELERY_ALWAYS_EAGER", False),
        # The worker and beat wait for the broker as long as it takes and
        # resume by themselves (kombu's back-off: 2 s, 4 s, 6 s ... at most
        # 30 s between attempts; None is no limit). A limit would end the
        # worker with "Unrecoverable error" after a short Redis outage, and
        # nothing would be delivered until a person restarted it. Only the
        # worker's consumer and beat read these settings: a web request
        # publishes with retry=False and the transport's max_retries=0
        # above, so it still fails fast (permits.dispatch).
        "broker_connection_retry": True,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 2,
        "broker_connection_max_retries": None,
        # A publish must not hang a web request when the broker is down.
        "task_publish_retry": False,
        "broker_transport_options": transport_options,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "outbox-relay": {"task": "permits.tasks.relay_outbox", "schedule": RELAY_EVERY_SECONDS},
            "deadline-sweep": {"task": "permits.tasks.sweep_deadlines", "schedule": SWEEP_EVERY_SECONDS},
            "daily-digest": {"task": "permits.tasks.send_daily_digests", "schedule": digest_crontab()},
            "permit-pdf-catch-up": {"task": "permits.tasks.catch_up_permit_pdfs", "schedule": 120.0},
            "storage-clean-up": {"task": "permits.tasks.clean_up_storage", "schedule": CLEAN_UP_EVERY_SECONDS},
            "webhook-relay": {"task": "permits.tasks.relay_webhooks", "schedule": RELAY_EVERY_SECONDS},
            "expired-registrations": {"task": "permits.tasks.purge_expired_registrations", "schedule": CLEAN_UP_EVERY_SECONDS},
        },
    }


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            from permits.database import intends_to_write

            with app.app_context(), intends_to_write():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask, set_as_current=False)
    celery.conf.update(celery_config(app))
    # Every task is registered on this app, by name, whatever was imported
    # before: no shared tasks bound to whichever Celery app is "current".
    from permits.tasks import TASKS

    for name, function in TASKS.items():
        celery.task(name=name, ignore_result=True, shared=False, lazy=False)(function)
    app.extensions["celery"] = celery
    return celery
