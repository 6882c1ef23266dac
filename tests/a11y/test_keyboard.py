"""Keyboard only: sign in, open an application, answer a section form (with
an error first) and submit it, pressing only Tab, Shift+Tab, Enter and Space
(and typing into the fields). Every element that takes the focus must be
visible and look focused. And every error summary link moves the focus to
its field."""

from __future__ import annotations

import pytest

from tests.a11y.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# The computed style of the focused element (of its label's box for GOV.UK's
# hidden radio and checkbox inputs), then of the same element without focus.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const custom = (el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length;
  const box = custom ? el.labels[0] : el;
  const pseudo = custom ? '::before' : null;
  const props = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor', 'color',
                 'textDecorationLine', 'textDecorationThickness', 'borderTopColor', 'borderTopWidth'];
  const snap = () => { const cs = getComputedStyle(box, pseudo); return props.map(p => p + '=' + cs[p]).join('; '); };
  const focused = snap();
  const rect = box.getBoundingClientRect();
  const style = getComputedStyle(box);
  const visible = rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden' && style.opacity !== '0'
    && rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth;
  el.blur();
  const unfocused = snap();
  el.focus({preventScroll: true});
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '', href: el.getAttribute('href') || '',
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    visible, focused, unfocused, stillFocused: document.activeElement === el,
  };
}"""


class Keyboard:
    """Presses keys and checks, after each Tab, that the focus is visible."""

    def __init__(self, page):
        self.page = page
        self.seen: list[str] = []

    def focus_state(self) -> dict | None:
        return self.page.evaluate(FOCUS_STATE)

    def press(self, key: str, *, navigates: bool = False) -> dict | None:
        assert key in {"Tab", "Shift+Tab", "Enter", "Space"}, key
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)
        if key in {"Tab", "Shift+Tab"}:
            state = self.focus_state()
            assert state is not None, "the focus left the page"
            label = f"{state['tag']}#{state['id']} {state['text']!r} {state['href']}"
            self.seen.append(label)
            assert state["visible"], f"the focused element is not visible: {label}"
            assert state["focused"] != state["unfocused"], f"no visible focus style on {label}: {state['focused']}"
            return state
        self.page.wait_for_load_state()
        return None

    def tab_to(self, predicate, *, limit: int = 60, backwards: bool = False) -> dict:
        for _ in range(limit):
            state = self.press("Shift+Tab" if backwards else "Tab")
            if predicate(state):
                return state
        raise AssertionError("never reached the element; focus went through:\n  " + "\n  ".join(self.seen[-limit:]))

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def test_a_producer_completes_a_section_with_the_keyboard_alone(demo, live_server, page, shoot):
    base = live_server
    keys = Keyboard(page)
    page.goto(f"{base}/auth/login")

    # The skip link comes first and is visible when focused.
    first = keys.press("Tab")
    assert first["href"] == "#main-content", first
    keys.tab_to(lambda s: s["id"] == "email")
    keys.type(demo["draft_producer"])
    keys.tab_to(lambda s: s["id"] == "password")
    keys.type(DEMO_PASSWORD)
    shoot(page, "01-login")
    keys.press("Enter", navigates=True)
    assert page.url.rstrip("/").endswith("/applications"), page.url

    # Open the draft from the list of applications.
    draft = f"/applications/{demo['draft']}"
    keys.tab_to(lambda s: s["href"] == draft)
    shoot(page, "02-focus-on-the-application")
    keys.press("Enter", navigates=True)
    assert page.url.endswith(draft)

    # The crew section: empty the number, say it is complete, save: an error.
    keys.tab_to(lambda s: s["href"].endswith(f"{draft}/crew"))
    keys.press("Enter", navigates=True)
    crew = keys.tab_to(lambda s: s["id"] == "crew_total")
    for _ in range(len(page.locator("#crew_total").input_value())):
        page.keyboard.press("Backspace")
    keys.tab_to(lambda s: s["type"] == "radio")
    if not page.locator("#completed").is_checked():
        # The group's first radio is "Yes"; Space selects it.
        assert keys.focus_state()["id"] == "completed"
        keys.press("Space")
    assert page.locator("#completed").is_checked()
    keys.tab_to(lambda s: s["tag"] == "button" and "Save and continue" in s["text"])
    keys.tab_to(lambda s: s["type"] == "radio", backwards=True)  # Shift+Tab goes back...
    keys.tab_to(lambda s: s["tag"] == "button" and "Save and continue" in s["text"])  # ...and Tab forward again
    keys.press("Enter", navigates=True)
    assert page.locator(".govuk-error-summary").is_visible()
    # GOV.UK's error summary takes the focus when the page loads...
    assert page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null")
    shoot(page, "03-error-summary-focused")
    # ...and its link moves the focus to the field.
    link = keys.tab_to(lambda s: s["href"] == "#crew_total", limit=5)
    assert link
    keys.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "crew_total"
    shoot(page, "04-focus-on-the-field")
    keys.type("30")
    keys.tab_to(lambda s: s["tag"] == "button" and "Save and continue" in s["text"])
    keys.press("Enter", navigates=True)
    assert page.locator(".govuk-error-summary").count() == 0, page.locator("main").inner_text()
    assert page.url.endswith(draft)
    status = page.locator("#crew-status").inner_text()
    assert "Completed" in status, status
    shoot(page, "05-section-completed")
    assert crew["visible"]
    print(f"\n{len(keys.seen)} focus stops checked: every one visible with a focus style")


def test_error_summary_links_move_the_focus_to_their_fields(demo, live_server, page):
    """On each error page of the producer's sections, every link of the error
    summary focuses the field it names (a form control with that id)."""
    base = live_server
    from tests.a11y.conftest import sign_in

    sign_in(page, base, demo["draft_producer"])
    page.goto(f"{base}/applications/")
    page.get_by_role("button", name="Start a new application").click()
    page.wait_for_load_state()
    fresh = page.url
    checked = []
    for section in ("contacts", "production", "sites", "crew", "documents", "declaration"):
        page.goto(f"{fresh}/{section}")
        form = page.locator("main form[method=post]").last
        for box in form.locator("input[type=text], input[type=email], input[type=tel], input[type=number], textarea").all():
            if box.is_visible():
                box.fill("")
        yes = page.get_by_label("Yes, I have completed this section")
        if yes.count():
            yes.check()
        form.locator("button[type=submit]").last.click()
        page.wait_for_load_state()
        links = page.locator(".govuk-error-summary__list a")
        for index in range(links.count()):
            href = links.nth(index).get_attribute("href")
            links.nth(index).click()
            focused = page.evaluate(
                "() => ({id: document.activeElement.id, tag: document.activeElement.tagName.toLowerCase()})"
            )
            assert focused["id"] == href.lstrip("#"), f"{section}: {href} focused {focused}"
            assert focused["tag"] in {"input", "select", "textarea"}, f"{section}: {href} focused {focused}"
            checked.append(f"{section}{href}")
    assert len(checked) >= 4, checked
    print("\nerror summary links checked:", ", ".join(checked))
