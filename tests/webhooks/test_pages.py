"""The webhook pages: who manages which endpoints, the secret shown once,
events, switching off, rotating, deleting, the deliveries and a re-send."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from permits.extensions import db as database
from permits.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from permits.services import webhooks
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, post_form
from tests.services.scenario import build_world, submitted
from tests.webhooks.conftest import deliveries, endpoint_for

SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def world(db):
    return build_world()


def signed_in(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def create(client, url="https://hooks.example.com/permits", events=webhooks.EVENT_NAMES, owner=None, **extra):
    page = client.get("/webhooks/new")
    owner = owner or re.search(r'<option[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/webhooks/new", data={"csrf_token": csrf_token(page.data), "owner": owner, "url": url,
                                                  "events": list(events), "description": "Our ERP", **extra})
    database.session.rollback()  # the test's next read sees what the request committed
    return response


def test_a_company_administrator_adds_an_endpoint_and_sees_its_secret_once(app, world):
    client = signed_in(app, world.producer)
    assert client.get("/account/").status_code == 200
    assert "/webhooks/" in client.get("/account/").get_data(as_text=True)
    response = create(client, events=[webhooks.PERMIT_ISSUED, webhooks.PERMIT_REVOKED])
    assert response.status_code == 200
    shown = SECRET.findall(response.get_data(as_text=True))
    endpoint = database.session.execute(select(WebhookEndpoint)).scalar_one()
    assert shown == [endpoint.secret]
    assert endpoint.company_id == world.producer.company.id and endpoint.organisation_id is None
    assert endpoint.events == [webhooks.PERMIT_ISSUED, webhooks.PERMIT_REVOKED]
    assert endpoint.created_by_id == world.producer.id
    assert response.headers["Cache-Control"] == "no-store"
    # Never again: not on the list, not on the endpoint's page.
    for url in ("/webhooks/", f"/webhooks/{endpoint.id}"):
        page = client.get(url)
        assert page.status_code == 200
        assert endpoint.secret not in page.get_data(as_text=True)
        assert "https://hooks.example.com/permits" in page.get_data(as_text=True)


@pytest.mark.parametrize("url, message", [
    ("http://hooks.example.com/x", "must start with https://"),
    ("https://10.0.0.1/x", "public internet"),
    ("https://127.0.0.1/x", "public internet"),
    ("https://user:pw@example.com/x", "full address"),
    ("not a url", "https://"),
])
def test_an_address_that_is_not_public_https_is_refused_on_the_form(app, world, url, message):
    client = signed_in(app, world.producer)
    response = create(client, url=url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert database.session.scalar(select(func.count(WebhookEndpoint.id))) == 0


def test_at_least_one_event_and_at_most_ten_endpoints(app, world):
    client = signed_in(app, world.producer)
    response = create(client, events=[])
    assert response.status_code == 400 and "Choose at least one event." in response.get_data(as_text=True)
    response = create(client, events=["permit.issued", "not.an.event"])
    assert response.status_code == 200
    assert database.session.execute(select(WebhookEndpoint.events)).scalar_one() == ["permit.issued"]
    for n in range(webhooks.MAX_ENDPOINTS_PER_OWNER - 1):
        assert create(client, url=f"https://hooks.example.com/{n}").status_code == 200
    response = create(client, url="https://hooks.example.com/eleventh")
    assert response.status_code == 400
    assert "the most allowed" in response.get_data(as_text=True)
    assert database.session.scalar(select(func.count(WebhookEndpoint.id))) == webhooks.MAX_ENDPOINTS_PER_OWNER


def test_who_manages_what(app, world):
    database.session.add(world.producer)
    colleague = UserFactory(email="colleague@example.test")
    from permits.models import CompanyMembership

    database.session.add(CompanyMembership(user_id=colleague.id, company_id=world.producer.company.id, role="producer"))
    database.session.commit()
    mine = endpoint_for(url="https://hooks.example.com/mine", company=world.producer.company)
    theirs = endpoint_for(url="https://hooks.example.com/theirs", company=world.other_producer.company)
    owner_a = endpoint_for(url="https://hooks.example.com/owner-a", organisation=world.owner_a)

    # A producer who is not the company's administrator, and a reviewer: no webhook pages.
    for user in (colleague, world.owner_a_reviewer, world.ministry_reviewer):
        client = signed_in(app, user)
        assert client.get("/webhooks/").status_code == 403
        assert client.get("/webhooks/new").status_code == 403
        assert client.get(f"/webhooks/{mine.id}").status_code == 404

    # Another company's endpoint is not found, whatever is asked of it.
    client = signed_in(app, world.producer)
    page = client.get("/webhooks/").get_data(as_text=True)
    assert "/mine" in page and "/theirs" not in page and "/owner-a" not in page
    token = csrf_token(client.get("/webhooks/").data)
    for endpoint in (theirs, owner_a):
        assert client.get(f"/webhooks/{endpoint.id}").status_code == 404
        assert client.get(f"/webhooks/{endpoint.id}/delete").status_code == 404
        for action in ("edit", "rotate", "delete"):
            assert client.post(f"/webhooks/{endpoint.id}/{action}", data={"csrf_token": token}).status_code == 404
    # A delivery of another endpoint, through mine: 404.
    database.session.rollback()
    other_delivery = WebhookDelivery(endpoint_id=owner_a.id, event=webhooks.REVIEW_DECIDED, idempotency_key="k",
                                     payload={}, status=WebhookStatus.DEAD)
    database.session.add(other_delivery)
    database.session.commit()
    url = f"/webhooks/{mine.id}/deliveries/{other_delivery.id}/resend"
    assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert client.post(f"/webhooks/{owner_a.id}/deliveries/{other_delivery.id}/resend",
                       data={"csrf_token": token}).status_code == 404
    database.session.rollback()
    assert database.session.get(WebhookDelivery, other_delivery.id).status == WebhookStatus.DEAD

    # The organisation's supervisor manages its endpoints, and a producer's form cannot take them.
    supervisor = signed_in(app, world.owner_a_supervisor)
    assert supervisor.get(f"/webhooks/{owner_a.id}").status_code == 200
    assert supervisor.get(f"/webhooks/{mine.id}").status_code == 404
    response = create(client, owner=f"organisation:{world.owner_a.id}")
    assert response.status_code == 400 and "Choose whose endpoint this is." in response.get_data(as_text=True)
    assert {e.url for e in database.session.execute(select(WebhookEndpoint)).scalars()} == {
        "https://hooks.example.com/mine", "https://hooks.example.com/theirs", "https://hooks.example.com/owner-a"}


def test_change_switch_off_rotate_and_delete(app, world):
    endpoint = endpoint_for(url="https://hooks.example.com/x", company=world.producer.company)
    old_secret = endpoint.secret
    client = signed_in(app, world.producer)
    page = f"/webhooks/{endpoint.id}"

    response = post_form(client, f"{page}/edit", {"description": "Renamed", "events": [webhooks.REVIEW_DECIDED]},
                         page_url=page)
    assert response.status_code == 302
    database.session.rollback()
    endpoint = database.session.get(WebhookEndpoint, endpoint.id)
    assert (endpoint.description, endpoint.events, endpoint.active) == ("Renamed", [webhooks.REVIEW_DECIDED], False)
    response = post_form(client, f"{page}/edit", {"events": []}, page_url=page)
    assert response.status_code == 400 and "Choose at least one event." in response.get_data(as_text=True)

    response = post_form(client, f"{page}/rotate", {}, page_url=page)
    assert response.status_code == 200
    database.session.rollback()
    endpoint = database.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.secret != old_secret
    assert SECRET.findall(response.get_data(as_text=True)) == [endpoint.secret]
    assert endpoint.secret_rotated_at is not None

    assert client.get(f"{page}/delete").status_code == 200
    assert client.post(f"{page}/delete", data={}).status_code == 400  # no CSRF token
    response = post_form(client, f"{page}/delete", {}, page_url=f"{page}/delete")
    assert response.status_code == 302
    database.session.rollback()
    assert database.session.scalar(select(func.count(WebhookEndpoint.id))) == 0


def test_the_deliveries_show_with_their_answers_and_one_can_be_sent_again(app, world):
    endpoint = endpoint_for(url="https://hooks.example.com/x", company=world.producer.company)
    submitted(world, sites=[world.site_a])
    [delivery] = deliveries(endpoint.id)
    delivery.status, delivery.attempts = WebhookStatus.DEAD, 10
    delivery.response_status, delivery.response_body = 500, "<b>boom</b>"
    database.session.commit()
    client = signed_in(app, world.producer)
    page = client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "HTTP 500" in page and "&lt;b&gt;boom&lt;/b&gt;" in page and "<b>boom</b>" not in page
    assert "application.state_changed" in page and "Gave up" in page

    url = f"/webhooks/{endpoint.id}/deliveries/{delivery.id}/resend"
    response = post_form(client, url, {}, page_url=f"/webhooks/{endpoint.id}")
    assert response.status_code == 302
    database.session.rollback()
    delivery = database.session.get(WebhookDelivery, delivery.id)
    assert delivery.status == WebhookStatus.PENDING
    # Already on its way: said, nothing changes.
    response = post_form(client, url, {}, page_url=f"/webhooks/{endpoint.id}")
    assert response.status_code == 302
    assert "already on its way" in client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert len(deliveries(endpoint.id)) == 1


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_the_pages_in_each_language(app, world, language):
    endpoint = endpoint_for(url="https://hooks.example.com/x", company=world.producer.company)
    client = signed_in(app, world.producer)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    for url in ("/webhooks/", "/webhooks/new", f"/webhooks/{endpoint.id}", f"/webhooks/{endpoint.id}/delete"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.get_data(as_text=True)
