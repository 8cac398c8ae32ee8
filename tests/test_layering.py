"""The architecture is enforced, not hoped for: import-linter contracts in pyproject.toml must hold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_are_kept() -> None:
    # The lint-imports installed with this interpreter (not whatever PATH finds first: pyenv shims, another venv).
    exe = Path(sys.executable).parent / "lint-imports"
    assert exe.exists(), f"lint-imports is not installed next to {sys.executable}: install the dev extras"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "broken" not in proc.stdout.lower().split("contracts:")[-1].replace("0 broken", "")


def test_the_cli_loads_the_fix_layer_only_when_it_builds_fixes() -> None:
    """libcst costs 0.2 s to import: a scan whose saved report is reused, or whose output carries no fixes, and every
    other command's start-up must not pay it."""
    code = "import sys, ssot_audit.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'libcst'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
