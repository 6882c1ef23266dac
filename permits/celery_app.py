"""Celery bound to the Flask app: every task runs inside the app context."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            from permits.database import intends_to_write

            with app.app_context(), intends_to_write():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    broker = app.config["CELERY_BROKER_URL"]
    celery.conf.update(
        broker_url=broker,
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        timezone="UTC",
        enable_utc=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=120,
        task_soft_time_limit=90,
        task_always_eager=app.config.get("CELERY_ALWAYS_EAGER", False),
        broker_connection_retry_on_startup=True,
        # A publish must not hang a web request when the broker is down:
        # the outbox relay will send the message later anyway.
        broker_connection_timeout=2,
        broker_transport_options={"visibility_timeout": 3600, "max_retries": 1},
        beat_schedule={
            "outbox-relay": {"task": "permits.tasks.relay_outbox", "schedule": 30.0},
            "deadline-sweep": {"task": "permits.tasks.sweep_deadlines", "schedule": 60.0},
        },
        imports=("permits.tasks",),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
