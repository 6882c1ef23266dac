"""Work is queued by task name (permits.dispatch); every name the code
queues or the beat schedules is a task registered on the app's Celery."""

from permits import notifications, tasks
from permits.services import permits as permit_service


def test_every_queued_or_scheduled_task_is_registered(app):
    celery = app.extensions["celery"]
    assert set(tasks.TASKS) <= set(celery.tasks)
    queued = {notifications.DELIVER_TASK, notifications.DELIVER_BATCH_TASK, permit_service.RENDER_TASK}
    scheduled = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert queued | scheduled <= set(tasks.TASKS)
    for name in tasks.TASKS:
        assert celery.tasks[name].run is tasks.TASKS[name]
