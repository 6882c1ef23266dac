"""A producer's journey in a real Chromium: catalogue, quote, passport, task list, submit, status."""


import pytest
from playwright.sync_api import expect

from tests import clock
from tests.factories import PASSWORD
from tests.portal.conftest import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app):
    from permits.extensions import db
    from tests.services.scenario import build_world

    with app.app_context():
        world = build_world()
        ids = {"site_a": world.site_a.slug, "site_a_name": world.site_a.name_en, "email": world.producer.email}
        db.session.remove()
    return ids


def _future(days=40):
    return clock.days_ahead(days).isoformat()


def test_producer_browses_quotes_applies_and_sees_the_screening(world, live_server, page, shoot):
    page.set_extra_http_headers({"Accept-Language": "en"})
    # 1. The public catalogue and a site page
    page.goto(f"{live_server}/sites/")
    expect(page.get_by_role("heading", name="Filming sites of Azerbaijan")).to_be_visible()
    shoot(page, "01-catalogue")
    page.get_by_role("link", name=world["site_a_name"]).click()
    expect(page.get_by_role("heading", name=world["site_a_name"], level=1)).to_be_visible()
    expect(page.locator(".app-calendar")).to_be_visible()
    shoot(page, "02-site")

    # 2. A quote before applying
    page.get_by_role("link", name="Get a quote and timeline for this site").click()
    page.get_by_label("First shoot day").fill(_future())
    page.get_by_label("Last shoot day").fill(_future(41))
    page.get_by_label("Crew on site").fill("20")
    page.get_by_label("Drone").check()
    page.get_by_role("button", name="Get the quote").click()
    expect(page.locator("#quote-total")).to_be_visible()
    assert "Medium impact" in page.locator("#quote-result").inner_text()
    shoot(page, "03-quote")

    # 3. Sign in, upload the insurance certificate to the passport
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("E-mail address").fill(world["email"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/applications/passport")
    page.get_by_label("Kind of document").select_option("insurance")
    page.get_by_label("File").set_input_files(
        {"name": "insurance-2027.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_label("Valid until").fill(_future(400))
    page.get_by_label("Insured company (as written on the certificate)").fill("LUMIERE S.A.S.")
    page.get_by_role("button", name="Upload").click()
    assert "insurance-2027.pdf" in page.locator("main").inner_text()
    shoot(page, "04-passport")

    # 4. "Add to my application" from the site page opens the booking form
    page.goto(f"{live_server}/sites/{world['site_a']}")
    page.get_by_role("button", name="Add to my application").click()
    assert page.get_by_label("Filming site").input_value() != "0"
    page.get_by_label("First shoot day").fill(_future())
    page.get_by_label("Last shoot day").fill(_future(41))
    page.get_by_label("Crew on site").fill("20")
    page.get_by_role("button", name="Add to my application").click()
    assert "added to your application" in page.locator("main").inner_text()
    page.get_by_label("Yes, I have completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    shoot(page, "05-task-list")

    # 5. The other sections, one by one
    page.get_by_role("link", name="Company and contacts").click()
    page.get_by_label("Contact telephone number").fill("+994 12 555 00 00")
    page.get_by_label("Yes, I have completed this section").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Production", exact=True).click()
    page.get_by_role("button", name="Save and continue").click()  # nothing filled: an error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    shoot(page, "06-error-summary")
    page.get_by_label("Title of the production").fill("The Silk Road")
    page.get_by_label("Type of production").select_option("feature")
    page.get_by_label("Country of origin").select_option("FR")
    page.get_by_label("Synopsis").fill("A caravan crosses the old city at dawn, looking for a lost map.")
    page.get_by_label("Yes, I have completed this section").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Activities and safety").click()
    page.get_by_label("Yes, I have completed this section").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Crew and equipment").click()
    page.get_by_label("Size of the whole crew").fill("25")
    page.get_by_label("Yes, I have completed this section").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Documents").click()
    page.get_by_label("Document from your production passport").select_option(label="Insurance certificate: insurance-2027.pdf")
    page.get_by_role("button", name="Attach").click()
    page.get_by_label("Yes, I have completed this section").check()
    shoot(page, "07-documents")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Declaration").click()
    page.get_by_label("I confirm that the information").check()
    page.get_by_role("button", name="Sign the declaration").click()
    shoot(page, "08-task-list-complete")

    # 6. Check and submit
    page.get_by_role("link", name="Check your answers and submit").click()
    shoot(page, "09-check")
    page.get_by_role("button", name="Submit the application").click()

    # 7. The status page: the open screening with its due date
    main = page.locator("main").inner_text()
    assert "AZF-" in main
    assert "Screening by the film commission" in main
    assert "Due " in main
    expect(page.locator(".app-clock").first).to_be_visible()
    shoot(page, "10-status")
    assert not page.dialogs
