"""Every event renders as an HTML and a text e-mail in the recipient's
language, with a link to the exact page and a stable Message-ID."""

import pytest

from permits.models import OutboxMessage
from permits.notifications import queue_email
from permits.notifications.delivery import build_email
from permits.notifications.events import EVENTS
from tests.factories import OrganisationFactory, UserFactory

CONTEXT = {
    "application_id": 42,
    "reference": "AZF-2027-000042",
    "title": "The Silk Road",
    "company": "Lumière SAS",
    "review_id": 7,
    "review_kind": "site_owner",
    "due_iso": "2027-04-21T06:00:00+00:00",
    "body": "Please send the insurance certificate.",
    "decision_code": "approve_with_conditions",
    "details": "A museum guide must be present",
    "reason": "The site is closed for restoration.",
    "number": "AZP-2027-000042",
    "until": "2027-06-09",
    "path": "/applications/42",
    "recipient_name": "Leyla",
}
GREETING = {"az": "Salam", "en": "Hello", "ru": "Здравствуйте"}


@pytest.mark.parametrize("language", ["az", "en", "ru"])
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_renders_both_parts_in_the_language_with_the_link(db, event, language):
    organisation = OrganisationFactory(name_en="Icherisheher Reserve", name_az="İçərişəhər Qoruğu", name_ru="Заповедник Ичеришехер")
    user = UserFactory(language=language, email=f"{event}-{language}@example.test")
    message = queue_email(event, user, {**CONTEXT, "organisation_id": organisation.id}, key=f"t:{event}")
    assert message.language == language
    email = build_email(message)
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    assert "http://localhost/applications/42" in text
    assert 'href="http://localhost/applications/42"' in html
    assert "AZF-2027-000042" in email["Subject"] or "AZP-2027-000042" in email["Subject"]
    assert email["Content-Language"] == language
    assert f'lang="{language}"' in html
    assert "%(" not in text and "%(" not in html and "%(" not in email["Subject"]
    if event == "review_opened":
        name = {"az": "İçərişəhər Qoruğu", "en": "Icherisheher Reserve", "ru": "Заповедник Ичеришехер"}[language]
        assert name in text
    if event == "application_rejected":
        assert "closed for restoration" in text
    if event == "application_approved":
        assert "AZP-2027-000042" in text
    assert email["Message-ID"] == message.message_id


def test_the_message_id_is_stable_and_the_key_idempotent(db):
    user = UserFactory()
    first = queue_email("application_received", user, CONTEXT, key="received:1")
    again = queue_email("application_received", user, CONTEXT, key="received:1")
    assert again.id == first.id
    assert db.session.query(OutboxMessage).count() == 1
    assert build_email(first)["Message-ID"] == build_email(again)["Message-ID"] == first.message_id


def test_a_line_whose_value_is_missing_is_left_out(db):
    user = UserFactory(language="en")
    context = {**CONTEXT, "reason": ""}
    email = build_email(queue_email("application_rejected", user, context, key="rejected:1"))
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Reason:" not in text


@pytest.mark.parametrize(
    ("language", "due", "organisation"),
    [
        ("az", "21 apr 2027, 10:00", "İçərişəhər Qoruğu"),
        ("en", "21 Apr 2027, 10:00", "Icherisheher Reserve"),
        ("ru", "21 апр. 2027, 10:00", "Заповедник Ичеришехер"),
    ],
)
def test_dates_and_names_in_an_e_mail_are_in_the_recipients_language(db, language, due, organisation):
    """Due times in Baku time, written by permits.formats; names in the recipient's language."""
    owner = OrganisationFactory(name_en="Icherisheher Reserve", name_az="İçərişəhər Qoruğu", name_ru="Заповедник Ичеришехер")
    user = UserFactory(language=language, email=f"due-{language}@example.test")
    message = queue_email("review_opened", user, {**CONTEXT, "organisation_id": owner.id}, key="due")
    text = build_email(message).get_body(preferencelist=("plain",)).get_content()
    assert due in text and organisation in text
    assert "2027-04-21" not in text
