"""A view's own security header wins over the global defaults: the public
verification page sends no referrer, so a permit's token in its address never
reaches another site's logs."""

import pytest

from tests.permits_issue.helpers import approved
from tests.services.scenario import build_world


def test_every_verification_answer_sends_no_referrer(db, client):
    _application, permit = approved(build_world())
    pages = {
        "the form": client.get("/verify/"),
        "a permit by token": client.get(f"/verify/{permit.verification_token}"),
        "a permit by number and code": client.get("/verify/", query_string={"number": permit.number, "code": permit.short_code}),
        "an unknown token": client.get("/verify/not-a-permit-token"),
        "a wrong code": client.get("/verify/", query_string={"number": permit.number, "code": "WRONG123"}),
    }
    assert {name: r.status_code for name, r in pages.items()} == {
        "the form": 200, "a permit by token": 200, "a permit by number and code": 200, "an unknown token": 404, "a wrong code": 404,
    }
    for name, response in pages.items():
        assert response.headers.getlist("Referrer-Policy") == ["no-referrer"], name


@pytest.mark.parametrize("path", ["/", "/auth/login", "/sites/", "/no-such-page"])
def test_other_pages_keep_the_default_policy(client, path):
    assert client.get(path).headers.getlist("Referrer-Policy") == ["strict-origin-when-cross-origin"]
