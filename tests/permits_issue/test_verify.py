"""The public verification page: by QR token or by number and code."""

import re
import secrets

from permits.services import workflow
from tests.permits_issue.helpers import CONDITION, approved, render_pending
from tests.services.scenario import MONDAY, build_world


def _main(html: bytes) -> str:
    text = html.decode()
    return text[text.index("<main"):text.index("</main>")]


def test_valid_permit_by_token_shows_production_sites_conditions_and_no_personal_data(db, client):
    world = build_world()
    application, permit = approved(world)
    application.contact_name, application.contact_email, application.contact_phone = "Jeanne Dupont", "jeanne@lumiere.test", "+33 1 23 45 67"
    db.session.commit()
    render_pending(permit)
    response = client.get(f"/verify/{permit.verification_token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = _main(response.data)
    assert "Valid permit" in page and permit.number in page
    assert "The Silk Road" in page and "Lumière SAS" in page
    assert "Maiden Tower" in page and "Yanar Dag" in page
    assert CONDITION in page
    assert permit.versions[0].sha256 in page
    for private in ("Jeanne", "jeanne@", "+33", "producer@example.test", world.ministry_reviewer.name, world.producer.name):
        assert private not in page


def test_number_and_code_lookup_finds_the_permit_case_insensitively(db, client):
    world = build_world()
    _application, permit = approved(world)
    response = client.get("/verify/", query_string={"number": permit.number.lower(), "code": permit.short_code.lower()})
    assert response.status_code == 200
    assert permit.number in _main(response.data)
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_number_and_wrong_code_get_the_same_not_found(db, client):
    world = build_world()
    _application, permit = approved(world)
    wrong_code = client.get("/verify/", query_string={"number": permit.number, "code": "ZZZZZZZZ"})
    unknown = client.get("/verify/", query_string={"number": "AZP-2027-999999", "code": "ZZZZZZZZ"})
    no_code = client.get("/verify/", query_string={"number": permit.number, "code": ""})
    bad_token = client.get("/verify/" + secrets.token_urlsafe(24))
    assert wrong_code.status_code == unknown.status_code == no_code.status_code == bad_token.status_code == 404
    assert _main(wrong_code.data) == _main(unknown.data) == _main(no_code.data) == _main(bad_token.data)
    assert "No permit found" in _main(unknown.data)
    assert permit.number not in _main(wrong_code.data)


def test_revoked_permit_shows_revoked_at_once(db, client):
    world = build_world()
    application, permit = approved(world)
    workflow.revoke(application, world.ministry_supervisor, "Unsafe pyrotechnics on site", now=MONDAY)
    db.session.commit()
    page = _main(client.get(f"/verify/{permit.verification_token}").data)
    assert "Revoked" in page and "has been revoked" in page
    assert "Valid permit" not in page
    assert "Unsafe pyrotechnics" not in page  # the reason may name people; the public sees the status


def test_expired_permit_shows_expired(db, client):
    world = build_world()
    application, permit = approved(world)
    workflow.expire(application, now=MONDAY)
    db.session.commit()
    page = _main(client.get(f"/verify/{permit.verification_token}").data)
    assert "has expired" in page and "Valid permit" not in page


def test_a_thousand_random_tokens_find_nothing_and_are_rate_limited(db, client):
    world = build_world()
    _application, permit = approved(world)
    statuses = []
    for _ in range(1000):
        token = secrets.token_urlsafe(24)
        assert token != permit.verification_token
        statuses.append(client.get(f"/verify/{token}").status_code)
    assert set(statuses) == {404, 429}
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429 and statuses.count(404) == 30
    # The limit is shared with the number lookup.
    assert client.get("/verify/", query_string={"number": permit.number, "code": permit.short_code}).status_code == 429


def test_the_token_is_at_least_128_bits(db):
    world = build_world()
    _application, permit = approved(world)
    assert len(permit.verification_token) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", permit.verification_token)
