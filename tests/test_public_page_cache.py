"""The public pages' shared cache (permits/page_cache.py): a page rendered once
is served to the next anonymous visitors without the database, each with
their own CSRF token; a write that changes what it shows makes it stale at
once; a returning browser gets 304; signed-in users and Redis outages get
pages rendered as before."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
import redis
from sqlalchemy import event

from permits.extensions import db as database
from permits.page_cache import CSRF_PLACEHOLDER, VERSION_PREFIX
from permits.services import applications, workflow
from tests.factories import LocationFactory
from tests.helpers import csrf_token, login
from tests.notifications.conftest import private_redis  # noqa: F401  (the fixture)
from tests.permits_issue.helpers import approved
from tests.security.apps import another_app
from tests.services.scenario import MONDAY, build_world, draft

pytestmark = pytest.mark.redis

PUBLIC_URLS = ("/sites/", "/scorecard/")


@pytest.fixture
def cached_app(app, database_url, tmp_root, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    with another_app(database_url, tmp_root, PUBLIC_PAGE_CACHE_URL=redis_url) as other:
        yield other
        with other.app_context():
            database.engine.dispose()


@pytest.fixture
def world(cached_app):
    # Written through the cached app, as the product's own writes are.
    with cached_app.app_context():
        yield build_world()


def _browser(application, language="en"):
    client = application.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


@contextlib.contextmanager
def _counted(application):
    """The SQL statements sent while the block runs."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with application.app_context():
        engine = database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _main(response) -> str:
    text = response.get_data(as_text=True)
    return text[text.index("<main"):text.index("</main>")]


def _shown(response) -> str:
    """The main content, without the visitor's CSRF token (signed with the time: it changes by the second)."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1…"', _main(response))


def _versions(redis_url) -> dict[str, int]:
    """Every scope's counter (permits/page_cache.py: TABLE_SCOPES)."""
    client = redis.Redis.from_url(redis_url)
    keys = sorted(client.scan_iter(match=VERSION_PREFIX + "*"))
    return {key.decode().removeprefix(VERSION_PREFIX): int(value) for key, value in zip(keys, client.mget(keys))} if keys else {}


def _moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {scope for scope, version in after.items() if version != before.get(scope, 0)}


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_public_page_is_rendered_once_then_served_without_the_database(cached_app, world, url):
    first_browser, second_browser = _browser(cached_app), _browser(cached_app)
    with _counted(cached_app) as first:
        rendered = first_browser.get(url)
    with _counted(cached_app) as second:
        kept = second_browser.get(url)
    assert rendered.status_code == kept.status_code == 200
    assert first, "the first visit renders from the database"
    assert second == []
    assert _main(kept) == _main(rendered)
    assert kept.headers["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Accept-Language"} <= set(kept.vary)
    assert kept.headers["ETag"]


def test_each_visitor_gets_their_own_csrf_token_in_a_kept_page_and_it_works(cached_app, world):
    first_browser, second_browser = _browser(cached_app), _browser(cached_app)
    first_page = first_browser.get("/sites/").get_data(as_text=True)
    second_page = second_browser.get("/sites/").get_data(as_text=True)
    assert CSRF_PLACEHOLDER not in first_page and CSRF_PLACEHOLDER not in second_page
    assert csrf_token(first_page) != csrf_token(second_page)
    switched = second_browser.post(
        "/language", data={"csrf_token": csrf_token(second_page), "language": "ru", "next": "/sites/"}
    )
    assert switched.status_code == 302
    assert second_browser.get("/sites/").get_data(as_text=True).startswith('<!DOCTYPE html>\n<html lang="ru"')


def test_languages_are_kept_apart(cached_app, world):
    english = _browser(cached_app, "en").get("/sites/")
    russian = _browser(cached_app, "ru").get("/sites/")
    again = _browser(cached_app, "en").get("/sites/")
    assert '<html lang="en"' in english.get_data(as_text=True)
    assert '<html lang="ru"' in russian.get_data(as_text=True)
    assert _main(again) == _main(english) != _main(russian)


