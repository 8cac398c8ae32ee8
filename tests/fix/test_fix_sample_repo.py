"""End to end: ``fix --write`` on a copy of sample_repo removes the await and import findings (SSOT401, SSOT201, the
broken import SSOT203), adds none, and the copy's own tests (the await paths run with plain asyncio, the module with
the broken import) fail before and pass after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.cli import main
from ssot_audit.config import load_config

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"
TARGETED = ("SSOT201", "SSOT203", "SSOT401")


def _app_tests(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_await_paths.py"],
                          cwd=root, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def test_fix_write_on_sample_repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "sample_repo"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    before = api.scan(root, config=load_config(root), jobs=1).findings
    assert {f.code for f in before} >= set(TARGETED)
    failing = _app_tests(root)
    assert failing.returncode == 1 and "4 failed" in failing.stdout, failing.stdout

    assert main(["fix", str(root), "--write", "--allow-dirty", "--no-cache", "-j", "1"]) == 0
    assert "left untouched" not in capsys.readouterr().err

    after = api.scan(root, config=load_config(root), jobs=1).findings
    # left: the import of an alias that nothing defines any more (no module to point it at)
    assert [(f.code, f.location.path, f.location.line) for f in after if f.code in TARGETED] == [
        ("SSOT203", "tests/test_unified_alias.py", 7)]
    new = Counter(f.fingerprint for f in after) - Counter(f.fingerprint for f in before)
    assert not new, [f for f in after if f.fingerprint in new]
    passing = _app_tests(root)
    assert passing.returncode == 0 and "4 passed" in passing.stdout, passing.stdout + passing.stderr

    assert main(["fix", str(root), "--no-cache", "-j", "1", "-q"]) == 0  # a fixed point: nothing left to change
    assert capsys.readouterr().out == ""
