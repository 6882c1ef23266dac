"""The browser journey once more, through the API alone (issue 18): a
producer's program files an application, each reviewer's program finds its
review in its queue and decides it, the permit's PDF is downloaded and the
permit is verified from the QR code printed on it - every step a call to
/api/v1 with a token, as partners would make it.

Two steps are not API calls because no partner makes them: the finance
officer records the bank transfer (services.payments, as the bank statement
import does) and the worker renders the PDF (the task body, as Celery runs it).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from permits.extensions import db as database
from permits.models import Application, Permit
from tests.api.conftest import make_token
from tests.api.test_producer_writes import _file_through_the_api, future
from tests.permits_issue.helpers import qr_urls, render_pending
from tests.services.scenario import pay_in_full


def _decide_every_open_review(api, world, application_id: int) -> list[str]:
    """Each reviewer of the world takes the reviews in their queue that belong to this application."""
    decided = []
    reviewers = [world.ministry_reviewer, world.tourism_reviewer, world.owner_a_reviewer, world.owner_b_reviewer,
                 *(reviewer for _organisation, reviewer in world.agencies.values())]
    for reviewer in reviewers:
        client = api(make_token(reviewer, scopes=("read", "write")))
        queue = client.get("/api/v1/reviews?queue=open&limit=100")
        assert queue.status_code == 200, queue.get_data(as_text=True)
        for item in queue.get_json()["items"]:
            review = client.get(f"/api/v1/reviews/{item['id']}")
            body = review.get_json()
            if body["application"]["id"] != application_id or "approve" not in body["actions"]:
                continue
            answer = client.post(f"/api/v1/reviews/{item['id']}/decisions", json={"action": "approve"},
                                 headers={"If-Match": review.headers["ETag"]})
            assert answer.status_code == 200, answer.get_data(as_text=True)
            decided.append(body["kind"]["code"])
    return decided


def test_file_review_and_verify_through_the_api_alone(app, world, api):
    producer = api(make_token(world.producer, scopes=("read", "write")))
    application_id = _file_through_the_api(world, producer, future(45))

    kinds: list[str] = []
    for _stage in range(4):  # screening, the parallel reviews, the final decision (and nothing after)
        kinds += _decide_every_open_review(api, world, application_id)
        state = producer.get(f"/api/v1/applications/{application_id}").get_json()["state"]["code"]
        if state not in ("submitted", "in_review", "final_review"):
            break
    assert kinds[0] == "ministry_screening" and kinds[-1] == "ministry_final"
    assert "site_owner" in kinds
    assert state == "awaiting_payment", state

    # The bank transfer arrives (not a partner's call), and the worker renders the permit.
    database.session.rollback()
    application = database.session.get(Application, application_id)
    pay_in_full(world, application)
    permit = database.session.query(Permit).filter_by(application_id=application_id).one()
    render_pending(permit)

    status = producer.get(f"/api/v1/applications/{application_id}").get_json()
    assert status["state"]["code"] == "approved" and status["permit_number"] == permit.number
    pdf = producer.get(f"/api/v1/applications/{application_id}/permit.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"

    # Anyone (the police's phone) reads the QR code and asks the API, without a token.
    [url] = [u for u in qr_urls(pdf.data) if "/verify/" in u]
    token = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    verified = api().get(f"/api/v1/permits/verify/{token}")
    assert verified.status_code == 200, verified.get_data(as_text=True)
    body = verified.get_json()
    assert body["number"] == permit.number and body["status"] == "valid"
    assert body["title"] == "The Silk Road" and [s["site"] for s in body["sites"]] == [world.site_a.slug]
    assert "ana@example.test" not in verified.get_data(as_text=True)  # the contact stays private
