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
