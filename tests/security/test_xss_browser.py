"""Script payloads in titles, comments, site names, file names and a URL
render inert: put in through the services, shown in real Chromium on every
page that shows them, and no dialog ever fires."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from permits.extensions import db as database
from permits.models import Notification
from permits.services import applications, documents, reviewer_notes, workflow
from tests.factories import PASSWORD
from tests.security.conftest import pdf_bytes
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
SVG = "<svg/onload=alert(3)>"
JS_URL = "javascript:alert(4)"
TITLE = f"Film {SCRIPT}{IMG}"


def _xss_world():
    world = build_world()
    world.site_a.name_en = f"Tower {IMG}"
    world.site_a.description_en = f"Old walls {SCRIPT}{SVG}"
    producer = world.producer

    def make(title, start):
        application = applications.create_draft(producer, title=title, synopsis=f"{SVG} synopsis", crew_total=10)
        applications.save_contacts(application, producer, contact_name=IMG, contact_email=JS_URL,
                                   contact_phone=SCRIPT, local_contact=JS_URL)
        applications.add_booking(application, producer, world.site_a, start=start, end=start + dt.timedelta(days=1),
                                 crew_on_site=10)
        database.session.commit()
        return application

    in_review = make(TITLE, dt.date(2027, 6, 7))
    document = documents.add_to_passport(producer, documents.Upload(io.BytesIO(pdf_bytes()), f"{IMG}.pdf"), kind="other")
    documents.attach(in_review, producer, document)
    workflow.submit(in_review, producer, now=MONDAY)
    database.session.commit()
    approve_all(world, in_review, "ministry_screening")
    [owner_review] = open_reviews(in_review, "site_owner")
    reviewer_notes.add_internal_note(owner_review, world.owner_a_reviewer, f"note {SCRIPT}")
    reviewer_notes.message_producer(owner_review, world.owner_a_reviewer, f"message {IMG}")
    [tourism] = open_reviews(in_review, "tourism")
    workflow.decide(tourism, world.tourism_reviewer, "request_information", reason=f"Need {SVG}{IMG}", now=MONDAY)
    database.session.commit()

    approved = make(f"Approved {SCRIPT}{IMG}", dt.date(2027, 7, 5))
    workflow.submit(approved, producer, now=MONDAY)
    database.session.commit()
    approve_all(world, approved, "ministry_screening")
    for review in open_reviews(approved):
        workflow.decide(review, world.reviewer_for(review), "approve_with_conditions",
                        conditions=[f"Condition {SCRIPT}{IMG}"], now=MONDAY)
    database.session.commit()
    approve_all(world, approved, "ministry_final")
    from permits.services import permits as permit_service

    permit = permit_service.permit_of(approved)
    notice = database.session.query(Notification).filter_by(user_id=producer.id).first()
    notice.url = JS_URL
    database.session.commit()
    return world, in_review, owner_review, approved, permit


def _sign_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _visit(page, url):
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # an onerror fires after the failed image load
    assert page.locator("img[src='x']").count() == 0, f"an injected <img> is in the DOM of {url}"
    assert page.locator("a[href^='javascript:']").count() == 0, f"a javascript: link on {url}"
    return page.content()


def test_payloads_render_inert_everywhere(db, live_server, page, browser, shoot):
    world, in_review, owner_review, _approved, permit = _xss_world()
    base = live_server
    page.set_extra_http_headers({"Accept-Language": "en"})

    # Public pages.
    for path in ("/sites/", f"/sites/{world.site_a.slug}", f"/verify/{permit.verification_token}"):
        _visit(page, base + path)
    shoot(page, "verify")
    assert "Approved <script>alert(1)</script>" in page.inner_text("body")

    _sign_in(page, base, world.producer.email)
    for path in (f"/applications/{in_review.id}", "/applications/", "/applications/passport", "/notifications/",
                 f"/permits/{permit.id}"):
        _visit(page, base + path)
    page.goto(f"{base}/applications/{in_review.id}")
    shoot(page, "producer-application")
    assert TITLE in page.inner_text("body")
    page.goto(f"{base}/notifications/")
    shoot(page, "notifications")
    # Opening the notice whose link is javascript: stays on our pages.
    buttons = page.locator("form[action*='/open'] button")
    if buttons.count():
        buttons.first.click()
        page.wait_for_load_state()
        assert page.url.startswith(base)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    reviewer = context.new_page()
    reviewer_dialogs: list[str] = []
    reviewer.on("dialog", lambda dialog: (reviewer_dialogs.append(dialog.message), dialog.dismiss()))
    try:
        _sign_in(reviewer, base, world.owner_a_reviewer.email)
        for path in (f"/review/tasks/{owner_review.id}", "/review/", f"/review/sites/{world.site_a.slug}/calendar"):
            _visit(reviewer, base + path)
        reviewer.goto(f"{base}/review/tasks/{owner_review.id}")
        shoot(reviewer, "review-task")
        assert "note <script>alert(1)</script>" in reviewer.inner_text("body")
    finally:
        context.close()

    assert page.dialogs == [], page.dialogs
    assert reviewer_dialogs == [], reviewer_dialogs
