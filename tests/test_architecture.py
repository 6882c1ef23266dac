"""The rules of the code's shape that a linter does not check.

* The process is data: no review-kind or organisation-kind literal in
  ``permits/`` or the templates outside the labels and the demo data; the
  code asks the process definition (``workflows/``) instead.

(The direction of imports between layers is import-linter's job: see
``[tool.importlinter]`` in pyproject.toml, run by ``make test``.)
"""

from __future__ import annotations

import ast
import re
import tokenize
from pathlib import Path

from permits import labels
from workflows import get_definition, registered_versions

ROOT = Path(__file__).resolve().parents[1]
# Where kinds may be spelled out: their translated names and the demo data
# (the migrations live outside permits/ and are not scanned).
KIND_LITERALS_ALLOWED = ("permits/labels.py", "permits/demo/")


def kind_codes() -> frozenset[str]:
    """Every review kind and organisation kind the product knows."""
    codes = set(labels.REVIEW_KINDS) | set(labels.ORGANISATION_KINDS)
    for version in registered_versions():
        definition = get_definition(version)
        codes.add(definition.commission_org_kind)
        for kind in definition.review_kinds:
            codes.update((kind.code, kind.org_kind))
    return frozenset(codes)


def _python_literals(path: Path):
    with path.open("rb") as handle:
        tokens = list(tokenize.tokenize(handle.readline))
    for token in tokens:
        if token.type != tokenize.STRING:
            continue
        try:
            value = ast.literal_eval(token.string)
        except (ValueError, SyntaxError):  # an f-string: look at its text
            value = token.string
        if isinstance(value, str):
            yield token.start[0], value


_QUOTED = re.compile(r"""(["'])([a-z_]+)\1""")


def _template_literals(path: Path):
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for match in _QUOTED.finditer(line):
            yield number, match.group(2)


def kind_literals(root: Path = ROOT) -> list[str]:
    """``path:line: 'code'`` for every kind spelled out where it must not be."""
    codes = kind_codes()
    found = []
    files = [(p, _python_literals) for p in sorted((root / "permits").rglob("*.py"))]
    files += [(p, _template_literals) for p in sorted((root / "templates").rglob("*.html"))]
    for path, literals in files:
        relative = path.relative_to(root).as_posix()
        if relative.startswith(KIND_LITERALS_ALLOWED):
            continue
        found.extend(f"{relative}:{line}: {value!r}" for line, value in literals(path) if value in codes)
    return found


def test_no_review_or_organisation_kind_is_spelled_out_in_the_code():
    found = kind_literals()
    assert not found, (
        f"{len(found)} review or organisation kinds are spelled out in the code; ask the process definition "
        "(workflows/definition.py: ReviewKind, commission_org_kind) instead:\n  " + "\n  ".join(found)
    )


def test_the_scan_sees_a_kind_literal(tmp_path):
    """The scan is not vacuous: a kind spelled out in a view or a template is found."""
    (tmp_path / "permits" / "portal").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "permits" / "portal" / "views.py").write_text('if review.kind == "site_owner":\n    pass\n')
    (tmp_path / "permits" / "labels.py").write_text('NAMES = {"site_owner": "Site owner"}\n')
    (tmp_path / "templates" / "page.html").write_text("{% if organisation.kind == 'ministry' %}x{% endif %}\n")
    assert kind_literals(tmp_path) == ["permits/portal/views.py:1: 'site_owner'", "templates/page.html:1: 'ministry'"]
