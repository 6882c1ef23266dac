"""Accessibility checks: axe-core (bundled by axe-playwright-python) run in
Debian's Chromium on the demo data, for WCAG 2.2 A and AA.

Every audited page adds its violations to one report, printed at the end of
the run and written to test-artifacts/a11y-report.txt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from permits.demo.data import DEMO_PASSWORD
from tests.browser_fixtures import ARTIFACTS

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


@dataclass
class PageResult:
    test: str
    name: str
    url: str
    violations: list[dict] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, int]]:
        return [(v["id"], v.get("impact") or "-", len(v["nodes"])) for v in self.violations]

    def blocking(self) -> list[dict]:
        return [v for v in self.violations if v.get("impact") in BLOCKING]


RESULTS: list[PageResult] = []


def format_report(results: list[PageResult]) -> str:
    lines = [
        "Accessibility report: axe-core, tags " + ", ".join(TAGS),
        f"{len(results)} page states audited; "
        f"{sum(len(r.blocking()) for r in results)} serious or critical violations.",
        "",
        f"{'page':<48} {'rule':<32} {'impact':<10} {'nodes':>5}",
        "-" * 98,
    ]
    for result in results:
        rows = result.rows()
        if not rows:
            lines.append(f"{result.name:<48} {'(none)':<32} {'':<10} {'':>5}")
        for rule, impact, count in rows:
            lines.append(f"{result.name:<48} {rule:<32} {impact:<10} {count:>5}")
    return "\n".join(lines) + "\n"


REPORT = ARTIFACTS / "a11y-report.txt"
PARTS = ARTIFACTS / "a11y"  # one JSON file per test, so that pytest-xdist workers can share the report


def _save_part(test_name: str, results: list[PageResult]) -> None:
    PARTS.mkdir(parents=True, exist_ok=True)
    data = [{"test": r.test, "name": r.name, "url": r.url, "violations": [
        {"id": v["id"], "impact": v.get("impact"), "help": v.get("help", ""), "nodes": [{"target": n.get("target")} for n in v["nodes"]]}
        for v in r.violations]} for r in results]
    (PARTS / f"{test_name}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def _all_parts() -> list[PageResult]:
    results = []
    for part in sorted(PARTS.glob("*.json")):
        for item in json.loads(part.read_text(encoding="utf-8")):
            results.append(PageResult(item["test"], item["name"], item["url"], item["violations"]))
    return results


def pytest_sessionfinish(session):
    """Write the whole report (every audited page of this and earlier tests,
    whichever worker ran them); the last process to finish writes it all."""
    if RESULTS:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(format_report(_all_parts()), encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.write_sep("-", "accessibility (axe-core)")
    terminalreporter.write(format_report(RESULTS))
    terminalreporter.write_line(f"the whole report: {REPORT}")


class Auditor:
    """Runs axe on the page as it is now and remembers what it found."""

    def __init__(self, test_name: str, shoot):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.test_name = test_name
        self.shoot = shoot
        self.results: list[PageResult] = []

    def __call__(self, page, name: str) -> PageResult:
        page.wait_for_load_state()
        response = self.axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
        violations = response.response["violations"]
        result = PageResult(self.test_name, name, page.url, violations)
        self.results.append(result)
        RESULTS.append(result)
        self.shoot(page, name.replace("/", "_").replace(" ", "_"))
        return result

    def assert_clean(self) -> None:
        problems = []
        for result in self.results:
            for violation in result.blocking():
                targets = [", ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                           for node in violation["nodes"][:5]]
                problems.append(f"{result.name} ({result.url}): {violation['id']} [{violation['impact']}] "
                                f"{violation['help']} -> {targets}")
        _save_part(self.test_name, self.results)
        print("\n" + format_report(self.results))
        assert not problems, "serious or critical accessibility violations:\n  " + "\n  ".join(problems)


@pytest.fixture
def audit(request, shoot):
    return Auditor(request.node.name, shoot)


@pytest.fixture
def demo(app):
    """The demo data (sites, organisations, people, applications in every state)."""
    from sqlalchemy import select

    from permits.demo.seed import seed_demo
    from permits.extensions import db
    from permits.models import Application, Permit, ReviewTask, User

    with app.app_context():
        seed_demo()
        # The auditors read English; the pages' structure is the same in every language.
        for user in db.session.execute(select(User)).scalars():
            user.language = "en"
        db.session.commit()

        def application(title: str) -> Application:
            return db.session.execute(select(Application).where(Application.title == title)).scalar_one()

        info = application("Stones That Speak")
        asked = next(r for r in info.reviews if r.state == "info_requested")
        screening = application("The Silk Caravan")
        final = application("The Maiden's Tower")
        approved = application("Lands of Fire")
        permit = db.session.execute(select(Permit).where(Permit.application_id == approved.id)).scalar_one()
        draft = application("Caspian Lights")
        refused = application("Shusha Dawn")
        data = {
            "draft": draft.id,
            "draft_producer": draft.company.memberships[0].user.email,
            "info": info.id,
            "info_producer": info.company.memberships[0].user.email,
            "asked_review": asked.id,
            "asked_owner": asked.organisation.memberships[0].user.email,
            "screening_review": next(r.id for r in screening.reviews if r.kind == "ministry_screening"),
            "final_review": next(r.id for r in final.reviews if r.kind == "ministry_final"),
            "refused_final": next(r.id for r in refused.reviews if r.kind == "ministry_final" and r.is_open),
            "approved": approved.id,
            "approved_producer": approved.company.memberships[0].user.email,
            "permit": permit.id,
            "token": permit.verification_token,
            "ministry": "ministry.reviewer1@demo.filmpermit.test",
            "owner": "icherisheher.reviewer@demo.filmpermit.test",
            "owner_site": "maiden-tower",
            "admin": "admin@demo.filmpermit.test",
        }
        assert db.session.get(ReviewTask, data["screening_review"]).is_open
        db.session.remove()
    return data


def sign_in(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, page.locator("main").inner_text()
