"""The documentation page in a real Chromium: Swagger UI draws every
operation of the document under the site's CSP, with no violation and no
script error, and fetches nothing from another origin."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_documentation_page_draws_the_operations_under_the_csp(db, live_server, page, shoot):
    violations, errors, foreign = [], [], []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: foreign.append(request.url) if not request.url.startswith(live_server) else None)
    page.goto(f"{live_server}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/sites" in " ".join(summaries) and len(summaries) >= 13
    shoot(page, "docs")
    assert violations == [], violations
    assert errors == [], errors
    assert [url for url in foreign if not url.startswith("data:")] == []
