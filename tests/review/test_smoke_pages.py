"""Every dashboard page renders for the roles that may see it."""

from permits.extensions import db
from tests.review.conftest import make_application, make_review
from tests.services.scenario import approve_all, open_reviews, submitted


def test_pages_render_for_a_site_owner_and_the_ministry(world, signed_in, client):
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    [owner_review] = [r for r in open_reviews(application) if r.organisation_id == world.owner_a.id]
    signed_in(world.owner_a_supervisor)
    for url in ("/review/", "/review/?queue=decided", f"/review/tasks/{owner_review.id}", "/review/sites",
                f"/review/sites/{world.site_a.slug}/calendar", f"/review/tasks/{owner_review.id}/decide/approve_with_conditions",
                f"/review/tasks/{owner_review.id}/decide/reject", f"/review/tasks/{owner_review.id}/decide/request_information"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.data.decode()[:3000])
    client.post("/auth/logout")


def test_ministry_pages_render(world, signed_in, client):
    application = submitted(world)
    other = make_application(world, title="=HYPERLINK(evil)")
    make_review(other, world.owner_b, state="approved")
    db.session.commit()
    signed_in(world.ministry_supervisor)
    [screening] = open_reviews(application)
    for url in ("/review/", "/review/escalations", "/review/applications", f"/review/applications/{application.id}",
                f"/review/tasks/{screening.id}", "/review/statistics", "/review/statistics/applications-by-month.csv",
                "/scorecard/"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.data.decode()[:3000])
