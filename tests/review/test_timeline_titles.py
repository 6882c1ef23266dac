"""The staff timeline of /review/tasks/<id> names every entry in the reader's
language: an escalation showed "Escalate" in all three."""

from __future__ import annotations

import pytest

from permits.extensions import db
from permits.services.audit import record_event
from tests.review.conftest import make_application, make_review


@pytest.mark.parametrize(("language", "title"), [
    ("en", "Overdue: the supervisors were alerted"),
    ("ru", None),
    ("az", None),
])
def test_an_escalation_is_named_in_the_readers_language(app, world, signed_in, language, title):
    application = make_application(world)
    review = make_review(application, world.ministry, kind="ministry_screening", state="in_review")
    record_event(application, actor=None, actor_role="system", subject="deadline", action="escalate",
                 from_state=review.state, to_state=review.state, review=review, payload={})
    db.session.commit()
    world.ministry_reviewer.language = language
    db.session.commit()
    client = signed_in(world.ministry_reviewer)
    html = client.get(f"/review/tasks/{review.id}").get_data(as_text=True)
    assert "Escalate<" not in html and ">Escalate" not in html
    with app.test_request_context(headers={"Accept-Language": language}):
        from flask_babel import gettext

        expected = gettext("Overdue: the supervisors were alerted")
    if title:
        assert expected == title
    else:
        assert expected != "Overdue: the supervisors were alerted", "translated in the catalogue"
    assert expected in html
