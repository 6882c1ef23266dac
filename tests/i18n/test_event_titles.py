"""Every entry the timelines can show has a title in the three languages:
"Escalate" was shown raw in all three. The actions come from the process
definitions (every transition of every registered version) and from the
code that records audit events beside them (found by reading it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from permits.labels import EVENT_TITLES, event_title
from workflows import get_definition, registered_versions

ROOT = Path(__file__).resolve().parents[2]
RECORDERS = {"record_event": "action", "audit": 1, "move": 1, "move_review": 1, "record_step": 1}


def _constants(node) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    return set()


def recorded_actions() -> dict[str, str]:
    """action -> where it comes from."""
    found: dict[str, str] = {}
    for version in registered_versions():
        definition = get_definition(version)
        for transition in (*definition.application_transitions, *definition.review_transitions):
            found.setdefault(transition.action, f"process definition version {version}")
    for path in (ROOT / "permits").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            where = RECORDERS.get(getattr(node.func, "attr", getattr(node.func, "id", "")))
            if where == "action":
                values = [kw.value for kw in node.keywords if kw.arg == "action"]
            elif isinstance(where, int) and len(node.args) > where:
                values = [node.args[where]]
            else:
                continue
            for value in values:
                for action in _constants(value):
                    found.setdefault(action, str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_actions_recorded_outside_the_definitions():
    actions = recorded_actions()
    assert {"escalate", "flagged_late", "invoice_issued", "waiver_granted", "waiver_refused", "message_producer",
            "open", "assign", "submit", "settle"} <= set(actions)


def test_every_action_the_timeline_can_show_has_a_title():
    missing = {action: where for action, where in recorded_actions().items() if action not in EVENT_TITLES}
    assert not missing, f"add these to permits.labels.EVENT_TITLES: {missing}"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_title_is_translated(language):
    with open(ROOT / "permits" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=language)
    untranslated = [str(title._args[0]) for title in EVENT_TITLES.values()
                    if not (entry := catalogue.get(str(title._args[0]))) or not entry.string]
    assert not untranslated, f"{language}: {untranslated}"


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_no_title_is_a_raw_code_in_any_language(app, language):
    """Each title is a label of ours (not the code made readable, "Escalate"),
    and in az and ru it is not the English one."""
    with app.test_request_context(headers={"Accept-Language": language}):
        for action in recorded_actions():
            title = event_title(action)
            assert action in EVENT_TITLES and "_" not in title and title != action.capitalize(), (language, action, title)
            if language != "en":
                assert title != str(EVENT_TITLES[action]._args[0]), (language, action, "untranslated")
