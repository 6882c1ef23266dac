"""axe-core on the producer's, the reviewers' and the administrators' pages,
in their main states: empty, filled, with errors (error summary), decided."""

import pytest

from tests.a11y.conftest import sign_in

pytestmark = pytest.mark.browser

SECTIONS = ["contacts", "production", "sites", "activities", "crew", "documents", "declaration"]


def _has_error_summary(page) -> bool:
    return page.locator(".govuk-error-summary").count() > 0


def _clear_and_complete(page) -> None:
    """Empty the section's text boxes, declare an activity, say it is complete and save: the errors."""
    form = page.locator("main form[method=post]").last
    for box in form.locator("input[type=text], input[type=email], input[type=tel], input[type=number], textarea").all():
        if box.is_visible() and box.is_editable():
            box.fill("")
    activity = form.locator("input[name=activities]")
    if activity.count():
        activity.first.check()
    yes = page.get_by_label("Yes, I have completed this section")
    if yes.count():
        yes.check()
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


def test_producer_pages(demo, live_server, page, audit):
    base = live_server
    page.set_extra_http_headers({"Accept-Language": "en"})
    sign_in(page, base, demo["draft_producer"])
    page.goto(f"{base}/applications/")
    audit(page, "producer/home")
    draft = f"{base}/applications/{demo['draft']}"
    page.goto(draft)
    assert page.locator(".govuk-task-list").is_visible()
    audit(page, "producer/task-list-draft")
    for section in SECTIONS:
        page.goto(f"{draft}/{section}")
        audit(page, f"producer/section-{section}")
    page.goto(f"{draft}/sites/add")
    audit(page, "producer/add-site")
    page.get_by_role("button", name="Add to my application").click()
    assert _has_error_summary(page)
    audit(page, "producer/add-site-errors")
    page.goto(f"{draft}/check")
    audit(page, "producer/check-answers")
    page.goto(f"{base}/applications/passport")
    audit(page, "producer/passport")
    page.get_by_role("button", name="Upload").click()
    assert _has_error_summary(page)
    audit(page, "producer/passport-errors")

    # A fresh draft: each section's form with its errors.
    page.goto(f"{base}/applications/")
    page.get_by_role("button", name="Start a new application").click()
    page.wait_for_load_state()
    fresh = page.url
    with_errors = []
    for section in SECTIONS:
        page.goto(f"{fresh}/{section}")
        _clear_and_complete(page)
        if _has_error_summary(page):
            with_errors.append(section)
            audit(page, f"producer/section-{section}-errors")
    assert {"production", "sites", "documents", "declaration", "crew"} <= set(with_errors), with_errors

    page.goto(f"{base}/notifications/")
    audit(page, "producer/notifications")
    page.goto(f"{base}/account/")
    audit(page, "producer/account")
    audit.assert_clean()


def test_producer_status_and_permit_pages(demo, live_server, browser, audit):
    base = live_server
    for email, pages in (
        (demo["info_producer"], [("status-info-requested", f"/applications/{demo['info']}")]),
        (demo["approved_producer"], [("status-approved", f"/applications/{demo['approved']}"),
                                      ("permit", f"/permits/{demo['permit']}")]),
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        sign_in(page, base, email)
        for name, path in pages:
            page.goto(base + path)
            audit(page, f"producer/{name}")
            if name == "status-info-requested":
                page.get_by_role("button", name="Send your answer").click()
                assert _has_error_summary(page)
                audit(page, "producer/status-answer-errors")
        context.close()
    # A narrow screen (a phone): the status page still passes.
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-GB")
    page = context.new_page()
    sign_in(page, base, demo["info_producer"])
    page.goto(f"{base}/applications/{demo['info']}")
    audit(page, "producer/status-on-a-phone")
    context.close()
    audit.assert_clean()


def test_reviewer_pages(demo, live_server, browser, audit):
    base = live_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, base, demo["ministry"])
    for queue in ("open", "mine", "unassigned", "due_soon", "overdue", "waiting", "decided"):
        page.goto(f"{base}/review/?queue={queue}")
        audit(page, f"reviewer/queue-{queue}")
    page.goto(f"{base}/review/escalations")
    audit(page, "reviewer/escalations")
    task = f"{base}/review/tasks/{demo['screening_review']}"
    page.goto(task)
    audit(page, "reviewer/review-page")
    page.goto(f"{task}/decide/approve")
    audit(page, "reviewer/decide-approve")
    page.get_by_role("button", name="Continue").click()
    assert "Check and confirm" in page.locator("h1").inner_text()
    audit(page, "reviewer/decide-confirmation")
    page.goto(f"{task}/decide/request_information")
    audit(page, "reviewer/decide-request-information")
    page.get_by_role("button", name="Continue").click()
    assert _has_error_summary(page)
    audit(page, "reviewer/decide-request-information-errors")
    page.goto(f"{task}/decide/reject")
    page.get_by_role("button", name="Continue").click()
    audit(page, "reviewer/decide-refuse-errors")
    page.goto(f"{base}/review/tasks/{demo['final_review']}/decide/approve_with_conditions")
    audit(page, "reviewer/decide-conditions")
    page.goto(f"{base}/review/tasks/{demo['refused_final']}")
    audit(page, "reviewer/final-review-site-refused")
    page.goto(f"{base}/review/applications")
    audit(page, "reviewer/ministry-list")
    page.goto(f"{base}/review/applications/{demo['approved']}")
    audit(page, "reviewer/ministry-application")
    page.goto(f"{base}/review/statistics")
    audit(page, "reviewer/statistics")
    page.goto(f"{base}/notifications/")
    audit(page, "reviewer/notifications")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, base, demo["owner"])
    page.goto(f"{base}/review/")
    audit(page, "owner/queue")
    page.goto(f"{base}/review/sites")
    audit(page, "owner/sites")
    page.goto(f"{base}/review/sites/{demo['owner_site']}/calendar")
    audit(page, "owner/site-calendar")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, base, demo["asked_owner"])
    page.goto(f"{base}/review/tasks/{demo['asked_review']}")
    audit(page, "owner/review-waiting-on-producer")
    context.close()
    audit.assert_clean()


def test_admin_pages(demo, live_server, page, audit):
    base = live_server
    sign_in(page, base, demo["admin"])
    for name, path in (("index", "/admin/"), ("organisations", "/admin/organisations"), ("staff", "/admin/staff"),
                       ("outbox", "/admin/outbox/"), ("process", "/admin/process"), ("account", "/account/")):
        page.goto(base + path)
        audit(page, f"admin/{name}")
    page.goto(f"{base}/admin/organisations")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    if _has_error_summary(page):
        audit(page, "admin/organisations-errors")
    audit.assert_clean()
