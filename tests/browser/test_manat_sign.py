"""The manat sign (₼) of Azerbaijani amounts is drawn from the vendored
one-glyph font (permits/static/fonts), not as an empty box, even where no
system font has it."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser_fixtures import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app):
    from permits.extensions import db
    from tests.factories import LocationFactory

    with app.app_context():
        location = LocationFactory(slug="manat", fee_per_day=Decimal("1234.50"), name_az="Qız qalası")
        db.session.commit()
        slug = location.slug
        db.session.remove()
    return slug


def test_an_azerbaijani_fee_draws_the_manat_sign_from_the_vendored_font(site, live_server, browser):
    context = browser.new_context(viewport={"width": 900, "height": 700}, locale="az-AZ",
                                  extra_http_headers={"Accept-Language": "az"})
    page = context.new_page()
    fonts = []
    page.on("response", lambda response: fonts.append(response) if "/static/fonts/" in response.url else None)
    page.goto(f"{live_server}/sites/{site}")
    assert "1.234,50 ₼" in page.inner_text("main").replace("\xa0", " ")
    page.evaluate("document.fonts.ready")
    faces = page.evaluate(
        "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Manat Sign')"
        ".map(f => [f.weight, f.status, f.unicodeRange])"
    )
    # The face whose weight the fee is written in has loaded (CSP font-src 'self' lets it),
    # and it covers the sign alone.
    assert ["400", "loaded", "U+20BC"] in faces, faces
    assert page.evaluate("document.fonts.check('16px \"Manat Sign\"', '₼')")
    assert fonts and all(r.status == 200 for r in fonts), [(r.url, r.status) for r in fonts]
    # The sign is as wide as a glyph, not a zero-width or .notdef box of the fallback.
    width = page.evaluate(
        "(() => { const s = document.createElement('span'); s.style.fontFamily = '\"Manat Sign\"';"
        " s.style.fontSize = '100px'; s.textContent = '₼'; document.body.append(s);"
        " const w = s.getBoundingClientRect().width; s.remove(); return w; })()"
    )
    assert 40 < width < 90, width
    fee = page.get_by_text("₼").first
    fee.scroll_into_view_if_needed()
    folder = Path(os.environ.get("SHOTS_DIR", ARTIFACTS / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "manat-sign-az.png"))
    context.close()
