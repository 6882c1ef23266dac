"""From a site page to a draft in a real Chromium, in Russian: the quote opens
without errors, takes dates per site, names sites and owners in Russian, and
"Start an application" goes through sign-in to a draft with the same total."""

import re

import pytest
from playwright.sync_api import expect

from tests import clock
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app):
    from permits.extensions import db
    from tests.services.scenario import build_world

    with app.app_context():
        world = build_world()
        world.producer.language = "ru"  # signed in, the pages follow the account's language
        db.session.commit()
        ids = {
            "site_a": world.site_a.slug, "site_b": world.site_b.slug,
            "site_a_ru": world.site_a.name_ru, "site_b_ru": world.site_b.name_ru,
            "site_a_en": world.site_a.name_en, "site_b_en": world.site_b.name_en,
            "owner_a_ru": world.owner_a.name_ru, "owner_b_ru": world.owner_b.name_ru,
            "email": world.producer.email,
        }
        db.session.remove()
    return ids


@pytest.fixture
def page(browser):
    """A Russian reader's browser."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru")
    yield context.new_page()
    context.close()


def test_a_visitor_gets_a_quote_with_dates_per_site_and_starts_a_draft_from_it(world, live_server, page, shoot):
    page.goto(f"{live_server}/sites/{world['site_a']}")
    page.locator("a[href^='/sites/quote?sites=']").click()
    # Opened from the site page: the site is chosen and nothing is wrong yet.
    expect(page.locator(f"input[name=sites][value='{world['site_a']}']")).to_be_checked()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator(".govuk-error-message")).to_have_count(0)

    start = clock.days_ahead(40)
    page.locator(f"input[name=sites][value='{world['site_b']}']").check()
    page.fill("#start_date", start.isoformat())
    page.fill("#end_date", clock.days_ahead(42).isoformat())
    page.fill("#crew", "20")
    page.locator("form[method=get] button[type=submit]").click()
    expect(page.locator("#quote-total")).to_be_visible()
    both_three_days = page.locator("#quote-total h3").inner_text()
    # Yanar Dag on one day of its own.
    page.locator("#site-dates summary").click()
    own = clock.days_ahead(50).isoformat()
    page.fill(f"#site-{world['site_b']}-start_date", own)
    page.fill(f"#site-{world['site_b']}-end_date", own)
    page.locator("form[method=get] button[type=submit]").click()
    result = page.locator("#quote-result")
    expect(result).to_contain_text("× 1")
    total = page.locator("#quote-total h3").inner_text()
    assert total != both_three_days
    text = result.inner_text()
    for name in ("site_a_ru", "site_b_ru", "owner_a_ru", "owner_b_ru"):
        assert world[name] in text
    assert world["site_a_en"] not in text and world["site_b_en"] not in text
    shoot(page, "01-quote-ru")

    # Start: sign in first, come back to the quote, start.
    page.locator("#start-application button").click()
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    page.fill("input[name=email]", world["email"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page.locator("#start-after-sign-in")).to_be_visible()
    assert page.locator("#quote-total h3").inner_text() == total
    page.locator("#start-application button").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+$"))
    aside = page.locator("aside")
    expect(aside).to_contain_text(total)
    expect(aside).to_contain_text(world["site_b_ru"])
    shoot(page, "02-draft-ru")
