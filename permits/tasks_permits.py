"""Celery tasks for permits: render a version's PDF; catch up on any missed."""

from __future__ import annotations

from celery import shared_task

from permits.extensions import db


@shared_task(name="permits.tasks_permits.render_permit_pdf", ignore_result=True)
def render_permit_pdf(version_id: int) -> str:
    from permits.services import permits as permit_service

    try:
        outcome = permit_service.render_version(version_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome


@shared_task(name="permits.tasks_permits.catch_up_permit_pdfs", ignore_result=True)
def catch_up_permit_pdfs() -> int:
    """The periodic safety net: versions whose nudge was lost (broker down,
    worker crash) or whose rendering failed are rendered now."""
    from permits.services import permits as permit_service

    ids = permit_service.pending_version_ids()
    db.session.commit()
    done = 0
    for version_id in ids:
        try:
            if permit_service.render_version(version_id) == "ready":
                done += 1
            db.session.commit()
        except Exception:  # one bad version must not stop the others
            db.session.rollback()
    return done
