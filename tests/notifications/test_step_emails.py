"""Every e-mail says which step of the process happened and what comes next,
from the stage of the review's kind in the process definition: after
screening only, the producer read "Ministry ... has decided on your
application: approved" as if it were the permit, and the commission's
screening and final-review e-mails had one subject. Site owners hear when
the permit for their site is issued."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from permits.extensions import db
from permits.models import OutboxMessage, Permit
from permits.notifications import queue_email
from permits.notifications.delivery import build_email
from permits.notifications.events import BY_STAGE
from tests.factories import OrganisationFactory, UserFactory
from tests.notifications.test_emails import CONTEXT
from tests.services.scenario import approve_all, build_world, open_reviews, submitted


def _render(event: str, language: str, context: dict):
    organisation = OrganisationFactory(name_en="Film Commission", name_az="Film Komissiyası", name_ru="Кинокомиссия")
    user = UserFactory(language=language)
    message = queue_email(event, user, {**CONTEXT, "organisation_id": organisation.id, **context},
                          key=f"t:{event}:{context}:{language}")
    email = build_email(message)
    return email["Subject"], email.get_body(preferencelist=("plain",)).get_content()


def _context(key: tuple) -> dict:
    decision = {"approved": "approve", "refused": "reject"}.get(key[2]) if len(key) > 2 else None
    return {"stage": key[1], **({"decision_code": decision} if decision else {})}


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_each_step_has_its_own_subject_and_says_what_comes_next(db, language):
    subjects = {}
    for key in BY_STAGE:
        subject, text = _render(key[0], language, _context(key))
        assert "%(" not in subject and "%(" not in text
        assert "AZF-2027-000042" in subject
        subjects[key] = subject
    # No two steps share a subject (the screening and the final decision did).
    assert len(set(subjects.values())) == len(subjects), subjects


def test_the_english_wording_names_the_step(db):
    subject, text = _render("review_decided", "en", {"stage": "screening", "decision_code": "approve"})
    assert subject == "Screening passed: application AZF-2027-000042"
    assert "has decided" not in text and "now with the site owners and agencies" in text
    subject, text = _render("review_decided", "en", {"stage": "parallel", "decision_code": "approve_with_conditions"})
    assert subject == "Site owner's review approved: application AZF-2027-000042"
    assert "This is not the permit yet" in text and "Conditions: A museum guide must be present" in text
    subject, text = _render("review_decided", "en", {"stage": "final", "decision_code": "approve"})
    assert subject == "Final decision on application AZF-2027-000042: approved"
    assert "the permit is issued" in text
    subject, _text = _render("review_opened", "en", {"stage": "screening", "review_kind": "ministry_screening"})
    assert subject == "Screening needed: application AZF-2027-000042"
    subject, _text = _render("review_opened", "en", {"stage": "final", "review_kind": "ministry_final"})
    assert subject == "Final decision needed: application AZF-2027-000042"
    # A message queued before the stages existed keeps the generic wording.
    subject, _text = _render("review_decided", "en", {"decision_code": "approve"})
    assert "has decided on application" in subject


def _emails(template: str, to=None) -> list:
    query = select(OutboxMessage).where(OutboxMessage.template == template)
    if to is not None:
        query = query.where(OutboxMessage.recipient_user_id == to.id)
    return [build_email(m) for m in db.session.execute(query.order_by(OutboxMessage.id)).scalars()]


def test_through_the_process_every_email_names_its_step_and_owners_hear_of_the_permit(app, db):
    world = build_world()
    for user in (world.producer, world.ministry_reviewer, world.owner_a_reviewer, world.owner_b_reviewer):
        user.language = "en"
    application = submitted(world)
    opened = _emails("review_opened", world.ministry_reviewer)
    assert [e["Subject"] for e in opened] == [f"Screening needed: application {application.display_reference}"]
    approve_all(world, application, "ministry_screening")
    decided = _emails("review_decided", world.producer)
    assert [e["Subject"] for e in decided] == [f"Screening passed: application {application.display_reference}"]
    for review in open_reviews(application):
        if review.kind != "site_owner":
            approve_all(world, application, review.kind)
    approve_all(world, application, "site_owner")
    final = _emails("review_opened", world.ministry_reviewer)[-1]
    assert final["Subject"] == f"Final decision needed: application {application.display_reference}"
    assert not _emails("permit_issued_to_site_owner")
    approve_all(world, application, "ministry_final")
    db.session.refresh(application)
    assert application.state == "approved"
    # Each owner hears of its own site, in its language, linked to its review.
    to_a = _emails("permit_issued_to_site_owner", world.owner_a_reviewer)
    to_b = _emails("permit_issued_to_site_owner", world.owner_b_reviewer)
    assert len(to_a) == 1 and len(to_b) == 1
    text_a = to_a[0].get_body(preferencelist=("plain",)).get_content()
    assert to_a[0]["Subject"] == f"Permit issued for filming at your site: {application.display_reference}"
    number = db.session.execute(select(Permit.number).where(Permit.application_id == application.id)).scalar_one()
    assert number in text_a and "Maiden Tower (7 Jun 2027 – 9 Jun 2027)" in text_a
    assert "Yanar Dag" not in text_a
    assert "/review/tasks/" in text_a
    assert "Yanar Dag" in to_b[0].get_body(preferencelist=("plain",)).get_content()
    assert not _emails("permit_issued_to_site_owner", world.producer)
