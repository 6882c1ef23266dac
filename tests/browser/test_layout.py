"""Layout in a real Chromium, on the demo data, as each role sees it.

- No page scrolls sideways, on a phone (390 px) or a laptop (1280 px), in
  Azerbaijani or Russian (the longer words): every table sits in a box that
  scrolls by itself (permits/templating.py, ``table_box``) and no table is
  wider than its box otherwise.
- No word of a narrow column (a sidebar, a summary list's key, a table
  header, a filter label) is broken in the middle in Russian.
- Times of day read 19:00 in an en-US browser, not "07:00".
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from permits.demo import data
from permits.extensions import db

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)

# The page's problems: the document wider than the window, a table wider than
# its box without a scrolling box around it, a table outside a box.
OVERFLOW = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => !el.closest('.app-table-box') && (el.getBoundingClientRect().right > window.innerWidth + 1 ||
        (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' &&
         el.getBoundingClientRect().left + el.scrollWidth > window.innerWidth + 1)))
      .slice(-3).map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
    problems.push(`the page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window (${wide.join(', ')})`);
  }
  for (const table of document.querySelectorAll('main table')) {
    const name = (table.caption && table.caption.textContent.trim()) || table.className;
    const box = table.closest('.app-table-box');
    if (!box) {
      problems.push(`table "${name}" is not in a scrolling box`);
      if (table.getBoundingClientRect().width > table.parentElement.clientWidth + 1) {
        problems.push(`table "${name}" is wider than its container`);
      }
      continue;
    }
    const style = getComputedStyle(box);
    if (!['auto', 'scroll'].includes(style.overflowX)) problems.push(`the box of table "${name}" does not scroll`);
    if (box.getAttribute('role') !== 'region' || !box.getAttribute('aria-label')) {
      problems.push(`the box of table "${name}" is not a labelled region`);
    }
    if (box.scrollWidth > box.clientWidth + 1 && box.getAttribute('tabindex') !== '0') {
      problems.push(`the box of table "${name}" scrolls but a keyboard cannot reach it`);
    }
    if (box.getBoundingClientRect().width > box.parentElement.clientWidth + 1) {
      problems.push(`the box of table "${name}" is wider than its column`);
    }
  }
  return problems;
}"""

# Words of narrow places that the browser broke across two lines. Hyphenation
# is turned off while measuring, so a word that does not fit shows as broken
# (the test's Chromium has no hyphenation dictionaries; a reader's may).
BROKEN_WORDS = """() => {
  const style = document.createElement('style');
  style.textContent = '* { hyphens: manual !important; }';
  document.head.appendChild(style);
  const places = document.querySelectorAll(
    'main .govuk-grid-column-one-third, main .govuk-grid-column-one-quarter, main .govuk-summary-list__key, ' +
    'main th, main .app-stat__label, main label, main legend, main .govuk-tag');
  const broken = new Set();
  for (const place of places) {
    const walker = document.createTreeWalker(place, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.offsetParent) continue;  // not shown
      const text = node.textContent;
      for (const match of text.matchAll(/[^\\s\\u00a0\\u2013\\u2014\\-\\/]{2,}/gu)) {
        const word = match[0];
        if (word.includes('@') || word.length > 30) continue;  // addresses wrap by design
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + word.length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.add(word);
      }
    }
  }
  style.remove();
  return [...broken];
}"""


def _user(predicate) -> dict:
    return next(row for row in data.USERS if predicate(row))


PRODUCER = _user(lambda r: r.get("company") == "xazar_films")
MINISTRY_REVIEWER = _user(lambda r: r.get("organisation") == "ministry" and r.get("role") == "reviewer")
FINANCE = _user(lambda r: r.get("organisation") == "ministry" and r.get("role") == "finance")
ADMIN = _user(lambda r: r.get("platform_admin"))


@pytest.fixture
def demo(app):
    """The demo data and, for each role, the main pages it works on."""
    from permits.demo.seed import seed_demo
    from permits.models import Application, Company, Invoice, Location, Organisation, Permit, ReviewTask, User

    with app.app_context():
        seed_demo()
        db.session.commit()
        company = db.session.query(Company).join(Company.memberships).join(User).filter(
            User.email == PRODUCER["email"]).first()
        own = db.session.query(Application).filter_by(company_id=company.id).order_by(Application.id).all()
        draft = next(a for a in own if a.state == "draft")
        in_review = next(a for a in own if a.state in ("in_review", "final_review", "submitted"))
        permit = db.session.query(Permit).filter(Permit.application_id.in_([a.id for a in own])).first()
        ministry = db.session.query(Organisation).filter_by(key="ministry").one()
        task = db.session.query(ReviewTask).filter(
            ReviewTask.organisation_id == ministry.id,
            ReviewTask.state.in_(("pending", "in_review", "info_requested"))).order_by(ReviewTask.id).first()
        owner_reviewer = _user(lambda r: r.get("organisation") == "icherisheher" and r.get("role") == "reviewer")
        owner = db.session.query(Organisation).filter_by(key="icherisheher").one()
        site = db.session.query(Location).filter_by(owner_organisation_id=owner.id).order_by(Location.id).first()
        other_site = db.session.query(Location).filter(Location.id != site.id).order_by(Location.id).first()
        invoice = db.session.query(Invoice).order_by(Invoice.id.desc()).first()
        quote = (f"/sites/quote?sites={site.slug}&sites={other_site.slug}"
                 "&start_date=2027-06-15&end_date=2027-06-17&crew=25")
        pages = {
            "public": (None, ["/", "/sites/", f"/sites/{site.slug}", quote, "/verify/",
                              f"/verify/{permit.verification_token}", "/scorecard/", "/auth/login", "/auth/register"]),
            "producer": (PRODUCER["email"], [
                "/applications/", f"/applications/{draft.id}", f"/applications/{draft.id}/sites",
                f"/applications/{draft.id}/sites/add", f"/applications/{draft.id}/check", f"/applications/{in_review.id}",
                f"/applications/{permit.application_id}", f"/permits/{permit.id}", "/money", "/applications/passport",
                "/notifications/", "/account/"]),
            "ministry_reviewer": (MINISTRY_REVIEWER["email"], [
                "/review/", "/review/?queue=decided", "/review/escalations", "/review/applications",
                f"/review/applications/{in_review.id}", f"/review/tasks/{task.id}", "/review/statistics",
                "/review/sites", "/review/saved-texts"]),
            "site_owner_reviewer": (owner_reviewer["email"], [
                "/review/", "/review/sites", f"/review/sites/{site.slug}/calendar"]),
            "finance": (FINANCE["email"], [
                "/finance/", "/finance/statements", f"/finance/invoices/{invoice.id}/payment",
                f"/finance/applications/{invoice.application_id}/refund", "/review/statistics"]),
            "platform_admin": (ADMIN["email"], [
                "/admin/", "/admin/organisations", "/admin/staff", "/admin/outbox/", "/admin/process", "/dev/mailbox"]),
        }
        return pages


