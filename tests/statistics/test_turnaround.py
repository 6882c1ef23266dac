"""The turnaround rows: written as each review is decided (and removed when
a decision is undone), equal to what the rebuild recomputes from the
reviews, and what the statistics and the scorecard aggregate."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from permits.extensions import db
from permits.models import ReviewTask, ReviewTurnaround
from permits.services import amendments, statistics, turnaround, workflow
from permits.services.context import calendar
from tests.services.scenario import MONDAY, approve_all, build_world, draft, open_reviews, submitted

DAY = dt.timedelta(days=1)
ROW = ("review_task_id", "organisation_id", "kind", "opened_at", "decided_at", "decided_month", "business_days", "on_time")


def _rows() -> set[tuple]:
    db.session.expire_all()
    return {tuple(getattr(row, name) for name in ROW) for row in db.session.execute(select(ReviewTurnaround)).scalars()}


def _decide_open(world, application, now, action="approve", *, only=None, **kwargs):
    for review in open_reviews(application):
        if only is None or review.organisation_id == only.id:
            workflow.decide(review, world.reviewer_for(review), action, now=now, **kwargs)
    db.session.commit()


def _varied_scenario(world):
    """Decisions on different days and across a weekend, on time and late,
    a refusal then a dropped refused site, a refused application, a
    standing consent's approval at opening, and an amendment's reviews."""
    # 1. Screened on Tuesday; owner B refuses on Thursday; owner A and
    #    tourism decide the next Monday (late); the commission drops owner
    #    B's site (its refusal stops counting) and approves on Wednesday.
    first = submitted(world)
    approve_all(world, first, "ministry_screening", now=MONDAY + DAY)
    _decide_open(world, first, MONDAY + 3 * DAY, "reject", only=world.owner_b, reason="Closed for works.")
    _decide_open(world, first, MONDAY + 7 * DAY + dt.timedelta(hours=3))
    [final] = open_reviews(first, "ministry_final")
    workflow.drop_refused_sites(final, world.ministry_reviewer, expected_version=final.version, now=MONDAY + 8 * DAY)
    db.session.commit()
    approve_all(world, first, "ministry_final", now=MONDAY + 9 * DAY)
    # 2. Refused at screening on the same day it was filed.
    second = submitted(world, now=MONDAY + 2 * DAY, sites=[world.site_b])
    approve_all(world, second, "ministry_screening", now=MONDAY + 2 * DAY + dt.timedelta(hours=2), action="reject",
                reason="Incomplete.")
    # 3. Owner A's standing consent approves its review as it opens.
    world.site_a.standing_consent = True
    world.site_a.filming_hours_start, world.site_a.filming_hours_end = dt.time(8), dt.time(20)
    db.session.commit()
    third = draft(world, sites=[world.site_a], days=1, crew=8)
    workflow.submit(third, world.producer, now=MONDAY + 4 * DAY)
    db.session.commit()
    for _ in range(3):
        _decide_open(world, third, MONDAY + 11 * DAY)
    # 4. An amendment of the permitted first application, decided later.
    db.session.refresh(first)
    assert first.state == "approved", first.state
    amendments.request_amendment(first, world.producer, location=world.site_b, start=dt.date(2027, 6, 20),
                                 end=dt.date(2027, 6, 21), crew_on_site=20, now=MONDAY + 14 * DAY)
    db.session.commit()
    for step in range(3):
        _decide_open(world, first, MONDAY + (15 + step) * DAY)


def _reference() -> dict[int, tuple[int, bool]]:
    """The turnaround recounted from the reviews, day by day with the calendar."""
    cal = calendar()
    result = {}
    for review in db.session.execute(select(ReviewTask)).scalars():
        if review.state in turnaround.DECIDED_STATES and review.decided_at is not None:
            days = cal.business_days_between(cal.local_date(review.opened_at), cal.local_date(review.decided_at))
            result[review.id] = (days, review.due_at is not None and review.decided_at <= review.due_at)
    return result


def test_the_rows_written_with_each_decision_equal_the_rebuilt_rows(db):
    world = build_world()
    _varied_scenario(world)
    incremental = _rows()
    reference = _reference()
    assert {row[0]: (row[6], row[7]) for row in incremental} == reference
    # The scenario is varied: several kinds, refusals, late and on-time decisions, several day counts,
    # an approval by standing consent, an amendment's reviews; the dropped refusal does not count.
    reviews = {r.id: r for r in db.session.execute(select(ReviewTask)).scalars()}
    kinds = {reviews[row[0]].kind for row in incremental}
    assert {"ministry_screening", "site_owner", "tourism", "ministry_final"} <= kinds
    assert {reviews[row[0]].state for row in incremental} >= {"approved", "rejected"}
    assert {row[7] for row in incremental} == {True, False}
    assert len({row[6] for row in incremental}) >= 3
    assert any(reviews[row[0]].decided_by_id is None for row in incremental)  # standing consent
    assert any(reviews[row[0]].amendment_id is not None for row in incremental)
    dropped = [r for r in reviews.values() if r.state == "cancelled" and r.decided_at is not None]
    assert dropped and not {r.id for r in dropped} & {row[0] for row in incremental}

    rebuilt_count = turnaround.rebuild()
    db.session.commit()
    assert rebuilt_count == len(incremental)
    assert _rows() == incremental


def test_the_statistics_read_the_rows(db):
    world = build_world()
    _varied_scenario(world)
    reference = _reference()
    reviews = {r.id: r for r in db.session.execute(select(ReviewTask)).scalars()}
    for row in statistics.turnaround_by("organisation"):
        mine = [reference[i] for i in reference if reviews[i].organisation_id == row.key]
        histogram: dict[int, int] = {}
        for days, _on_time in mine:
            histogram[days] = histogram.get(days, 0) + 1
        assert (row.reviews, row.within_sla) == (len(mine), sum(1 for _d, ok in mine if ok))
        assert (row.median, row.p90) == (statistics.percentile(histogram, 0.5), statistics.percentile(histogram, 0.9))
    assert sum(r.reviews for r in statistics.turnaround_by("kind")) == len(reference)


def test_a_rebuild_restores_lost_or_wrong_rows(db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening", now=MONDAY + 2 * DAY)
    expected = _rows()
    assert len(expected) == 1 and next(iter(expected))[6] == 2
    db.session.execute(ReviewTurnaround.__table__.update().values(business_days=99))
    db.session.commit()
    turnaround.rebuild()
    db.session.commit()
    assert _rows() == expected
    # A database without decided reviews rebuilds to nothing.
    db.session.execute(ReviewTurnaround.__table__.delete())
    db.session.execute(ReviewTask.__table__.update().values(state="pending", decided_at=None))
    assert turnaround.rebuild() == 0


def test_the_rebuild_command(app, db):
    world = build_world()
    application = submitted(world)
    approve_all(world, application, "ministry_screening", now=MONDAY + DAY)
    db.session.execute(ReviewTurnaround.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-turnaround"])
    assert result.exit_code == 0, result.output
    assert "1 decided reviews" in result.output
    assert len(_rows()) == 1


def _count_queries(client, url) -> int:
    from sqlalchemy import event

    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


def _decided_reviews(world, n, *, offset=0):
    from tests.review.conftest import make_application, make_review

    db.session.commit()  # end the read snapshot of the last request (SQLite WAL)
    organisations = (world.owner_a, world.owner_b, world.tourism, world.ministry)
    for i in range(offset, offset + n):
        application = make_application(world, site=world.site_a if i % 2 else world.site_b, country=("FR", "TR", "AZ")[i % 3])
        opened = MONDAY - dt.timedelta(days=40 - i % 30)
        make_review(application, organisations[i % 4], kind=("site_owner", "tourism", "ministry_final")[i % 3],
                    state="rejected" if i % 5 == 0 else "approved", opened_at=opened, decided_at=opened + dt.timedelta(days=i % 9),
                    due_at=opened + dt.timedelta(days=5))
    db.session.commit()


def test_the_statistics_and_the_scorecard_run_a_fixed_number_of_queries(world, signed_in, client):
    signed_in(world.ministry_supervisor)
    _decided_reviews(world, 4)
    small = (_count_queries(client, "/review/statistics"), _count_queries(client, "/scorecard/"))
    _decided_reviews(world, 60, offset=4)
    large = (_count_queries(client, "/review/statistics"), _count_queries(client, "/scorecard/"))
    assert small == large, (small, large)
    assert db.session.execute(select(func.count()).select_from(ReviewTurnaround)).scalar_one() == 64