def test_a_write_that_changes_a_site_shows_at_once(cached_app, world, redis_url):
    browser = _browser(cached_app)
    assert "Maiden Tower" in _main(browser.get("/sites/"))
    site_page = browser.get(f"/sites/{world.site_a.slug}")
    assert "Maiden Tower" in _main(site_page)
    before = _versions(redis_url)
    with cached_app.app_context():
        site = database.session.get(type(world.site_a), world.site_a.id)
        site.name_en = "Gyz Galasy"
        database.session.commit()
    assert _moved(before, _versions(redis_url)) == {"sites"}
    assert "Gyz Galasy" in _main(browser.get("/sites/"))
    assert "Gyz Galasy" in _main(browser.get(f"/sites/{world.site_a.slug}"))


def test_a_revoked_permit_shows_revoked_at_once(cached_app, world):
    with cached_app.app_context():
        application, permit = approved(world)
        token = permit.verification_token
    police = _browser(cached_app)
    assert "Valid permit" in _main(police.get(f"/verify/{token}"))
    assert "Valid permit" in _main(police.get(f"/verify/{token}"))  # kept
    with cached_app.app_context():
        application = database.session.get(type(application), application.id)
        workflow.revoke(application, world.ministry_supervisor, "Filming outside the permitted hours", now=MONDAY)
        database.session.commit()
    page = _main(police.get(f"/verify/{token}"))
    assert "has been revoked" in page and "Valid permit" not in page


def test_editing_a_draft_leaves_the_pages_kept_and_submitting_it_does_not(cached_app, world, redis_url):
    with cached_app.app_context():
        application = draft(world)
        database.session.commit()
        before = _versions(redis_url)
        application.title = "A new working title"
        applications.add_booking(application, world.producer, world.site_a, start=dt.date(2027, 7, 5),
                                 end=dt.date(2027, 7, 6), crew_on_site=10)
        database.session.commit()
        assert _moved(before, _versions(redis_url)) == set(), "a draft and its bookings are on no public page"
        workflow.submit(application, world.producer, now=MONDAY)
        database.session.commit()
        moved = _moved(before, _versions(redis_url))
        assert {"shoots", f"shoots:{world.site_a.slug}", f"shoots:{world.site_b.slug}"} <= moved
        assert "sites" not in moved and "shoots:everywhere" not in moved


def test_a_rolled_back_write_leaves_the_pages_kept(cached_app, world, redis_url):
    before = _versions(redis_url)
    with cached_app.app_context():
        site = database.session.get(type(world.site_a), world.site_a.id)
        site.name_en = "Not saved"
        database.session.flush()
        database.session.rollback()
        database.session.commit()
    assert _versions(redis_url) == before


def test_a_shoot_at_one_site_makes_that_sites_page_stale_and_leaves_the_others_kept(cached_app, world):
    # (The world's own application context is the test's: its session made the world.)
    third = LocationFactory(owner=world.site_b.owner, name_en="Gobustan")
    database.session.commit()
    third_slug = third.slug
    browser = _browser(cached_app)
    pages = {slug: browser.get(f"/sites/{slug}?month=2027-06")
             for slug in (world.site_a.slug, world.site_b.slug, third_slug)}
    assert all("Pencil hold" not in _shown(page).split("<tbody", 1)[1] for page in pages.values())
    catalogue = browser.get("/sites/")
    with cached_app.app_context():
        application = draft(world, sites=[world.site_a])  # its bookings: on no public page yet
        with _counted(cached_app) as statements:
            assert _shown(browser.get(f"/sites/{world.site_a.slug}?month=2027-06")) == _shown(pages[world.site_a.slug])
        assert statements == []
        workflow.submit(application, world.producer, now=MONDAY)
        database.session.commit()
    with _counted(cached_app) as statements:
        held = browser.get(f"/sites/{world.site_a.slug}?month=2027-06")
    assert statements, "the site with the new shoot is rendered again"
    assert "Pencil hold" in _shown(held).split("<tbody", 1)[1]
    with _counted(cached_app) as statements:
        others = [browser.get(f"/sites/{slug}?month=2027-06") for slug in (world.site_b.slug, third_slug)]
        same_catalogue = browser.get("/sites/")
    assert statements == [], "the other sites' pages and the catalogue are still the kept ones"
    assert [_shown(page) for page in others] == [_shown(pages[world.site_b.slug]), _shown(pages[third_slug])]
    assert _shown(same_catalogue) == _shown(catalogue)
    # Free dates depend on the shoots: that catalogue is rendered again and leaves the site out.
    dated = browser.get("/sites/?start_date=2027-06-07&end_date=2027-06-08")
    assert "Maiden Tower" not in _shown(dated) and "Yanar Dag" in _shown(dated)


