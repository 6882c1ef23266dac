"""Who may see and do what on the dashboard: 404 for what one may not see,
403 for what one sees but may not do; producers never get in."""

import re

import pytest

from permits.extensions import db
from permits.models import ReviewTask
from permits.services import PermissionDenied, workflow
from tests.helpers import csrf_token
from tests.services.scenario import MONDAY, approve_all, open_reviews, submitted

SAMPLE = {"int": "1", "default": "x", "string": "x", "path": "x"}


def _concrete(rule) -> str:
    def fill(match):
        converter = match.group(1) or "default"
        name = match.group(2)
        if name == "action":
            return "approve"
        return SAMPLE.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)


def _review_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/review")]


def _parallel(world):
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    reviews = open_reviews(application)
    by_org = {r.organisation_id: r for r in reviews}
    return application, by_org


def test_producers_get_403_on_every_dashboard_url(app, world, signed_in, client):
    signed_in(world.producer)
    rules = _review_rules(app)
    assert len(rules) >= 15
    token = csrf_token(client.get("/account/").data) if client.get("/account/").status_code == 200 else ""
    for rule in rules:
        url = _concrete(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 403, (method, url, response.status_code)


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for rule in _review_rules(app):
        if "GET" in rule.methods:
            response = client.get(_concrete(rule))
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], rule.rule


def test_a_site_owner_never_sees_another_owners_review(world, signed_in, client):
    _, by_org = _parallel(world)
    review_a = by_org[world.owner_a.id]
    signed_in(world.owner_b_reviewer)
    assert client.get(f"/review/tasks/{review_a.id}").status_code == 404
    assert client.get(f"/review/tasks/{review_a.id}/decide/approve").status_code == 404
    page = client.get("/review/")
    assert f"/review/tasks/{review_a.id}" not in page.get_data(as_text=True)
    response = client.post(
        f"/review/tasks/{review_a.id}/decide/approve",
        data={"csrf_token": csrf_token(page.data), "version": review_a.version, "confirm": "yes"},
    )
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.get(ReviewTask, review_a.id).state == "pending"
    # Nor its site's calendar.
    assert client.get(f"/review/sites/{world.site_a.slug}/calendar").status_code == 404


def test_the_queue_of_a_site_owner_lists_only_its_own_reviews(world, signed_in, client):
    _, by_org = _parallel(world)
    signed_in(world.owner_b_reviewer)
    html = client.get("/review/?queue=open").get_data(as_text=True)
    assert f"/review/tasks/{by_org[world.owner_b.id].id}" in html
    assert f"/review/tasks/{by_org[world.owner_a.id].id}" not in html
    assert f"/review/tasks/{by_org[world.tourism.id].id}" not in html


def test_the_ministry_sees_a_site_owner_review_but_cannot_decide_it(world, signed_in, client):
    _, by_org = _parallel(world)
    review_a = by_org[world.owner_a.id]
    signed_in(world.ministry_supervisor)
    page = client.get(f"/review/tasks/{review_a.id}")
    assert page.status_code == 200
    assert "You can read it but not act on it" in page.get_data(as_text=True)
    assert client.get(f"/review/tasks/{review_a.id}/decide/approve").status_code == 403
    response = client.post(
        f"/review/tasks/{review_a.id}/decide/approve",
        data={"csrf_token": csrf_token(page.data), "version": review_a.version, "confirm": "yes"},
    )
    assert response.status_code == 403
    response = client.post(f"/review/tasks/{review_a.id}/claim", data={"csrf_token": csrf_token(page.data), "version": review_a.version})
    assert response.status_code == 403


def test_tourism_cannot_decide_a_site_owner_review(world, signed_in, client):
    _, by_org = _parallel(world)
    review_a = by_org[world.owner_a.id]
    signed_in(world.tourism_reviewer)
    page = client.get("/review/")
    assert client.get(f"/review/tasks/{review_a.id}").status_code == 404
    response = client.post(
        f"/review/tasks/{review_a.id}/decide/reject",
        data={"csrf_token": csrf_token(page.data), "version": review_a.version, "reason": "No", "confirm": "yes"},
    )
    assert response.status_code == 404
    # The service refuses too, whatever the view does.
    with pytest.raises(PermissionDenied):
        workflow.decide(review_a, world.tourism_reviewer, "approve", now=MONDAY)
    db.session.rollback()


def test_a_reviewer_without_the_supervisor_role_cannot_reassign(world, signed_in, client):
    _, by_org = _parallel(world)
    review_a = by_org[world.owner_a.id]
    signed_in(world.owner_a_reviewer)
    page = client.get(f"/review/tasks/{review_a.id}")
    assert page.status_code == 200
    assert f'action="/review/tasks/{review_a.id}/assign"' not in page.get_data(as_text=True)
    response = client.post(
        f"/review/tasks/{review_a.id}/assign",
        data={"csrf_token": csrf_token(page.data), "version": review_a.version, "assignee": world.owner_a_reviewer.id, "confirm": "yes"},
    )
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(ReviewTask, review_a.id).assignee_id is None


def test_ministry_pages_are_closed_to_other_reviewers(world, signed_in, client):
    signed_in(world.owner_a_supervisor)
    for url in ("/review/applications", "/review/applications/1", "/review/statistics", "/review/statistics/most-requested-sites.csv", "/review/escalations"):
        assert client.get(url).status_code == 403, url


def test_reviewers_cannot_change_site_settings(world, signed_in, client):
    signed_in(world.owner_a_reviewer)
    page = client.get(f"/review/sites/{world.site_a.slug}/calendar")
    assert page.status_code == 200
    assert "Save rules and limits" not in page.get_data(as_text=True)
    response = client.post(
        f"/review/sites/{world.site_a.slug}/settings",
        data={"csrf_token": csrf_token(page.data), "fee_per_day": "1", "max_crew": "5"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/review/sites/{world.site_a.slug}/blackouts",
        data={"csrf_token": csrf_token(page.data), "start_date": "2027-01-01", "end_date": "2027-01-02"},
    )
    assert response.status_code == 403


def test_documents_only_through_an_application_one_may_see(world, signed_in, client, app):
    import io

    from permits.models import ApplicationDocument, Document
    from permits.storage import storage
    from tests.factories import OrganisationFactory, StaffFactory

    stranger = StaffFactory(organisation=OrganisationFactory(), email="stranger@example.test")
    application, _ = _parallel(world)
    key = storage().save(io.BytesIO(b"%PDF-1.4 insurance"))
    document = Document(company_id=application.company_id, kind="insurance", original_filename="insurance.pdf",
                        content_type="application/pdf", size=18, sha256="0" * 64, storage_key=key)
    db.session.add(document)
    db.session.flush()
    db.session.add(ApplicationDocument(application_id=application.id, document_id=document.id))
    db.session.commit()
    signed_in(world.owner_a_reviewer)
    url = f"/review/applications/{application.id}/documents/{document.id}"
    inline = client.get(url + "?inline=1")
    assert inline.status_code == 200 and inline.data.startswith(b"%PDF")
    assert inline.headers["Content-Disposition"].startswith("inline")
    download = client.get(url)
    assert download.headers["Content-Disposition"].startswith("attachment")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/review/").data)})
    # A reviewer of an organisation without a review of this application.
    signed_in(stranger)
    assert client.get(url).status_code == 404
