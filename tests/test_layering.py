"""The architecture is enforced, not hoped for: import-linter contracts in pyproject.toml must hold."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partial
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


def test_a_scan_of_few_files_in_a_repository_without_ignore_rules_imports_no_pool_nor_pathspec(tmp_path: Path) -> None:
    """The process pool's modules (20 ms to import) wait for a scan that parses many files, pathspec (27 ms) for an
    ignore rule to compile: a pre-commit hook after an edit needs neither. ``git init``'s ``.git/info/exclude``
    holds comments alone; with a pattern in it, pathspec is imported and the file is ignored."""
    root = tmp_path / "repo"
    (root / ".git" / "info").mkdir(parents=True)
    exclude = root / ".git" / "info" / "exclude"
    exclude.write_text("# git ls-files --others --exclude-from=.git/info/exclude\n#   *.[oa]\n\n", encoding="utf-8")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "mod.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (root / "pkg" / "skipped.py").write_text("def g(:\n", encoding="utf-8")  # a parse failure unless ignored
    code = ("import sys, ssot_audit.cli\n"
            f"status = ssot_audit.cli.main(['scan', {str(root)!r}, '--no-cache', '--format', 'json', '-o', "
            f"{str(tmp_path / 'out.json')!r}, '--exit-zero'])\n"
            "loaded = {m.split('.')[0] for m in sys.modules}\n"
            "print(status, sorted(loaded & {'pathspec', 'multiprocessing', 'concurrent'}))")  # fmt: skip
    run = partial(subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run().stdout.split("\n")[-2] == "0 []"
    assert "pkg/skipped.py" in (tmp_path / "out.json").read_text(encoding="utf-8")
    exclude.write_text("skipped.py\n", encoding="utf-8")
    assert run().stdout.split("\n")[-2] == "0 ['pathspec']"
    assert "pkg/skipped.py" not in (tmp_path / "out.json").read_text(encoding="utf-8")
