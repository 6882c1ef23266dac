"""Queues: which reviews each lists, counts, filters, keyset pages and a
fixed number of SQL queries whatever the page size."""

import datetime as dt

from sqlalchemy import event

from permits.extensions import db
from permits.services import clock as review_clock
from permits.services import queues
from tests import clock
from tests.factories import CompanyFactory
from tests.review.conftest import make_application, make_review


def _hours(n):
    return clock.now() + dt.timedelta(hours=n)


def test_each_queue_lists_its_reviews_with_counts(world, signed_in, client):
    due_soon = make_review(make_application(world, title="Soon"), world.owner_a, due_at=review_clock.due_soon_limit(clock.now()) - dt.timedelta(minutes=5))
    overdue = make_review(make_application(world, title="Late"), world.owner_a, due_at=_hours(-30), assignee=world.owner_a_reviewer, state="in_review")
    later = make_review(make_application(world, title="Later"), world.owner_a, due_at=_hours(24 * 20))
    waiting = make_review(make_application(world, title="Waiting"), world.owner_a, state="info_requested", paused=True)
    decided = make_review(make_application(world, title="Done"), world.owner_a, state="approved", decided_at=_hours(-2))
    make_review(make_application(world, title="Other owner"), world.owner_b, due_at=_hours(2))
    db.session.commit()
    user = world.owner_a_reviewer
    counts = queues.queue_counts(user, {world.owner_a.id}, queues.Filters())
    # Open work only: the decided queue (the organisation's history) is paginated, not counted.
    assert counts == {"mine": 1, "unassigned": 3, "open": 4, "due_soon": 1, "overdue": 1, "waiting": 1}

    def ids(queue):
        return [row.review.id for row in queues.review_queue(user, queue, {world.owner_a.id}, queues.Filters()).rows]

    assert ids("due_soon") == [due_soon.id]
    assert ids("overdue") == [overdue.id]
    assert ids("mine") == [overdue.id]
    assert ids("waiting") == [waiting.id]
    assert ids("decided") == [decided.id]
    # Sorted by due time; the paused review (no due time) last.
    assert ids("open") == [overdue.id, due_soon.id, later.id, waiting.id]

    signed_in(world.owner_a_reviewer)
    html = client.get("/review/?queue=due_soon").get_data(as_text=True)
    assert "app-clock--due-soon" in html and "Soon" in html and "Later" not in html
    html = client.get("/review/?queue=open").get_data(as_text=True)
    for css in ("app-clock--overdue", "app-clock--due-soon", "app-clock--on-time", "app-clock--paused"):
        assert css in html
    assert "app-queue-table__row--overdue" in html
    assert "Other owner" not in html


def test_filters(world):
    local = CompanyFactory(legal_name="Baku Films", country="AZ")
    a = make_application(world, title="Silk Road", tier="high", country="FR", start=dt.date(2027, 6, 1))
    b = make_application(world, title="Caspian Nights", company=local, site=world.site_b, country="AZ", start=dt.date(2027, 8, 1))
    ra, rb = make_review(a, world.owner_a, due_at=_hours(50)), make_review(b, world.owner_b, due_at=_hours(60))
    db.session.commit()
    orgs = {world.owner_a.id, world.owner_b.id}

    def ids(**kwargs):
        return {row.review.id for row in queues.review_queue(world.ministry_supervisor, "open", orgs, queues.Filters(**kwargs)).rows}

    assert ids() == {ra.id, rb.id}
    assert ids(text="silk") == {ra.id}
    assert ids(text="baku films") == {rb.id}
    assert ids(text=a.reference.lower()) == {ra.id}
    assert ids(text="100%") == set()
    assert ids(site=world.site_b.id) == {rb.id}
    assert ids(tier="high") == {ra.id}
    assert ids(country="az") == {rb.id}
    assert ids(production_type="documentary") == set()
    assert ids(shoot_from=dt.date(2027, 7, 1)) == {rb.id}
    assert ids(shoot_to=dt.date(2027, 7, 1)) == {ra.id}
    assert queues.queue_counts(world.ministry_supervisor, orgs, queues.Filters(text="silk"))["open"] == 1


