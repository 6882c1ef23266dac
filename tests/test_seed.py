"""The demo data: idempotent, and applications in every state through the services."""

from sqlalchemy import func, select

from permits.demo.seed import seed_demo
from permits.models import Application, Location, Organisation, Permit, ReviewTask, User, WorkflowEvent
from permits.services.context import calendar


def _counts(db):
    return tuple(
        db.session.scalar(select(func.count(model.id)))
        for model in (Organisation, Location, User, Application, WorkflowEvent, Permit)
    )


def test_seed_is_idempotent_and_reaches_every_state(db):
    seed_demo()
    db.session.commit()
    first = _counts(db)
    seed_demo()
    db.session.commit()
    assert _counts(db) == first
    organisations, locations, users, _applications, _events, permits = first
    assert organisations >= 7 and locations >= 12 and users >= 10
    states = set(db.session.execute(select(Application.state)).scalars())
    assert {"draft", "submitted", "in_review", "final_review", "approved", "rejected", "withdrawn", "lapsed"} <= states
    assert permits == 3  # Lands of Fire, Boulevard Chase, and the fast track's Morning on White City
    # Made through the front door: every non-draft application has its audit trail.
    for application in db.session.execute(select(Application).where(Application.state != "draft")).scalars():
        assert db.session.scalar(
            select(func.count(WorkflowEvent.id)).where(WorkflowEvent.application_id == application.id)
        ) >= 2
    kinds = {
        (o.kind) for o in db.session.execute(select(Organisation)).scalars()
    }
    assert {"ministry", "tourism", "site_owner", "police", "aviation", "emergency"} <= kinds
    names = {loc.name_en for loc in db.session.execute(select(Location)).scalars()}
    assert any("Maiden" in n for n in names) and any("Gobustan" in n for n in names)



def _by_title(db, title: str) -> Application:
    return db.session.execute(select(Application).where(Application.title == title)).scalar_one()


def test_the_demo_shows_each_agency_and_the_fast_track(db):
    seed_demo()
    db.session.commit()
    # One application through each agency.
    reviewed = set(db.session.execute(select(ReviewTask.kind).distinct()).scalars())
    assert {"police", "aviation", "emergency"} <= reviewed
    # Refused by civil aviation, with a reason the producer reads.
    sky = _by_title(db, "Sky over Khizi")
    aviation = next(r for r in sky.reviews if r.kind == "aviation")
    assert (sky.state, aviation.state) == ("rejected", "rejected") and "120 m" in aviation.reason
    # The fast track: submission to permit within one business day, one commission decision.
    fast = _by_title(db, "Morning on White City")
    assert (fast.state, fast.route) == ("approved", "fast_track")
    assert {r.kind: r.state for r in fast.reviews} == {"site_owner": "approved", "commission_decision": "approved"}
    owner = next(r for r in fast.reviews if r.kind == "site_owner")
    assert owner.decided_by_id is None  # approved by the system, under standing consent
    cal = calendar()
    assert cal.business_seconds_between(fast.submitted_at, fast.decided_at) <= cal.business_day_seconds


def test_the_demo_has_money_for_the_finance_page(db):
    from permits.models import Invoice, StatementLine
    from permits.services import payments

    seed_demo()
    db.session.commit()
    finance = db.session.execute(select(User).where(User.email_normalised == "finance@demo.filmpermit.test")).scalar_one()
    assert payments.is_finance_officer(finance)
    waiting = _by_title(db, "Gardens of Ganja")
    assert waiting.state == "awaiting_payment"
    assert db.session.scalar(select(func.count(Invoice.id)).where(Invoice.application_id == waiting.id)) == 1
    assert db.session.scalar(select(func.count(StatementLine.id)).where(StatementLine.status == "open")) == 1
    # The approved ones were paid by the finance officer.
    for title in ("Lands of Fire", "Boulevard Chase", "Morning on White City"):
        assert _by_title(db, title).state == "approved"
