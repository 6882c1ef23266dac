"""The three journeys of the single window, end to end in a real Chromium:
every page driven in the browser by the person who would use it, each in
their own browser context, with a real Celery worker, Redis and an SMTP
server on loopback. Only the people, organisations and sites are made by
factories.

(a) a foreign producer files for two sites of two owners; the commission
    screens (the fee is invoiced, the invoice PDF attached to the e-mail);
    both owners and tourism review in parallel; one owner asks for
    information and the producer answers; all approve; the commission
    approves and the permit waits for the fee; the finance officer imports
    the bank statement; the permit is issued; the producer downloads the
    receipt; the e-mails arrive once each; the permit PDF downloads and its
    QR code's page says it is valid.
(b) a site owner refuses and the commission rejects the application.
(c) the producer withdraws.
(d) a shoot with a drone, a road closure and pyrotechnics: the producer is
    told which documents each agency needs and uploads them; the police,
    civil aviation and the emergency services review in parallel with the
    site owner and tourism; the commission approves and the invoice
    carries each agency's fee.
"""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests import clock
from tests.notifications.conftest import wait_for
from tests.permits_issue.helpers import pdf_text, qr_urls
from tests.portal.conftest import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.redis]

REFERENCE = re.compile(r"AZF-[0-9A-Z-]+")


def _future(days: int) -> str:
    return clock.days_ahead(days).isoformat()


