"""The counters of the statistics page and the scorecard (``statistics_summaries``):
kept by the services in the same transaction as each fact, equal to what
the rebuild recounts from history after a realistic run of the process,
and what the page shows equals what it used to compute from history."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from permits.extensions import db
from permits.models import Application, Permit, StatisticsSummary
from permits.services import (
    amendments,
    applications,
    documents,
    ledger,
    payments,
    statistics,
    summaries,
    turnaround,
    workflow,
)
from permits.services.context import calendar
from tests.factories import LocationFactory
from tests.services.scenario import MONDAY, approve_all, build_world, draft, open_reviews, pay_in_full, submitted
from tests.statistics import history

DAY = dt.timedelta(days=1)


def _counters() -> dict[tuple, tuple[int, Decimal]]:
    """The counters as kept (cells that came back to zero are left out: the rebuild writes none)."""
    db.session.expire_all()
    return {(r.metric, r.period, r.key): (int(r.count), Decimal(r.total)) for r in db.session.execute(select(StatisticsSummary)).scalars()
            if r.count or r.total}


def _recount() -> dict[tuple, tuple[int, Decimal]]:
    return {cell: (int(c), Decimal(t)) for cell, (c, t) in summaries.history().items() if c or t}


def _decide_open(world, application, now, action="approve", *, only=None, **kwargs):
    for review in open_reviews(application):
        if only is None or review.organisation_id == only.id:
            workflow.decide(review, world.reviewer_for(review), action, now=now, **kwargs)
    db.session.commit()


def _through_parallel(world, application, now):
    approve_all(world, application, "ministry_screening", now=now)
    _decide_open(world, application, now)
    db.session.refresh(application)


def _approved(world, application, now, *, pay=True):
    _through_parallel(world, application, now)
    approve_all(world, application, "ministry_final", now=now, pay=pay)
    db.session.refresh(application)
    return application


def _pdf() -> documents.Upload:
    body = b"1 0 obj << /Type /Catalog >> endobj\n"
    return documents.Upload(io.BytesIO(b"%PDF-1.4\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"), "letter.pdf")


def run_the_process(world) -> dict[str, Application]:
    """Applications through every path that changes a counter: submitted in
    two months (one just after local midnight of the 1st, still April in
    UTC), screened, refused, withdrawn, lapsed, a refused site dropped and
    one replaced, approved and paid, overpaid and refunded, a waiver, an
    approval by standing consent, amendments approved and refused, a permit
    revoked, permits expired one by one and in the sweep's batch, and a
    draft that counts nowhere."""
    world.site_b.region, world.site_b.category = "absheron", "nature"
    replacement = LocationFactory(owner=world.owner_a, name_en="Shirvanshahs' Palace", region="baku", category="monument")
    db.session.commit()
    made = {}

    # A refused site dropped by the commission, approved and paid; then an amendment adds a site.
    made["dropped"] = first = submitted(world)
    approve_all(world, first, "ministry_screening", now=MONDAY + DAY)
    _decide_open(world, first, MONDAY + 3 * DAY, "reject", only=world.owner_b, reason="Closed for works.")
    _decide_open(world, first, MONDAY + 7 * DAY)
    [final] = open_reviews(first, "ministry_final")
    workflow.drop_refused_sites(final, world.ministry_reviewer, expected_version=final.version, now=MONDAY + 8 * DAY)
    db.session.commit()
    approve_all(world, first, "ministry_final", now=MONDAY + 9 * DAY)
    assert first.state == "approved", first.state
    amendments.request_amendment(first, world.producer, location=world.site_b, start=dt.date(2027, 6, 20),
                                 end=dt.date(2027, 6, 21), crew_on_site=20, now=MONDAY + 10 * DAY)
    db.session.commit()
    for step in range(3):
        _decide_open(world, first, MONDAY + (11 + step) * DAY)

    # Filed at 01:30 on 1 May in Baku (30 April in UTC): May's; refused at screening.
    may_first = dt.datetime(2027, 4, 30, 21, 30, tzinfo=dt.UTC)
    made["refused"] = refused = submitted(world, now=may_first, sites=[world.site_b])
    approve_all(world, refused, "ministry_screening", now=may_first + DAY, action="reject", reason="Incomplete.")

    # Withdrawn after screening (its invoice cancelled).
    made["withdrawn"] = withdrawn = submitted(world, now=MONDAY + DAY, sites=[world.site_a])
    approve_all(world, withdrawn, "ministry_screening", now=MONDAY + 2 * DAY)
    workflow.withdraw(withdrawn, world.producer, now=MONDAY + 3 * DAY)
    db.session.commit()

    # Asked for information that never came: the application lapses.
    made["lapsed"] = lapsed = submitted(world, now=MONDAY + 2 * DAY, sites=[world.site_b])
    approve_all(world, lapsed, "ministry_screening", now=MONDAY + 2 * DAY)
    [owner_review] = open_reviews(lapsed, "site_owner")
    workflow.decide(owner_review, world.owner_b_reviewer, "request_information", reason="Send the site plan.", now=MONDAY + 3 * DAY)
    db.session.commit()
    workflow.lapse(owner_review, now=MONDAY + 30 * DAY)
    db.session.commit()

    # A refused site replaced by the producer, then approved; paid 5 AZN too much and refunded.
    made["replaced"] = replaced = submitted(world, now=MONDAY + 3 * DAY)
    approve_all(world, replaced, "ministry_screening", now=MONDAY + 3 * DAY)
    _decide_open(world, replaced, MONDAY + 4 * DAY, "reject", only=world.owner_b, reason="Closed for works.")
    _decide_open(world, replaced, MONDAY + 4 * DAY)
    applications.replace_refused_site(replaced, world.producer, replacement, start=dt.date(2027, 6, 14), end=dt.date(2027, 6, 16),
                                      crew_on_site=20, expected_version=replaced.version, now=MONDAY + 5 * DAY)
    db.session.commit()
    _decide_open(world, replaced, MONDAY + 6 * DAY)
    approve_all(world, replaced, "ministry_final", now=MONDAY + 7 * DAY, pay=False)
    invoice = ledger.fee_invoice(replaced.id)
    payments.record_payment(world.finance, invoice, amount=ledger.balance_of(replaced) + Decimal("5.00"), paid_on=(MONDAY + 8 * DAY).date(),
                            bank_reference=f"TRF-{replaced.id}", now=MONDAY + 8 * DAY)
    db.session.commit()
    payments.record_refund(world.finance, replaced, amount=Decimal("5.00"), paid_on=(MONDAY + 9 * DAY).date(),
                           bank_reference=f"REF-{replaced.id}", now=MONDAY + 9 * DAY)
    db.session.commit()
    db.session.refresh(replaced)
    assert replaced.state == "approved", replaced.state

    # A student film's fee waived after screening, then approved.
    made["waived"] = waived = submitted(world, now=MONDAY + 4 * DAY, sites=[world.site_a], start=dt.date(2027, 7, 5), days=2)
    approve_all(world, waived, "ministry_screening", now=MONDAY + 4 * DAY)
    request = payments.request_waiver(world.producer, waived, ground="student", reason="A graduation film of the school.",
                                      upload=_pdf(), now=MONDAY + 4 * DAY)
    db.session.commit()
    payments.decide_waiver(world.ministry_supervisor, request, grant=True, now=MONDAY + 5 * DAY)
    db.session.commit()
    _decide_open(world, waived, MONDAY + 6 * DAY)
    approve_all(world, waived, "ministry_final", now=MONDAY + 7 * DAY)

    # Approved, then revoked (its shoot days no longer count; its permit stays issued).
    made["revoked"] = revoked = _approved(world, submitted(world, now=MONDAY + 5 * DAY, start=dt.date(2027, 6, 28), days=2), MONDAY + 6 * DAY)
    workflow.revoke(revoked, world.ministry_supervisor, "Safety breach.", now=MONDAY + 12 * DAY)
    db.session.commit()

    # Expired one by one, and in the sweep's batch.
    made["expired"] = expired = _approved(world, submitted(world, now=MONDAY + 6 * DAY, sites=[world.site_b]), MONDAY + 7 * DAY)
    workflow.expire(expired, now=MONDAY + 80 * DAY)
    made["expired_in_batch"] = batch = _approved(world, submitted(world, now=MONDAY + 6 * DAY, sites=[world.site_a]), MONDAY + 7 * DAY)
    assert workflow.expire_all([batch.id], now=MONDAY + 80 * DAY) == []
    db.session.commit()

    # Approved, its amendment refused (the site it asked for stays requested).
    made["amendment_refused"] = kept = _approved(world, submitted(world, now=MONDAY + 7 * DAY, sites=[world.site_a]), MONDAY + 8 * DAY)
    amendments.request_amendment(kept, world.producer, location=world.site_b, start=dt.date(2027, 7, 1), end=dt.date(2027, 7, 2),
                                 crew_on_site=10, now=MONDAY + 9 * DAY)
    db.session.commit()
    _decide_open(world, kept, MONDAY + 10 * DAY, "reject", only=world.owner_b, reason="Booked.")
    _decide_open(world, kept, MONDAY + 10 * DAY)
    for review in open_reviews(kept, "ministry_final"):
        workflow.decide(review, world.ministry_reviewer, "reject", reason="The site is refused.", now=MONDAY + 11 * DAY)
    db.session.commit()

    # Owner A's standing consent approves its review as it opens; a Turkish production.
    world.site_a.standing_consent = True
    world.site_a.filming_hours_start, world.site_a.filming_hours_end = dt.time(8), dt.time(20)
    db.session.commit()
    consented = draft(world, sites=[world.site_a], days=1, crew=8)
    consented.country_of_origin = "TR"
    db.session.commit()
    workflow.submit(consented, world.producer, now=MONDAY + 8 * DAY)
    db.session.commit()
    for _ in range(3):
        _decide_open(world, consented, MONDAY + 11 * DAY)
    db.session.refresh(consented)
    pay_in_full(world, consented, MONDAY + 12 * DAY)
    made["consented"] = consented

    # Still open, and a draft (counted nowhere).
    made["open"] = submitted(world, now=MONDAY + 9 * DAY)
    made["draft"] = draft(world)
    for application in made.values():
        db.session.refresh(application)
    return made


def test_the_counters_kept_by_the_services_equal_the_recount_from_history(db):
    world = build_world()
    made = run_the_process(world)
    states = {name: a.state for name, a in made.items()}
    assert states == {"dropped": "approved", "refused": "rejected", "withdrawn": "withdrawn", "lapsed": "lapsed",
                      "replaced": "approved", "waived": "approved", "revoked": "revoked", "expired": "expired",
                      "expired_in_batch": "expired", "amendment_refused": "approved", "consented": "approved",
                      "open": "submitted", "draft": "draft"}

    kept = _counters()
    assert kept == _recount()
    # Every counter is exercised, with variety.
    metrics = {metric for metric, _period, _key in kept}
    assert metrics == set(summaries.METRICS)
    keys = {metric: {key for m, _p, key in kept if m == metric} for metric in metrics}
    assert keys["applications"] == {"approved", "rejected", "withdrawn", "open"}
    assert keys["money"] >= {"invoiced", "paid", "waived", "refunded", "cancelled"}
    assert keys["country"] == {"FR", "TR"}
    assert keys["shoot-days-region"] == {"baku", "absheron"}
    assert {period for m, period, _k in kept if m == "applications"} == {dt.date(2027, 4, 1), dt.date(2027, 5, 1)}

    # The rebuild writes the same rows.
    rows = summaries.rebuild()
    db.session.commit()
    assert rows == len(kept)
    assert _counters() == kept


@pytest.mark.parametrize("damage", ["lost", "wrong"])
def test_a_rebuild_restores_lost_or_wrong_counters(db, damage):
    world = build_world()
    _approved(world, submitted(world), MONDAY + DAY)
    expected = _counters()
    assert expected
    if damage == "lost":
        db.session.execute(StatisticsSummary.__table__.delete())
    else:
        db.session.execute(update(StatisticsSummary).values(count=StatisticsSummary.count + 7))
    db.session.commit()
    summaries.rebuild()
    db.session.commit()
    assert _counters() == expected


def test_the_rebuild_command_recounts_the_turnaround_and_the_counters(app, db):
    world = build_world()
    _approved(world, submitted(world), MONDAY + DAY)
    expected = _counters()
    db.session.execute(StatisticsSummary.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-statistics"])
    assert result.exit_code == 0, result.output
    assert "decided reviews" in result.output and f"{len(expected)} counters" in result.output
    assert _counters() == expected


def test_nested_counting_counts_once_and_a_failure_counts_nothing(db):
    world = build_world()
    application = submitted(world)
    before = _counters()
    with summaries.counting(application), summaries.counting(application):
        application.country_of_origin = "DE"
    db.session.commit()
    after = _counters()
    month = dt.date(2027, 4, 1)
    assert after[("country", month, "DE")] == (1, 0) and ("country", month, "FR") not in after
    assert sum(c for (m, _p, _k), (c, _t) in after.items() if m == "applications") == 1
    with pytest.raises(RuntimeError), summaries.counting(application):
        application.country_of_origin = "GB"
        raise RuntimeError
    db.session.rollback()
    assert _counters() == after != before


def test_expired_and_approved_are_counted_alike():
    assert summaries.counted_alike("approved", "expired")
    assert not summaries.counted_alike("approved", "revoked")
    assert not summaries.counted_alike("submitted", "withdrawn")


# ----------------------------------------------------------------------------- the page's figures


def test_every_figure_of_the_page_and_the_scorecard_equals_the_figure_from_history(db):
    world = build_world()
    run_the_process(world)
    db.session.commit()

    assert statistics.applications_by_month() == history.applications_by_month()
    assert statistics.money_by_month() == history.money_by_month()
    for dimension in ("region", "category", "month"):
        assert statistics.shoot_days_by(dimension) == history.shoot_days_by(dimension), dimension
    assert statistics.productions_by_country() == history.productions_by_country()
    assert [(r["location"].id, r["applications"], r["days"]) for r in statistics.most_requested_sites()] == [
        (r["location"].id, r["applications"], r["days"]) for r in history.most_requested_sites()]
    for dimension in ("organisation", "kind"):
        assert sorted(map(vars, statistics.turnaround_by(dimension)), key=str) == sorted(
            map(vars, history.turnaround_by(dimension)), key=str)

    # The scorecard's window: the last 90 local days (the shoots of June and July, the decisions of April and May).
    now = dt.datetime(2027, 7, 15, 8, tzinfo=dt.UTC)
    card = statistics.scorecard(now=now)
    first = calendar().local_date(now) - dt.timedelta(days=90)
    assert card["since"] == first
    issued = [p for p in db.session.execute(select(Permit)).scalars() if calendar().local_date(p.issued_at) >= first]
    assert card["permits_issued"] == len(issued) > 0
    assert card["shoot_days"] == history.scorecard_shoot_days(now) > 0
    bodies = {row["organisation"].id: (row["reviews"], row["median"], row["share"]) for row in card["bodies"]}
    assert bodies == {r.key: (r.reviews, r.median, r.share_within_sla) for r in history.turnaround_by("organisation", since_day=first)}
    assert statistics.scorecard(now=now + 200 * DAY)["shoot_days"] == 0


def test_the_statistics_read_nothing_but_the_counters(db):
    """The page's figures come from the counters alone: emptied, the page is empty."""
    world = build_world()
    _approved(world, submitted(world), MONDAY + DAY)
    db.session.execute(StatisticsSummary.__table__.delete())
    db.session.commit()
    assert statistics.applications_by_month() == [] and statistics.money_by_month() == []
    assert statistics.shoot_days_by("region") == [] and statistics.productions_by_country() == []
    assert statistics.most_requested_sites() == [] and statistics.turnaround_by("kind") == []
    card = statistics.scorecard(now=MONDAY + 2 * DAY)
    assert (card["permits_issued"], card["shoot_days"], card["bodies"]) == (0, 0, [])
    # The turnaround rows are still there: the counters are rebuilt from them.
    assert turnaround.rebuild() > 0 and summaries.rebuild() > 0
    assert statistics.turnaround_by("kind")


def test_the_sweeps_batch_counts_the_applications_whose_counters_its_state_changes(db, monkeypatch):
    """expire_all counts around its UPDATE the applications whose new state
    counts differently (none in today's definition: expired counts as approved)."""
    world = build_world()
    application = _approved(world, submitted(world), MONDAY + DAY)
    kept = _counters()
    monkeypatch.setattr(summaries, "counted_alike", lambda state, other: False)
    assert workflow.expire_all([application.id], now=MONDAY + 80 * DAY) == []
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "expired"
    assert _counters() == _recount() == kept
