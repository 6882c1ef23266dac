"""Every list page asks the same number of queries whatever the data: each is
measured with a few applications and again with many more (issue 20), so
that an N+1 load (a query per row) cannot come back unnoticed.

The data grows through the services, as people would make it: drafts,
submissions in screening, reviews at the site owner, requests for
information, decisions, withdrawals, approved applications awaiting their
fee and overpaid ones owed a credit, every booking at the same site on the
same days (so that the review page's clashes grow too), and some running
reviews past their deadline (the escalations).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event, select, update

from permits.extensions import db as database
from permits.models import Application, ReviewTask
from permits.services import ledger, payments, workflow
from tests.money.finance_world import sign_in
from tests.services.scenario import MONDAY, approve_all, build_world, draft, open_reviews, submitted

SMALL, LARGE = 7, 35  # applications: every kind of row at both sizes


@pytest.fixture
def world(db):
    return build_world()


def _in_review(world) -> Application:
    application = submitted(world, sites=[world.site_a])
    approve_all(world, application, "ministry_screening")
    return application


def _grow(world, count: int) -> None:
    """``count`` more applications of the producer's company, seven kinds in turn."""
    for i in range(count):
        kind = i % 7
        if kind == 0:
            draft(world, sites=[world.site_a])
        elif kind == 1:
            submitted(world, sites=[world.site_a])
        elif kind == 2:
            _in_review(world)
        elif kind == 3:
            application = _in_review(world)
            [review] = open_reviews(application, "site_owner")
            workflow.decide(review, world.owner_a_reviewer, "request_information", reason="Send the site plan.", now=MONDAY)
            database.session.commit()
        elif kind in (4, 6):
            application = _in_review(world)
            for review in open_reviews(application):
                workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
            database.session.commit()
            approve_all(world, application, "ministry_final", pay=False)
            if kind == 6:  # paid too much: a credit to refund
                invoice = ledger.fee_invoice(application.id)
                payments.record_payment(world.finance, invoice, amount=ledger.balance_of(application) + Decimal("5.00"),
                                        paid_on=MONDAY.date(), bank_reference=f"TRF-{application.id}", now=MONDAY)
                database.session.commit()
        elif kind == 5:
            application = submitted(world, sites=[world.site_a])
            workflow.withdraw(application, world.producer)
            database.session.commit()
    # Half of the running reviews are past their deadline.
    database.session.execute(
        update(ReviewTask).where(ReviewTask.state.in_(("pending", "in_review")), ReviewTask.id % 2 == 0)
        .values(due_at=MONDAY - dt.timedelta(days=2))
    )
    database.session.commit()


def _queries(client, url: str) -> int:
    return len(_statements(client, url))


def _statements(client, url: str) -> list[str]:
    """The statements one GET of ``url`` sends to the database (it answers 200)."""
    database.session.commit()
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        # A context of its own: the request reads through a fresh session, so
        # nothing the test loaded saves the page a query.
        with client.application.app_context():
            response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return seen


def _review_of(organisation, application_state: str, kind: str = "site_owner") -> int:
    return database.session.execute(
        select(ReviewTask.id).join(Application, Application.id == ReviewTask.application_id)
        .where(ReviewTask.organisation_id == organisation.id, ReviewTask.kind == kind, Application.state == application_state,
               ReviewTask.state.in_(("pending", "in_review")))
        .order_by(ReviewTask.id).limit(1)
    ).scalar_one()


PAGES = {
    # who -> pages
    "producer": ["/applications/", "/applications/?show=decided", "/applications/?show=needs-action",
                 "/applications/?show=in-progress"],
    "owner_a_reviewer": [f"/review/?queue={queue}" for queue in
                         ("mine", "unassigned", "open", "due_soon", "overdue", "waiting", "decided")],
    "ministry_supervisor": ["/review/", "/review/?queue=decided", "/review/escalations", "/review/applications",
                            "/review/applications?state=in_review",
                            # Every table of the statistics page (issue 20: its counters, not history) and the scorecard.
                            "/review/statistics", "/review/statistics/most-requested-sites.csv", "/scorecard/"],
    "finance": ["/finance/", "/finance/?show=credits", "/finance/?show=awaiting"],
}