def test_keyset_pages_cover_every_review_once(world, signed_in, client):
    expected = []
    for i in range(7):
        due = None if i >= 5 else _hours(10 + (i % 3))  # ties on due time, and NULLs (paused) at the end
        review = make_review(make_application(world, title=f"Page {i}"), world.owner_a, due_at=due,
                             state="info_requested" if due is None else "pending", paused=due is None)
        expected.append(review.id)
    db.session.commit()
    seen, cursor, pages = [], None, 0
    while True:
        page = queues.review_queue(world.owner_a_reviewer, "open", {world.owner_a.id}, queues.Filters(), cursor=cursor, page_size=3)
        seen += [row.review.id for row in page.rows]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert pages == 3
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    # Through the page: the "Next page" link carries the cursor, not an offset.
    signed_in(world.owner_a_reviewer)
    html = client.get("/review/?queue=open&per_page=3").get_data(as_text=True)
    assert "after=" in html and "offset" not in html
    assert client.get("/review/?queue=open&after=garbage").status_code == 200


def _count_queries(client, url):
    engine = db.engine
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


def _seed(world, n):
    db.session.commit()  # end the read snapshot taken before the last request (SQLite WAL)
    for i in range(n):
        application = make_application(world, title=f"Load {i}", site=world.site_a if i % 2 else world.site_b)
        make_review(application, world.owner_a, due_at=_hours(5 + i), assignee=world.owner_a_reviewer if i % 3 == 0 else None)
    db.session.commit()


def test_the_queue_page_runs_a_fixed_number_of_queries(world, signed_in, client):
    signed_in(world.owner_a_reviewer)
    _seed(world, 5)
    small = _count_queries(client, "/review/?queue=open&per_page=50")
    _seed(world, 45)
    large = _count_queries(client, "/review/?queue=open&per_page=50")
    assert small == large, (small, large)


def test_the_ministry_list_runs_a_fixed_number_of_queries(world, signed_in, client):
    signed_in(world.ministry_supervisor)
    _seed(world, 5)
    small = _count_queries(client, "/review/applications")
    _seed(world, 45)
    large = _count_queries(client, "/review/applications")
    assert small == large, (small, large)


def test_the_ministry_sees_escalations_from_every_organisation(world, signed_in, client):
    late = make_review(make_application(world, title="Late at the owner"), world.owner_b, due_at=_hours(-5))
    db.session.commit()
    signed_in(world.ministry_reviewer)
    html = client.get("/review/").get_data(as_text=True)
    assert "Overdue reviews in every organisation" in html and f"/review/tasks/{late.id}" in html
    html = client.get("/review/escalations").get_data(as_text=True)
    assert f"/review/tasks/{late.id}" in html
    screening = client.get("/review/?kind=ministry_screening").get_data(as_text=True)
    assert "No reviews here." in screening


def test_the_commission_has_a_queue_per_decision_it_takes(world, signed_in, client):
    """Screening, the final decision and the fast track's decision: one link each, each named."""
    signed_in(world.ministry_reviewer)
    html = client.get("/review/").get_data(as_text=True)
    assert html.count("Screening queue") == 1
    assert "/review/?kind=ministry_final" in html and "/review/?kind=commission_decision" in html
    assert "Final decision of the film commission" in html and "Fast-track decision of the film commission" in html


def test_the_country_filter_is_the_list_of_countries_named_in_the_readers_language(world, signed_in, client):
    make_review(make_application(world, title="Silk Road", country="FR"), world.owner_a, due_at=_hours(10))
    make_review(make_application(world, title="Caspian Nights", country="AZ"), world.owner_a, due_at=_hours(10))
    db.session.commit()
    signed_in(world.owner_a_reviewer)
    html = client.get("/review/?queue=open&country=FR", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<select class="govuk-select" id="country" name="country">' in html
    assert '<option selected value="FR">France</option>' in html
    assert "Silk Road" in html and "Caspian Nights" not in html
    # The chosen filter is named, not coded; a value that is no country is an error on the field.
    assert "France" in html.split("app-filter-panel__selected", 1)[1].split("</ul>", 1)[0]
    html = client.get("/review/?queue=open&country=XX").get_data(as_text=True)
    assert "govuk-error-message" in html
