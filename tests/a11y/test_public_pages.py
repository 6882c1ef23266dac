"""axe-core on the public pages, in their main states."""

import pytest

pytestmark = pytest.mark.browser


def test_public_pages_have_no_serious_accessibility_violation(demo, live_server, page, browser, audit):
    base = live_server
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{base}/")
    audit(page, "public/landing")
    page.goto(f"{base}/sites/")
    audit(page, "public/catalogue")
    page.goto(f"{base}/sites/?region=baku&heritage=1")
    audit(page, "public/catalogue-filtered")
    page.goto(f"{base}/sites/{demo['owner_site']}")
    audit(page, "public/site")
    page.goto(f"{base}/sites/quote")
    audit(page, "public/quote-form")
    page.get_by_role("button", name="Get the quote").click()
    audit(page, "public/quote-errors")
    page.goto(f"{base}/sites/{demo['owner_site']}")
    page.get_by_role("link", name="Get a quote and timeline for this site").click()
    page.get_by_label("First shoot day").fill("2027-09-06")
    page.get_by_label("Last shoot day").fill("2027-09-08")
    page.get_by_label("Crew on site").fill("20")
    page.get_by_role("button", name="Get the quote").click()
    assert page.locator("#quote-total").is_visible()
    audit(page, "public/quote-result")

    page.goto(f"{base}/auth/login")
    audit(page, "public/login")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    audit(page, "public/login-errors")
    page.goto(f"{base}/auth/register")
    audit(page, "public/register")
    page.locator("main form button[type=submit]").last.click()
    assert page.locator(".govuk-error-summary").is_visible()
    audit(page, "public/register-errors")
    page.goto(f"{base}/auth/forgot-password")
    audit(page, "public/forgot-password")

    page.goto(f"{base}/verify/{demo['token']}")
    assert "Valid permit" in page.locator("main").inner_text()
    audit(page, "public/verify-valid")
    page.goto(f"{base}/verify/not-a-real-token-at-all")
    audit(page, "public/verify-not-found")
    page.goto(f"{base}/verify/")
    audit(page, "public/verify-lookup")
    page.goto(f"{base}/scorecard/")
    audit(page, "public/scorecard")
    page.goto(f"{base}/no-such-page")
    audit(page, "public/404")
    # The same pages in Azerbaijani and Russian (lang attributes, longer words).
    for language in ("az", "ru"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
        other = context.new_page()
        other.goto(f"{base}/")
        assert other.locator("html").get_attribute("lang") == language
        audit(other, f"public/landing-{language}")
        other.goto(f"{base}/sites/{demo['owner_site']}")
        audit(other, f"public/site-{language}")
        context.close()
    audit.assert_clean()
