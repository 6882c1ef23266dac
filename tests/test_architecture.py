"""The rules of the code's shape that a linter does not check.

* The process is data: no review-kind or organisation-kind literal in
  ``permits/`` or the templates outside the labels and the demo data; the
  code asks the process definition (``workflows/``) instead.
* No module imports another module's ``_private`` names.

(The direction of imports between layers is import-linter's job: see
``[tool.importlinter]`` in pyproject.toml, run by ``make test``.)
"""

from __future__ import annotations

import ast
import importlib.util
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


# ----------------------------------------------------------------------------- private names

FIRST_PARTY = ("permits", "workflows")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(module: str | None, level: int, path: Path, root: Path) -> str:
    if not level:
        return module or ""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    if path.name != "__init__.py" or level > 1:
        package = package[: len(package) - (level - 1)]
    return ".".join((*package, module) if module else package)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``path:line: what`` for each private name of another module it imports or reads."""
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(root).as_posix()
    own = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    modules: set[str] = set()  # local names bound to one of our modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FIRST_PARTY:
                    modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, path, root)
            if source.split(".")[0] not in FIRST_PARTY or source == own:
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{where}:{node.lineno}: from {source} import {alias.name}")
                elif _is_module(f"{source}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        reads_private = isinstance(node, ast.Attribute) and _private(node.attr)
        if reads_private and isinstance(node.value, ast.Name) and node.value.id in modules:
            found.append(f"{where}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = []
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            found.extend(private_imports(path))
    assert not found, "A _private name is private to its module; make it public or move the code:\n  " + "\n  ".join(found)


def test_the_private_names_check_sees_both_ways_in(tmp_path):
    module = tmp_path / "permits" / "services" / "example.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from permits.services.workflow import _hidden, advance\n"
        "from permits.services import workflow\n"
        "from ._own import _also_private\n"
        "workflow._secret(advance)\n"
    )
    assert private_imports(module, tmp_path) == [
        "permits/services/example.py:1: from permits.services.workflow import _hidden",
        "permits/services/example.py:3: from permits.services._own import _also_private",
        "permits/services/example.py:4: workflow._secret",
    ]
