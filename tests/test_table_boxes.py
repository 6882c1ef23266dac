"""Every table of the web pages sits in a box that scrolls sideways by itself
(permits/templating.py, ``table_box``), so that a wide table never makes the
page scroll on a phone. The browser test (tests/browser/test_layout.py)
measures the pages; this one keeps a new template from forgetting the box."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from permits.templating import table_box

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_table_of_the_pages_is_in_a_scrolling_box():
    unboxed = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "emails":  # e-mail clients lay out e-mails by their own rules
            continue
        text = path.read_text(encoding="utf-8")
        # Each <table> opens right after a {% call table_box(...) %} line.
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            if not re.search(r"\{%-?\s*call table_box\(.*\)\s*-?%\}$", before):
                line = text.count("\n", 0, match.start()) + 1
                unboxed.append(f"{path.relative_to(TEMPLATES)}:{line}")
    assert not unboxed, "wrap these tables in {% call table_box(label) %}…{% endcall %}: " + ", ".join(unboxed)


def test_the_box_is_a_labelled_focusable_region_and_escapes_its_label():
    html = table_box('Fees & "taxes"', caller=lambda: Markup("<table></table>"))
    assert html == ('<div class="app-table-box" role="region" aria-label="Fees &amp; &#34;taxes&#34;" tabindex="0">'
                    "<table></table></div>")
