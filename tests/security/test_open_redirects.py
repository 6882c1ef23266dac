"""Every route that takes a return address stays on this site, whatever
``next=`` says: sign-in, the language switcher, opening a notification, and
the reviewers' saved-text removal."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from permits.models import Notification
from tests.factories import PASSWORD
from tests.helpers import csrf_token

TARGETS = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "%2F%2Fevil.example",
    "http:evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "///evil.example",
    "/%2F/evil.example",
    "\u3002evil.example",
]


def stays_here(location: str) -> bool:
    """Where a browser would go: backslashes are slashes, tabs and newlines vanish."""
    cleaned = location.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "").strip()
    target = urlsplit(urljoin("http://localhost/some/page", cleaned))
    return target.scheme in ("http", "https") and target.hostname == "localhost"


def test_the_checker_itself():
    assert stays_here("/applications/1") and stays_here("/review/x/%2F") and stays_here("/%09/evil.example")
    for bad in ("//evil.example", "/\\evil.example", "https://evil.example", "/\t/evil.example", "\\\\evil.example"):
        assert not stays_here(bad), bad


@pytest.mark.parametrize("target", TARGETS)
def test_sign_in_next(target, client, sec):
    page = client.get("/auth/login?next=" + quote(target, safe=""))
    response = client.post(
        "/auth/login?next=" + quote(target, safe=""),
        data={"email": sec.user("producer").email, "password": PASSWORD, "csrf_token": csrf_token(page.data)},
    )
    assert response.status_code == 302
    assert stays_here(response.headers["Location"]), (target, response.headers["Location"])


@pytest.mark.parametrize("target", TARGETS)
def test_language_switcher_next(target, client_for, sec):
    for identity in (None, "producer"):
        client = client_for(sec.user(identity) if identity else None)
        token = csrf_token(client.get("/").data)
        response = client.post("/language", data={"language": "ru", "next": target, "csrf_token": token})
        assert response.status_code == 302
        assert stays_here(response.headers["Location"]), (target, response.headers["Location"])


def test_opening_a_notification_goes_only_to_our_pages(sec, client_for, db):
    notice_id = sec.notification.id
    client = client_for(sec.user("producer"))
    for target in TARGETS:
        db.session.rollback()  # a fresh snapshot: the previous request wrote
        notice = db.session.get(Notification, notice_id)
        notice.url = target
        notice.read_at = None
        db.session.commit()
        token = csrf_token(client.get("/notifications/").data)
        response = client.post(f"/notifications/{notice_id}/open", data={"csrf_token": token})
        assert response.status_code == 302
        assert stays_here(response.headers["Location"]), (target, response.headers["Location"])


def test_removing_a_saved_text_returns_only_to_the_dashboard(sec, client_for, db):
    from permits.services.reviewer_notes import save_text

    reviewer = sec.user("owner_a")
    organisation_id, review_id = sec.base.owner_a.id, sec.owner_a_review.id
    client = client_for(reviewer)
    for target in TARGETS:
        db.session.rollback()
        saved_id = save_text(organisation_id, reviewer, "reason", f"Reason for {target}").id
        db.session.commit()
        token = csrf_token(client.get(f"/review/tasks/{review_id}").data)
        response = client.post(f"/review/saved-texts/{saved_id}/delete", data={"csrf_token": token, "next": target})
        assert response.status_code == 302, target
        assert stays_here(response.headers["Location"]), (target, response.headers["Location"])


def test_sign_in_from_a_site_page_comes_back_to_it(client, sec):
    slug = sec.base.site_a.slug
    token = csrf_token(client.get(f"/sites/{slug}").data)
    response = client.post(f"/sites/{slug}/add", data={"csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/auth/login?next=") and stays_here(location)
    page = client.get(location)
    response = client.post(location, data={"email": sec.user("producer").email, "password": PASSWORD,
                                           "csrf_token": csrf_token(page.data)})
    assert response.headers["Location"] == f"/sites/{slug}"
