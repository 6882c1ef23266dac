"""An organisation lists and removes its own saved texts, never another's."""

from permits.models import SavedText
from tests.factories import PASSWORD
from tests.helpers import login, post_form
from tests.services.scenario import build_world


def test_saved_texts_are_listed_and_removed_by_their_organisation(client, db):
    world = build_world()
    mine = SavedText(organisation_id=world.owner_a.id, kind="condition", text="A museum guide must be present.")
    theirs = SavedText(organisation_id=world.owner_b.id, kind="reason", text="Closed for restoration.")
    db.session.add_all([mine, theirs])
    db.session.commit()
    mine_id, theirs_id = mine.id, theirs.id
    login(client, "a@example.test", PASSWORD)
    page = client.get("/review/saved-texts").get_data(as_text=True)
    assert "A museum guide must be present." in page and "Closed for restoration." not in page
    response = post_form(client, f"/review/saved-texts/{mine_id}/delete", {"next": "/review/saved-texts"},
                         page_url="/review/saved-texts")
    assert response.status_code == 302 and response.headers["Location"].endswith("/review/saved-texts")
    db.session.rollback()
    assert db.session.get(SavedText, mine_id) is None
    refused = post_form(client, f"/review/saved-texts/{theirs_id}/delete", {}, page_url="/review/saved-texts")
    assert refused.status_code in (403, 404)
    db.session.rollback()
    assert db.session.get(SavedText, theirs_id) is not None
