"""axe-core really runs under our Content-Security-Policy and reports what it should."""

import pytest

from tests.a11y.conftest import TAGS

pytestmark = pytest.mark.browser


def test_axe_runs_under_the_csp_and_finds_a_planted_violation(live_server, page):
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(f"{live_server}/auth/login")
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    version = page.evaluate(axe.axe_script + "; axe.version")
    assert version.startswith("4.")
    clean = axe.run(page, options=options).response
    assert clean["testEngine"]["name"] == "axe-core"
    # Plant two violations: an image without alternative text and an unlabelled input.
    page.evaluate("""() => {
        const main = document.querySelector('main');
        const img = document.createElement('img'); img.src = '/static/img/logo.svg'; main.appendChild(img);
        const input = document.createElement('input'); input.type = 'text'; main.appendChild(input);
    }""")
    found = {v["id"]: v["impact"] for v in axe.run(page, options=options).response["violations"]}
    assert found.get("image-alt") == "critical"
    assert found.get("label") == "critical"
