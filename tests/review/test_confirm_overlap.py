"""The confirm step of an approval repeats the review page's warning that the
shoot overlaps with another production at the same site (it said nothing)."""

from __future__ import annotations

from permits.extensions import db
from tests.helpers import csrf_token
from tests.review.test_decisions import _owner_review
from tests.services.scenario import approve_all, submitted


def _confirm_page(client, review, action):
    url = f"/review/tasks/{review.id}/decide/{action}"
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.data), "version": review.version,
                                  "conditions-0": "A guide is present"})


def test_an_approval_names_the_overlapping_shoot_before_it_is_confirmed(world, signed_in, client):
    other = submitted(world)  # the same sites and days, filed first
    approve_all(world, other, "ministry_screening")
    review = _owner_review(world)
    db.session.refresh(other)
    for user in (world.owner_a_reviewer,):
        user.language = "en"
    db.session.commit()
    signed_in(world.owner_a_reviewer)
    task = client.get(f"/review/tasks/{review.id}").get_data(as_text=True)
    assert "Clash" in task and other.display_reference in task
    for action in ("approve", "approve_with_conditions"):
        response = _confirm_page(client, review, action)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Check and confirm" in html
        assert 'id="overlap-warning"' in html and "overlaps with another shoot at the same site" in html
        assert f"Maiden Tower: {other.display_reference}" in html and f"Yanar Dag: {other.display_reference}" in html
    # A refusal's confirm step has no such warning (nothing is being approved).
    url = f"/review/tasks/{review.id}/decide/reject"
    page = client.get(url)
    html = client.post(url, data={"csrf_token": csrf_token(page.data), "version": review.version,
                                  "reason": "Closed that week"}).get_data(as_text=True)
    assert "Check and confirm" in html and 'id="overlap-warning"' not in html


def test_no_overlap_no_warning(world, signed_in, client):
    review = _owner_review(world)
    signed_in(world.owner_a_reviewer)
    html = _confirm_page(client, review, "approve").get_data(as_text=True)
    assert "Check and confirm" in html and 'id="overlap-warning"' not in html
