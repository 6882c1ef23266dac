"""A site owner's reviewer finds an application due soon, approves it with a
condition, and the timeline shows the decision - in a real Chromium."""

import datetime as dt

import pytest

from permits.extensions import db
from permits.models import ReviewTask
from permits.services import clock
from permits.services.context import now_utc
from tests.factories import PASSWORD
from tests.services.scenario import approve_all, build_world, open_reviews, submitted

pytestmark = pytest.mark.browser


@pytest.fixture
def due_soon_review(app):
    with app.app_context():
        world = build_world()
        application = submitted(world)
        approve_all(world, application, "ministry_screening")
        [review] = [r for r in open_reviews(application) if r.organisation_id == world.owner_a.id]
        # Time machine: this review is due within the next business day.
        review.due_at = clock.due_soon_limit(now_utc()) - dt.timedelta(hours=1)
        db.session.commit()
        return {"review_id": review.id, "reference": application.reference, "email": world.owner_a_reviewer.email}


def test_site_owner_approves_a_due_soon_application_with_a_condition(due_soon_review, live_server, page, shoot, app):
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("E-mail address").fill(due_soon_review["email"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(f"{live_server}/review/")
    page.get_by_role("link", name="Due soon").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text=due_soon_review["reference"])
    assert row.locator(".app-clock--due-soon").is_visible()
    shoot(page, "1-due-soon-queue")

    row.get_by_role("link", name=due_soon_review["reference"]).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/review/tasks/{due_soon_review['review_id']}")
    shoot(page, "2-review-page")

    page.get_by_role("link", name="Approve with conditions").click()
    page.get_by_label("Condition 1").fill("A museum guide must be present")
    page.get_by_role("button", name="Add another condition").click()
    page.get_by_label("Condition 4").fill("No filming between 12:00 and 14:00")
    shoot(page, "3-conditions")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "Check and confirm" in page.locator("h1").inner_text()
    shoot(page, "4-confirm")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    assert "Your decision is recorded" in page.locator(".govuk-notification-banner").inner_text()
    timeline = page.locator("ol.app-timeline").last
    assert "Approved with conditions" in timeline.inner_text()
    assert "A museum guide must be present" in timeline.inner_text()
    assert "No filming between 12:00 and 14:00" in timeline.inner_text()
    assert not page.dialogs
    shoot(page, "5-timeline")

    with app.app_context():
        review = db.session.get(ReviewTask, due_soon_review["review_id"])
        assert review.state == "approved_with_conditions"
        assert review.conditions == ["A museum guide must be present", "No filming between 12:00 and 14:00"]