def _set_language(app, email: str | None, language: str, page) -> None:
    if email:
        from permits.models import User

        with app.app_context():
            db.session.query(User).filter_by(email=email).update({"language": language})
            db.session.commit()
    page.set_extra_http_headers({"Accept-Language": language})


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(data.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator("form[action='/auth/logout'] button")).to_be_visible()


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, f"{url}: {response.status}"


@pytest.mark.parametrize("role", ["public", "producer", "ministry_reviewer", "site_owner_reviewer", "finance",
                                  "platform_admin"])
def test_no_page_scrolls_sideways_and_tables_scroll_in_their_own_box(demo, live_server, page, app, role):
    email, paths = demo[role]
    if email:
        _sign_in(page, live_server, email)
    problems = []
    for language in ("az", "ru"):
        _set_language(app, email, language, page)
        for path in paths:
            urls = [f"{live_server}{path}"]
            if path.startswith("/review/tasks/"):  # and the review's decision pages
                _visit(page, urls[0])
                urls += sorted({f"{live_server}{href}" for href in page.eval_on_selector_all(
                    "a[href*='/decide/']", "links => links.map((a) => a.getAttribute('href'))")})
                assert len(urls) > 1, "the review page offers no decision"
            for url in urls:
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    _visit(page, url)
                    problems += [f"{language} {width}px {url.removeprefix(live_server)}: {p}"
                                 for p in page.evaluate(OVERFLOW)]
    assert not problems, "\n".join(problems)


def test_the_reviewer_dashboard_fits_a_phone_and_a_laptop(demo, live_server, page, app, shoot):
    """The issue's example: escalations and a full queue, as a ministry reviewer."""
    _sign_in(page, live_server, MINISTRY_REVIEWER["email"])
    _set_language(app, MINISTRY_REVIEWER["email"], "ru", page)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        _visit(page, f"{live_server}/review/?queue=decided")
        assert page.locator("main table").count() >= 2  # the escalations and the queue
        assert page.evaluate(OVERFLOW) == []
        if width == 1280:  # the whole queue is seen at once: "Assigned to" is not cut off
            widths = page.evaluate("""() => { const t = document.querySelector('.app-queue-table');
                return [t.getBoundingClientRect().width, t.closest('.app-table-box').clientWidth]; }""")
            assert widths[0] <= widths[1] + 1, widths
        shoot(page, f"dashboard-ru-{width}")


def test_words_of_narrow_columns_are_not_broken_in_the_middle_in_russian(demo, live_server, page, app, shoot):
    checks = [(PRODUCER["email"], [demo["producer"][1][1], demo["producer"][1][5]]),
              (MINISTRY_REVIEWER["email"], ["/review/", demo["ministry_reviewer"][1][5]])]
    broken = []
    for email, paths in checks:
        page.context.clear_cookies()
        _sign_in(page, live_server, email)
        _set_language(app, email, "ru", page)
        for path in paths:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                _visit(page, f"{live_server}{path}")
                assert page.evaluate("document.documentElement.lang") == "ru"
                broken += [f"{width}px {path}: {word}" for word in page.evaluate(BROKEN_WORDS)]
    assert not broken, "\n".join(broken)


@pytest.fixture
def en_us_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def test_times_of_day_read_on_the_24_hour_clock_in_an_en_us_browser(demo, live_server, en_us_page, app, shoot):
    page = en_us_page
    email, paths = demo["producer"]
    _sign_in(page, live_server, email)
    _set_language(app, email, "en", page)
    draft = paths[1]
    _visit(page, f"{live_server}{draft}/sites/add")
    start, end = page.get_by_label("Daily start"), page.get_by_label("Daily end")
    end.fill("19:00")
    for box, shown in ((start, "08:00"), (end, "19:00")):
        assert box.get_attribute("type") == "text"
        assert box.input_value() == shown
        # The whole value is seen: nothing scrolled out of the box.
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert start.input_value() != end.input_value()
    hint = page.locator(f"#{end.get_attribute('id')}-hint")
    assert re.search(r"24-hour", hint.inner_text())
    shoot(page, "time-fields-en-US")
