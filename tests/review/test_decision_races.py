"""Racing clicks on one review: exactly one decision is recorded and every
other click is told "someone else acted first" (409), never "you do not
have permission" (403)."""

from __future__ import annotations

import threading

from permits.extensions import db
from permits.models import ReviewTask
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import csrf_token, login
from tests.services.scenario import approve_all, open_reviews, submitted

STALE = "Someone else acted first"


def _owner_review(world) -> ReviewTask:
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    [review] = [r for r in open_reviews(application) if r.organisation_id == world.owner_a.id]
    return review


def _signed_in(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def test_a_decision_on_a_review_a_colleague_has_just_decided_is_a_409(app, world):
    review = _owner_review(world)
    url = f"/review/tasks/{review.id}/decide/approve"
    first, second = _signed_in(app, world.owner_a_reviewer), _signed_in(app, world.owner_a_supervisor)
    forms = {client: csrf_token(client.get(url).data) for client in (first, second)}
    data = {"version": review.version, "confirm": "yes"}
    assert first.post(url, data={**data, "csrf_token": forms[first]}).status_code == 302
    late = second.post(url, data={**data, "csrf_token": forms[second]})
    assert late.status_code == 409
    assert STALE in late.get_data(as_text=True)
    # Opening a decision form on the decided review says the same.
    again = second.get(f"/review/tasks/{review.id}/decide/reject")
    assert again.status_code == 409 and STALE in again.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(ReviewTask, review.id).state == "approved"


def test_eight_simultaneous_approvals_give_one_success_and_seven_409s(app, world):
    review = _owner_review(world)
    url, version = f"/review/tasks/{review.id}/decide/approve", review.version
    reviewers = [world.owner_a_reviewer, world.owner_a_supervisor] + [
        StaffFactory(organisation=world.owner_a, email=f"a{n}@example.test") for n in range(6)
    ]
    db.session.commit()
    clients = [_signed_in(app, user) for user in reviewers]
    tokens = [csrf_token(client.get(url).data) for client in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def click(client, token):
        barrier.wait()
        response = client.post(url, data={"version": version, "confirm": "yes", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=click, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [302] + [409] * 7, statuses
