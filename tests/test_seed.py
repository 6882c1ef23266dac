"""The demo data: idempotent, and applications in every state through the services."""

from sqlalchemy import func, select

from permits.demo.seed import seed_demo
from permits.models import Application, Location, Organisation, Permit, User, WorkflowEvent


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
    assert permits == 1
    # Made through the front door: every non-draft application has its audit trail.
    for application in db.session.execute(select(Application).where(Application.state != "draft")).scalars():
        assert db.session.scalar(
            select(func.count(WorkflowEvent.id)).where(WorkflowEvent.application_id == application.id)
        ) >= 2
    kinds = {
        (o.kind) for o in db.session.execute(select(Organisation)).scalars()
    }
    assert {"ministry", "tourism", "site_owner"} <= kinds
    names = {loc.name_en for loc in db.session.execute(select(Location)).scalars()}
    assert any("Maiden" in n for n in names) and any("Gobustan" in n for n in names)
