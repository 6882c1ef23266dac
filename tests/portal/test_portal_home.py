"""A producer's home pages each group by key: older and newer pages, never OFFSET."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from permits.extensions import db as database
from permits.models import Application
from permits.services import home
from tests.services.scenario import MONDAY, draft


def _drafts(world, count: int) -> list[Application]:
    """``count`` drafts updated an hour apart, the first the latest, except
    that the third and fourth share a moment (the larger id comes first);
    returned in the home's order."""
    made = [draft(world, sites=[world.site_a]) for _ in range(count)]
    hours = [h if h != 3 else 2 for h in range(count)]
    for application, h in zip(made, hours, strict=True):
        database.session.execute(update(Application).where(Application.id == application.id)
                                 .values(updated_at=MONDAY - dt.timedelta(hours=h)))
    database.session.commit()
    if count > 3:
        made[2], made[3] = made[3], made[2]
    return made


def _ids(group: home.HomeGroup) -> list[int]:
    return [row.application.id for row in group.rows]


def test_a_group_pages_older_and_newer_by_key(world):
    ordered = [a.id for a in _drafts(world, 5)]
    companies = {world.producer.company.id}
    first = home.group(companies, "needs-action", page_size=2)
    assert _ids(first) == ordered[:2] and first.newer is None and first.older
    second = home.group(companies, "needs-action", after=first.older, page_size=2)
    assert _ids(second) == ordered[2:4] and second.newer and second.older
    third = home.group(companies, "needs-action", after=second.older, page_size=2)
    assert _ids(third) == ordered[4:] and third.older is None and third.newer
    back = home.group(companies, "needs-action", before=third.newer, page_size=2)
    assert _ids(back) == ordered[2:4] and back.newer and back.older
    assert _ids(home.group(companies, "needs-action", before=back.newer, page_size=2)) == ordered[:2]
    # Another company's applications are never listed; a malformed cursor is the first page.
    assert home.group({world.other_producer.company.id}, "needs-action").rows == []
    assert _ids(home.group(companies, "needs-action", after="not-a-cursor", page_size=2)) == ordered[:2]


def test_the_home_page_links_to_the_older_applications_of_a_group(world, producer_client):
    _drafts(world, home.PAGE_SIZE + 1)
    page = producer_client.get("/applications/").get_data(as_text=True)
    assert "Needs your action" in page and page.count("DRAFT-") == home.PAGE_SIZE
    assert "show=needs-action&amp;after=" in page and "Older" in page and "Newer" not in page
    older = page.split('href="/applications/?show=needs-action&amp;after=')[1].split('"')[0]
    rest = producer_client.get(f"/applications/?show=needs-action&after={older}").get_data(as_text=True)
    assert rest.count("DRAFT-") == 1 and "Newer" in rest and "All my applications" in rest