def _save_section(page) -> None:
    page.get_by_label("Yes, I have completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


def file_application(page, shoot, base: str, sites: list[str], *, title: str, prefix: str = "",
                     activities: tuple[str, ...] = (), documents: tuple[tuple[str, bool], ...] = ()) -> str:
    """The producer fills the task list in the browser and submits; returns the reference.
    ``activities``: the labels to tick; ``documents``: (kind label, has an end date) to upload."""
    # The insurance certificate, once, in the production passport.
    page.goto(f"{base}/applications/passport")
    page.get_by_label("Kind of document").select_option("insurance")
    page.get_by_label("File").set_input_files(
        {"name": "insurance.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_label("Valid until").fill(_future(500))
    page.get_by_label("Insured company (as written on the certificate)").fill("Lumière SAS")
    page.get_by_role("button", name="Upload").click()
    assert "insurance.pdf" in page.locator("main").inner_text()

    page.goto(f"{base}/applications/")
    page.get_by_role("button", name="Start a new application").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-task-list")).to_be_visible()
    shoot(page, f"{prefix}01-task-list-new")

    page.get_by_role("link", name="Sites and dates").click()
    for site in sites:
        page.get_by_role("link", name="Add a site and dates").click()
        page.get_by_label("Filming site").select_option(label=site)
        page.get_by_label("First shoot day").fill(_future(60))
        page.get_by_label("Last shoot day").fill(_future(62))
        page.get_by_label("Crew on site").fill("20")
        page.get_by_role("button", name="Add to my application").click()
        page.wait_for_load_state()
        assert "added to your application" in page.locator("main").inner_text()
    shoot(page, f"{prefix}02-sites")
    _save_section(page)

    page.get_by_role("link", name="Company and contacts").click()
    page.get_by_label("Contact telephone number").fill("+33 1 55 00 00 00")
    _save_section(page)

    page.get_by_role("link", name="Production", exact=True).click()
    page.get_by_label("Title of the production").fill(title)
    page.get_by_label("Type of production").select_option("feature")
    page.get_by_label("Country of origin").select_option("FR")
    page.get_by_label("Synopsis").fill("A caravan crosses the old city at dawn, looking for a lost map.")
    _save_section(page)

    page.get_by_role("link", name="Activities and safety").click()
    for activity in activities:
        page.get_by_label(activity, exact=True).check()
    if activities:
        page.get_by_label("Safety measures").fill("A licensed pyrotechnician and a certified drone pilot; marshals on the road.")
    _save_section(page)

    page.get_by_role("link", name="Crew and equipment").click()
    page.get_by_label("Size of the whole crew").fill("25")
    _save_section(page)

    page.get_by_role("link", name="Documents").click()
    page.get_by_label("Document from your production passport").select_option(label="Insurance certificate: insurance.pdf")
    page.get_by_role("button", name="Attach").click()
    page.wait_for_load_state()
    for kind, expires in documents:
        # The page names each document the reviews still need.
        expect(page.locator("main")).to_contain_text(f"needs this document: {kind}")
        page.get_by_text("Upload a new document").click()
        page.get_by_label("Kind of document").select_option(label=kind)
        page.get_by_label("File").set_input_files(
            {"name": f"{kind[:20]}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(kind)}
        )
        if expires:
            page.get_by_label("Valid until").fill(_future(400))
        page.get_by_role("button", name="Upload and attach").click()
        page.wait_for_load_state()
    if documents:
        shoot(page, f"{prefix}02b-documents")
    _save_section(page)

    page.get_by_role("link", name="Declaration").click()
    page.get_by_label("I confirm that the information").check()
    page.get_by_role("button", name="Sign the declaration").click()
    page.wait_for_load_state()
    shoot(page, f"{prefix}03-task-list-complete")

    page.get_by_role("link", name="Check your answers and submit").click()
    shoot(page, f"{prefix}04-check-answers")
    page.get_by_role("button", name="Submit the application").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Screening by the film commission" in main, main
    shoot(page, f"{prefix}05-submitted")
    return REFERENCE.search(main).group(0)


def open_review(page, base: str, reference: str) -> None:
    """A reviewer finds the application in the queue and opens their review."""
    page.goto(f"{base}/review/")
    page.locator("a.app-queue-table__reference", has_text=reference).first.click()
    page.wait_for_load_state()
    assert reference in page.locator(".govuk-caption-l").first.inner_text()


def decide(page, base: str, reference: str, action: str, shoot=None, step: str = "", *, text: str = "") -> None:
    """Open the review, choose the decision, fill it in, confirm."""
    open_review(page, base, reference)
    page.locator("aside a.govuk-button", has_text=re.compile(rf"^\s*{re.escape(action)}\s*$")).click()
    page.wait_for_load_state()
    if text:
        page.locator("textarea[name=reason]").fill(text)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "Check and confirm" in page.locator("h1").inner_text(), page.locator("main").inner_text()
    if shoot:
        shoot(page, f"{step}-confirm")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert "Your decision is recorded" in page.locator(".govuk-notification-banner").inner_text()
    if shoot:
        shoot(page, f"{step}-decided")


def open_application(page, base: str, reference: str) -> str:
    page.goto(f"{base}/applications/")
    page.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def _balance(journey, reference: str):
    from sqlalchemy import select

    from permits.extensions import db
    from permits.models import Application
    from permits.services import ledger

    with journey.app.app_context():
        application = db.session.execute(select(Application).where(Application.reference == reference)).scalar_one()
        due = ledger.balance_of(application)
        db.session.remove()
    return due


def _subjects(journey, address: str) -> list[str]:
    return [str(m["Subject"]) for m in journey.emails_to(address)]


def test_a_foreign_producer_gets_a_permit_for_two_sites(journey, world, shoot, tmp_path):
    started = time.monotonic()
    base = journey.base
    producer = journey.person(world["producer"])
    reference = file_application(producer, shoot, base, [world["site_a"], world["site_b"]], title="The Silk Road")

    # The commission screens it.
    ministry = journey.person(world["ministry"])
    decide(ministry, base, reference, "Approve", shoot, "06-ministry-screening")

    # Both owners and tourism review in parallel; owner A asks first.
    owner_a = journey.person(world["owner_a"])
    owner_b = journey.person(world["owner_b"])
    tourism = journey.person(world["tourism"])
    decide(owner_a, base, reference, "Ask the producer for information", shoot, "07-owner-a-asks",
           text="Which entrance will the crew use, and at what time?")
    decide(owner_b, base, reference, "Approve", shoot, "08-owner-b")
    decide(tourism, base, reference, "Approve", shoot, "09-tourism")

    # The producer answers in the browser.
    main = open_application(producer, base, reference)
    assert "Which entrance will the crew use" in main
    shoot(producer, "10-producer-sees-the-question")
    producer.get_by_label("Your answer").fill("The north gate, from 07:00; the crew waits outside until then.")
    producer.get_by_role("button", name="Send your answer").click()
    producer.wait_for_load_state()
    assert "The north gate" in producer.locator("main").inner_text()
    shoot(producer, "11-producer-answered")

    decide(owner_a, base, reference, "Approve", shoot, "12-owner-a-approves")
    # All parallel reviews approved: the commission's final decision.
    decide(ministry, base, reference, "Approve", shoot, "13-ministry-final")

    # Approved, the permit waits for the fee: the producer sees what to pay and how.
    main = open_application(producer, base, reference)
    assert "the permit is issued as soon as the fee is paid" in main and "Your permit" not in main
    payment_reference = producer.locator("#how-to-pay + p + dl .app-permit-number").first.inner_text().strip()
    assert payment_reference.startswith("RF")
    shoot(producer, "13b-awaiting-payment")
    # The invoice arrived by e-mail when the screening accepted, its PDF attached.
    invoice_mail = journey.wait_for_mail(lambda: next((m for m in journey.emails_to(world["producer"])
                                                       if str(m["Subject"]).startswith("Invoice ")), None))
    assert invoice_mail, _subjects(journey, world["producer"])
    [attached] = [part for part in invoice_mail.iter_attachments() if part.get_content_type() == "application/pdf"]
    invoice_text = " ".join(pdf_text(attached.get_content()).split())
    assert payment_reference in invoice_text and reference in invoice_text
    due = _balance(journey, reference)  # what the bank will show arriving
    assert due > 0

    # The commission's finance officer imports the bank's statement.
    finance = journey.person(world["finance"])
    finance.goto(f"{base}/finance/statements")
    statement = tmp_path / "statement.csv"
    statement.write_text("date;amount;reference;bank reference;payer\n"
                         f"{clock.today():%d.%m.%Y};{due};Film fee {payment_reference}, thank you;"
                         f"KB-2027-000183;{world['company']}\n", encoding="utf-8")
    finance.get_by_label("Bank statement (CSV)").set_input_files(str(statement))
    finance.get_by_role("button", name="Import the statement").click()
    finance.wait_for_load_state()
    result = finance.locator("main").inner_text()
    assert "Paid" in result and "Unknown reference" not in result, result
    shoot(finance, "13c-statement-imported")

    # Paid: the permit is issued; the worker renders the PDF.
    main = open_application(producer, base, reference)
    assert "Your permit" in main and "Paid in full" in main
    number = producer.locator(".app-permit-panel .app-permit-number").first.inner_text().strip()
    download = producer.get_by_role("link", name="Download the permit (PDF)")

    def ready():
        if download.count():
            return True
        producer.reload()
        return download.count() > 0

    if not wait_for(ready, timeout=20, interval=1.0):
        print("the PDF was not rendered on the doorbell; running the catch-up as beat would")
        journey.run_task("permits.tasks.catch_up_permit_pdfs")  # what beat does for a missed one
        assert wait_for(ready, timeout=30, interval=1.0), journey.worker_log.read_text()[-3000:]
    shoot(producer, "14-permit-ready")
    with producer.expect_download() as info:
        download.click()
    path = tmp_path / "permit.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert number in pdf_text(data)
    [qr] = qr_urls(data)
    assert urllib.parse.urlsplit(qr).path.startswith("/verify/")
    assert qr.startswith(base), qr

    # Anyone (the police) opens the QR code's URL.
    police = journey.person()
    police.goto(qr)
    verdict = police.locator("main").inner_text()
    assert "Valid permit" in verdict and number in verdict
    shoot(police, "15-verification-valid")

    # The receipt of the payment, from the application's page.
    open_application(producer, base, reference)
    with producer.expect_download() as info:
        producer.get_by_role("link", name=re.compile(r"^Receipt AZR-")).click()
    info.value.save_as(tmp_path / "receipt.pdf")
    receipt = " ".join(pdf_text((tmp_path / "receipt.pdf").read_bytes()).split())
    assert "KB-2027-000183" in receipt and reference in receipt

    # The producer's e-mails arrived at the SMTP server, each once.
    expected = {
        "received": f"We received your application {reference}",
        "information": f"Information needed for application {reference}",
        "approved": f"Permit granted: {reference}",
        "awaiting payment": f"Application {reference} approved: the permit waits for the fee",
        "payment": f"Payment received for application {reference}",
    }
    assert journey.wait_for_mail(
        lambda: all(any(s == want for s in _subjects(journey, world["producer"])) for want in expected.values())
    ), (_subjects(journey, world["producer"]), journey.worker_log.read_text()[-3000:])
    # Every outbox row delivered: a duplicate could only come from one still waiting.
    assert wait_for(journey.outbox_settled, interval=0.5), journey.worker_log.read_text()[-3000:]
    subjects = _subjects(journey, world["producer"])
    for want in expected.values():
        assert subjects.count(want) == 1, (want, subjects)
    assert len({m["Message-ID"] for m in journey.smtp.messages}) == len(journey.smtp.messages)
    for page in (producer, ministry, owner_a, owner_b, tourism, police):
        assert not page.dialogs
    print(f"\njourney (a) took {time.monotonic() - started:.1f}s")


def test_a_site_owner_refuses_and_the_commission_rejects(journey, world, shoot):
    started = time.monotonic()
    base = journey.base
    producer = journey.person(world["producer"])
    # One site: the owner of Yanar Dag and tourism (a foreign production) review it.
    reference = file_application(producer, shoot, base, [world["site_b"]], title="Fire Mountain")
    ministry = journey.person(world["ministry"])
    decide(ministry, base, reference, "Approve", shoot, "06-ministry-screening")

    owner_b = journey.person(world["owner_b"])
    decide(owner_b, base, reference, "Refuse", shoot, "07-owner-b-refuses",
           text="The site is closed for maintenance of the gas vents on those days.")
    tourism = journey.person(world["tourism"])
    decide(tourism, base, reference, "Approve", shoot, "08-tourism")

    # The commission sees the refusal and rejects the whole application.
    open_review(ministry, base, reference)
    assert "A site was refused" in ministry.locator("main").inner_text()
    shoot(ministry, "09-ministry-sees-the-refusal")
    decide(ministry, base, reference, "Reject the application", shoot, "10-ministry-rejects",
           text="The only site you asked for is closed on your dates.")

    main = open_application(producer, base, reference)
    assert "Rejected" in main
    assert "closed on your dates" in main
    shoot(producer, "11-producer-sees-the-rejection")
    assert journey.wait_for_mail(lambda: f"Application {reference} was not approved" in _subjects(journey, world["producer"])
                                 ), _subjects(journey, world["producer"])
    print(f"\njourney (b) took {time.monotonic() - started:.1f}s")


def test_the_producer_withdraws(journey, world, shoot):
    started = time.monotonic()
    base = journey.base
    producer = journey.person(world["producer"])
    reference = file_application(producer, shoot, base, [world["site_b"]], title="Changed Plans")
    ministry = journey.person(world["ministry"])
    decide(ministry, base, reference, "Approve", shoot, "06-ministry-screening")

    open_application(producer, base, reference)
    producer.get_by_role("link", name="Withdraw this application").click()
    producer.wait_for_load_state()
    shoot(producer, "07-withdraw-confirm")
    producer.get_by_label("Why are you withdrawing? (optional)").fill("The shoot moved to next season.")
    producer.get_by_role("button", name="Yes, withdraw the application").click()
    producer.wait_for_load_state()
    main = producer.locator("main").inner_text()
    assert "Withdrawn" in main
    assert "Withdraw this application" not in main
    shoot(producer, "08-withdrawn")

    # The reviewers' open reviews are closed: nothing left in owner B's queue.
    owner_b = journey.person(world["owner_b"])
    owner_b.goto(f"{base}/review/")
    assert owner_b.locator("a.app-queue-table__reference", has_text=reference).count() == 0
    shoot(owner_b, "09-owner-queue-empty")
    assert journey.wait_for_mail(lambda: f"Application {reference} was withdrawn" in _subjects(journey, world["owner_b"])
                                 ), _subjects(journey, world["owner_b"])
    print(f"\njourney (c) took {time.monotonic() - started:.1f}s")


def test_the_police_civil_aviation_and_emergency_services_review_in_parallel(journey, world, shoot):
    started = time.monotonic()
    base = journey.base
    producer = journey.person(world["producer"])
    reference = file_application(
        producer, shoot, base, [world["site_b"]], title="Fire and Steel", prefix="d-",
        activities=("Drone", "Road closure", "Pyrotechnics or special effects"),
        documents=(("UAV registration certificate", True), ("Remote pilot certificate", True),
                   ("Drone flight plan (area, maximum altitude, times)", False), ("Pyrotechnician's licence", True),
                   ("Fire and explosives safety plan", False), ("Traffic management plan", False)),
    )
    ministry = journey.person(world["ministry"])
    decide(ministry, base, reference, "Approve", shoot, "d-06-ministry-screening")

    # The producer sees every review with its clock: the agencies beside the owner and tourism.
    main = open_application(producer, base, reference)
    for review in ("Police review", "Civil aviation review", "Emergency services' review", "Site owner's review",
                   "Tourism agency's review"):
        assert review in main, main
    shoot(producer, "d-07-producer-sees-the-agencies")

    # Each agency finds it in its own queue, with its own documents first.
    aviation = journey.person(world["aviation"])
    open_review(aviation, base, reference)
    first_document = aviation.locator("#documents + .app-table-box table tbody tr").first.inner_text()
    assert "For this review" in first_document and "UAV registration certificate" in first_document
    shoot(aviation, "d-08-aviation-review")
    decide(aviation, base, reference, "Approve", shoot, "d-09-aviation")
    police = journey.person(world["police"])
    decide(police, base, reference, "Approve", shoot, "d-10-police")
    emergency = journey.person(world["emergency"])
    decide(emergency, base, reference, "Approve", shoot, "d-11-emergency")
    owner_b = journey.person(world["owner_b"])
    decide(owner_b, base, reference, "Approve", shoot, "d-12-owner-b")
    tourism = journey.person(world["tourism"])
    decide(tourism, base, reference, "Approve", shoot, "d-13-tourism")

    # Every parallel review approved: the commission's final decision.
    decide(ministry, base, reference, "Approve", shoot, "d-14-ministry-final")
    main = open_application(producer, base, reference)
    # Approved; the permit waits for the fee, which carries the agencies' review fees
    # (journey (a) pays one and gets its permit).
    assert "the permit is issued as soon as the fee is paid" in main
    producer.locator("#fees details summary").first.click()
    fees = producer.locator("#fees").inner_text()
    assert all(agency in fees.lower() for agency in ("police", "civil aviation", "emergency services")), fees
    shoot(producer, "d-15-awaiting-payment")
    print(f"\njourney (d) took {time.monotonic() - started:.1f}s")
