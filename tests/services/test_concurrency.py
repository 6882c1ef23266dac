"""Concurrent clicks: the join happens once, and one of fifty identical
approvals wins. Runs on the suite's database: PostgreSQL (row locks) in CI's
first pass, SQLite (serialised writers) in the second."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from permits.database import intends_to_write
from permits.extensions import db
from permits.models import OutboxMessage, ReviewTask, User, WorkflowEvent
from permits.services import StaleVersion, workflow
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, submitted


def _in_threads(app, jobs):
    """Run each job in its own thread, app context and database session,
    released together by a barrier; returns what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        with app.app_context(), intends_to_write():
            try:
                barrier.wait(timeout=30)
                results[index] = job()
                db.session.commit()
            except Exception as error:  # recorded for the assertions
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _decide_job(review_id, user_id, version, action="approve"):
    """A decision sent from a form built at ``version`` of the review."""

    def job():
        review = db.session.get(ReviewTask, review_id)
        actor = db.session.get(User, user_id)
        return workflow.decide(review, actor, action, expected_version=version, now=MONDAY).id

    return job


def test_the_last_two_parallel_approvals_at_once_open_the_final_review_once(app, db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    tourism = open_reviews(application, "tourism")
    for review in tourism:
        workflow.decide(review, world.tourism_reviewer, "approve", now=MONDAY)
    db.session.commit()
    last_two = open_reviews(application, "site_owner")
    assert len(last_two) == 2
    jobs = [_decide_job(r.id, world.reviewer_for(r).id, r.version) for r in last_two]
    db.session.remove()

    results = _in_threads(app, jobs)

    assert not [r for r in results if isinstance(r, Exception)], results
    finals = db.session.execute(select(ReviewTask).where(ReviewTask.kind == "ministry_final")).scalars().all()
    assert len(finals) == 1
    opened = db.session.scalar(
        select(func.count(WorkflowEvent.id)).where(WorkflowEvent.action == "open_final")
    )
    assert opened == 1
    final_emails = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.idempotency_key.like(f"review-opened:{finals[0].id}:%"))
    )
    assert final_emails == 2  # the ministry's reviewer and supervisor, once each


def test_fifty_concurrent_approvals_of_one_review_give_one_success(app, db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    jobs = [_decide_job(screening.id, world.ministry_reviewer.id, screening.version) for _ in range(50)]
    db.session.remove()

    results = _in_threads(app, jobs)

    successes = [r for r in results if not isinstance(r, Exception)]
    stale = [r for r in results if isinstance(r, StaleVersion)]
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, StaleVersion)]
    assert (len(successes), len(stale), others) == (1, 49, [])
    approvals = db.session.scalar(
        select(func.count(WorkflowEvent.id)).where(WorkflowEvent.action == "approve", WorkflowEvent.subject == "review")
    )
    assert approvals == 1
    assert db.session.get(ReviewTask, screening.id).state == "approved"