def test_a_statement_on_many_shoots_makes_every_sites_page_stale(cached_app, world, redis_url):
    from sqlalchemy import update

    from permits.models import Application

    with cached_app.app_context():
        application = draft(world, sites=[world.site_a])
        workflow.submit(application, world.producer, now=MONDAY)
        database.session.commit()
        before = _versions(redis_url)
        database.session.execute(update(Application).where(Application.id == application.id)
                                 .values(title="Renamed in bulk"))
        database.session.commit()
    assert _moved(before, _versions(redis_url)) == {"shoots", "shoots:everywhere"}


def test_a_returning_browser_gets_304_until_the_page_changes(cached_app, world):
    browser = _browser(cached_app)
    first = browser.get("/sites/")
    etag = first.headers["ETag"].strip('"')
    with _counted(cached_app) as statements:
        again = browser.get("/sites/", headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.data == b""
    assert statements == []
    with cached_app.app_context():
        site = database.session.get(type(world.site_b), world.site_b.id)
        site.name_en = "Burning Mountain"
        database.session.commit()
    changed = browser.get("/sites/", headers={"If-None-Match": f'"{etag}"'})
    assert changed.status_code == 200 and "Burning Mountain" in _main(changed)
    # Another visitor's browser (another session) never matches this one's ETag.
    assert _browser(cached_app).get("/sites/", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200


def test_signed_in_users_and_pending_messages_are_never_served_a_kept_page(cached_app, world):
    anonymous = _browser(cached_app)
    anonymous.get("/sites/")
    producer = _browser(cached_app)
    assert login(producer, "producer@example.test", "correct horse battery staple").status_code in (200, 302)
    with _counted(cached_app) as statements:
        page = producer.get("/sites/")
    assert page.status_code == 200 and statements
    assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
    assert "Sign out" in page.get_data(as_text=True)


def test_the_rate_limit_of_verification_counts_kept_pages_too(cached_app, world):
    with cached_app.app_context():
        _application, permit = approved(world)
        token = permit.verification_token
    police = _browser(cached_app)
    statuses = [police.get(f"/verify/{token}").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_with_redis_stopped_pages_render_and_writes_commit(app, database_url, tmp_root, private_redis, caplog):  # noqa: F811
    private_redis.start()
    with another_app(database_url, tmp_root, PUBLIC_PAGE_CACHE_URL=private_redis.url) as other, other.app_context():
        world = build_world()
        browser = _browser(other)
        assert browser.get("/sites/").status_code == 200
        private_redis.stop()
        assert "Maiden Tower" in _main(browser.get("/sites/"))
        site = database.session.get(type(world.site_a), world.site_a.id)
        site.name_en = "Written while Redis is away"
        database.session.commit()
        assert "Written while Redis is away" in _main(browser.get("/sites/"))
        database.engine.dispose()
    assert any("Public page cache" in r.getMessage() for r in caplog.records)


def test_without_a_cache_configured_pages_are_rendered_each_time(client, db):
    build_world()
    first = client.get("/sites/")
    assert first.status_code == 200 and "ETag" not in first.headers
    assert re.search(r'name="csrf_token" value="[^"]+"', first.get_data(as_text=True))
    assert CSRF_PLACEHOLDER not in first.get_data(as_text=True)


def test_a_kept_page_is_rendered_again_when_the_commissions_hour_changes(cached_app, world):
    import datetime as dt

    import time_machine

    from tests import clock

    browser = _browser(cached_app)
    browser.get(f"/sites/{world.site_a.slug}")
    with _counted(cached_app) as same_hour:
        browser.get(f"/sites/{world.site_a.slug}")
    with time_machine.travel(clock.now() + dt.timedelta(hours=1), tick=False), _counted(cached_app) as next_hour:
        browser.get(f"/sites/{world.site_a.slug}")
    assert same_hour == [] and next_hour, "the calendar's today is re-drawn each hour"
