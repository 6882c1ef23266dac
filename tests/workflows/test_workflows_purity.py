"""workflows/ imports only the standard library, holidays and zoneinfo."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import workflows

ALLOWED_THIRD_PARTY = {"holidays"}
FORBIDDEN = {"flask", "sqlalchemy", "celery", "permits", "flask_sqlalchemy", "kombu"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_workflows_imports_only_the_standard_library_and_holidays():
    package = Path(workflows.__file__).parent
    files = sorted(package.rglob("*.py"))
    assert files
    for path in files:
        for name in _imports(path):
            assert name not in FORBIDDEN, f"{path.name} imports {name}"
            assert name in sys.stdlib_module_names or name in ALLOWED_THIRD_PARTY or name == "workflows", (
                f"{path.name} imports {name}"
            )


def test_public_api_is_exported():
    for name in workflows.__all__:
        assert hasattr(workflows, name), name
    assert workflows.__doc__ and "ministry" in workflows.__doc__
