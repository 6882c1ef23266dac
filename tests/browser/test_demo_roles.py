"""Every demo role signs in through a real Chromium and lands on its home page."""

import pytest
from playwright.sync_api import expect

from permits.demo import data

pytestmark = pytest.mark.browser


def _sign_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(data.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _pick(role_filter):
    return next(row for row in data.USERS if role_filter(row))


ROLES = {
    "platform_admin": _pick(lambda r: r.get("platform_admin")),
    "producer": _pick(lambda r: r.get("company")),
    "ministry_supervisor": _pick(lambda r: r.get("organisation") == "ministry" and r.get("role") == "supervisor"),
    "ministry_reviewer": _pick(lambda r: r.get("organisation") == "ministry" and r.get("role") == "reviewer"),
    "site_owner_reviewer": _pick(lambda r: r.get("organisation") not in ("ministry", "tourism") and r.get("role") == "reviewer"),
    "tourism_reviewer": _pick(lambda r: r.get("organisation") == "tourism" and r.get("role") == "reviewer"),
}


@pytest.fixture
def demo(app):
    from permits.demo.seed import seed_demo
    from permits.extensions import db

    with app.app_context():
        seed_demo()
        db.session.commit()


@pytest.mark.parametrize("role", list(ROLES))
def test_each_demo_role_signs_in_and_sees_its_home(demo, live_server, page, shoot, role):
    user = ROLES[role]
    page.set_extra_http_headers({"Accept-Language": "en"})
    _sign_in(page, live_server, user["email"])
    # The header shows who is signed in (in the user's own language), and the
    # role's own start page is served.
    expect(page.locator("form[action='/auth/logout'] button")).to_be_visible()
    assert page.locator(".app-header").inner_text().count(user["name"]) == 1
    if role == "platform_admin":
        assert page.url.endswith("/admin/")
    elif role == "producer":
        assert page.url.endswith("/applications/")
        expect(page.locator("main h1")).to_be_visible()
    else:
        assert page.url.endswith("/review/")
        expect(page.locator("main table, main .app-queue-table, main h1").first).to_be_visible()
    assert not page.dialogs
    shoot(page, role)
