"""The permit journey in a real Chromium: approval, the PDF, its QR code, the
public verification page, and revocation by the ministry's supervisor."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_permit_from_approval_to_revocation(db, live_server, page, shoot, tmp_path):
    from permits.services import workflow
    from tests.permits_issue.helpers import CONDITION, pdf_text, qr_urls, render_pending
    from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, pay_in_full, submitted

    world = build_world()
    for user in (world.producer, world.ministry_supervisor):
        user.language = "en"
    application = submitted(world)
    application.local_contact = "Location manager: +994 50 000 00 00"
    db.session.commit()
    approve_all(world, application, "ministry_screening")
    first, *rest = open_reviews(application)
    workflow.decide(first, world.reviewer_for(first), "approve_with_conditions", conditions=[CONDITION], now=MONDAY)
    for review in rest:
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    db.session.commit()
    # The last review: the ministry's final decision, through the services.
    [final] = open_reviews(application, "ministry_final")
    workflow.decide(final, world.ministry_reviewer, "approve", now=MONDAY)
    db.session.commit()
    pay_in_full(world, application)  # the permit is issued once the fee is paid
    from permits.services.permits import permit_of

    permit = permit_of(application)
    page.set_extra_http_headers({"Accept-Language": "en"})

    # Before the worker runs, the producer sees the permit being prepared.
    _sign_in(page, live_server, world.producer.email)
    page.goto(f"{live_server}/permits/{permit.id}")
    assert "being prepared" in page.locator("main").inner_text()
    shoot(page, "01-permit-being-prepared")

    render_pending(permit)  # the PDF task's body, as the worker runs it
    db.session.commit()
    page.goto(f"{live_server}/permits/{permit.id}")
    main = page.locator("main").inner_text()
    assert permit.number in main and "being prepared" not in main
    shoot(page, "02-permit-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the permit (PDF)").click()
    path = tmp_path / "permit.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert permit.number in text and CONDITION in text
    [url] = qr_urls(data)
    assert url == f"{live_server}/verify/{permit.verification_token}"

    # Anyone, signed in or not, opens the QR code's URL.
    _sign_out(page)
    page.goto(url)
    assert "Valid permit" in page.locator("main").inner_text()
    shoot(page, "03-verification-valid")

    # The ministry's supervisor revokes it with a reason.
    _sign_in(page, live_server, world.ministry_supervisor.email)
    page.goto(f"{live_server}/permits/{permit.id}")
    shoot(page, "04-ministry-sees-permit")
    page.get_by_role("link", name="Revoke this permit").click()
    page.get_by_role("button", name="Revoke the permit").click()
    assert "Give the reason for revoking the permit." in page.locator(".govuk-error-summary").inner_text()
    shoot(page, "05-revoke-needs-a-reason")
    page.get_by_label("Reason for revoking the permit").fill("Filming outside the permitted hours")
    page.get_by_role("button", name="Revoke the permit").click()
    page.wait_for_load_state()
    assert "is revoked" in page.locator("main").inner_text()
    shoot(page, "06-revoked")

    _sign_out(page)
    page.goto(url)
    body = page.locator("main").inner_text()
    assert "has been revoked" in body and "Valid permit" not in body
    shoot(page, "07-verification-revoked")

    # The number-and-code lookup, with a wrong code: a plain "not found".
    page.goto(f"{live_server}/verify/")
    page.get_by_label("Permit number").fill(permit.number)
    page.get_by_label("Verification code").fill("WRONG000")
    page.get_by_role("button", name="Check the permit").click()
    assert "No permit found" in page.locator("main").inner_text()
    shoot(page, "08-lookup-not-found")
    assert not page.dialogs
