"""Make the repository root importable when tests/workflows runs on its own.

This directory deliberately has no ``__init__.py``: a package
``tests/workflows`` would be importable as ``workflows`` (shadowing the real
package) whenever ``tests/`` itself is on ``sys.path``.  Test modules here
therefore carry unique ``test_workflows_*`` names.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