def _difference(few: list[str], more: list[str]) -> list[str]:
    """The statements the larger page sent more often (the start of each), to say which load grew."""
    from collections import Counter

    extra = Counter(more) - Counter(few)
    return [f"{n}x {' '.join(statement.split())[:900]}" for statement, n in extra.items()]


def _measure(app, world) -> dict[str, list[str]]:
    counts = {}
    for who, urls in PAGES.items():
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        sign_in(client, getattr(world, who))
        for url in urls:
            counts[f"{who} {url}"] = _statements(client, url)
    # The review page of one of the owner's reviews: its site is booked by every other application.
    client = sign_in(app.test_client(), world.owner_a_reviewer)
    counts["review page"] = _statements(client, f"/review/tasks/{_review_of(world.owner_a, 'in_review')}")
    return counts


def test_every_list_page_asks_as_many_queries_at_35_applications_as_at_7(app, world):
    _grow(world, SMALL)
    small = _measure(app, world)
    _grow(world, LARGE - SMALL)
    assert database.session.scalar(select(database.func.count(Application.id))) == LARGE
    large = _measure(app, world)
    grown = {page: (len(small[page]), len(large[page]), _difference(small[page], large[page]))
             for page in small if len(small[page]) != len(large[page])}
    assert not grown, grown


def test_the_producer_status_page_asks_as_many_queries_for_a_longer_history(app, world):
    """The timeline names each event's review and its organisation: an
    application with more reviews and events costs no more queries."""
    short = _in_review(world)
    longer = submitted(world, sites=[world.site_a, world.site_b])
    approve_all(world, longer, "ministry_screening")
    assert len(longer.reviews) > len(short.reviews)
    client = sign_in(app.test_client(), world.producer)
    few, more = _statements(client, f"/applications/{short.id}"), _statements(client, f"/applications/{longer.id}")
    assert len(more) == len(few), _difference(few, more)


def _more_sites(world, count: int) -> None:
    """``count`` more published sites of the first owner, each with a photo, a blackout and a booking."""
    from permits.models import LocationBlackout, LocationPhoto
    from tests.factories import LocationFactory

    for _ in range(count):
        site = LocationFactory(owner=world.owner_a)
        database.session.add(LocationPhoto(location=site, storage_key=f"photos/{site.slug}.jpg", caption=site.name_en))
        database.session.add(LocationBlackout(location=site, start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 3),
                                              reason="Festival"))
        database.session.commit()
        approved_at = submitted(world, sites=[site, world.site_a])
        approve_all(world, approved_at, "ministry_screening")


def _public_statements(app, world) -> dict[str, list[str]]:
    from tests.permits_issue.helpers import approved

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    _application, permit = approved(world)
    site = world.site_a
    pages = {
        "catalogue": "/sites/",
        "catalogue, free dates": "/sites/?start_date=2027-07-02&end_date=2027-07-04",
        "site": f"/sites/{site.slug}",
        "site, July": f"/sites/{site.slug}?month=2027-07",
        "scorecard": "/scorecard/",
        "verification by token": f"/verify/{permit.verification_token}",
        "verification by number": f"/verify/?number={permit.number}&code={permit.short_code}",
        "quote": f"/sites/quote?sites={site.slug}&sites={world.site_b.slug}&start_date=2027-07-05&end_date=2027-07-07"
                 "&crew=20&vehicles=2&production_type=feature&country_of_origin=FR",
    }
    return {page: _statements(client, url) for page, url in pages.items()}


def test_the_public_pages_ask_as_many_queries_for_more_sites_photos_and_bookings(app, world):
    """Rendered (the suite has no page cache): the catalogue loads its sites'
    photos in one query, the site page its bookings, whatever their number."""
    _more_sites(world, 2)
    few = _public_statements(app, world)
    _more_sites(world, 8)
    more = _public_statements(app, world)
    grown = {page: (len(few[page]), len(more[page]), _difference(few[page], more[page]))
             for page in few if len(few[page]) != len(more[page])}
    assert not grown, grown
