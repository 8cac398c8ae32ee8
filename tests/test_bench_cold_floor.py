"""benchmarks/bench_cold_floor.py: each per-file row runs the work it names, and the scan rows' phase split still
finds the tool's phases (it wraps ``project.analyze_files`` and ``api._scan_tree``'s ``finish`` from outside: a
renamed function or a moved argument must fail here, not print a wrong table)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_cold_floor import VARIANTS, left_for_extraction

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_cold_floor.py"


def _tree(tmp_path: Path) -> Path:
    """A project with an awaited sync function (SSOT401, fixable) and a file that does not parse."""
    (tmp_path / "app").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "a.py").write_text("def f():\n    return 1\n\n\nasync def g():\n    return await f()\n",
                                           encoding="utf-8")  # fmt: skip
    (tmp_path / "app" / "bad.py").write_text("def broken(:\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_scan_phases_are_found(tmp_path: Path, fmt: str) -> None:
    tree, phases = _tree(tmp_path / "tree"), tmp_path / "phases.json"
    subprocess.run([sys.executable, str(SCRIPT), str(tree), "--jobs", "1", "--scan", fmt, str(phases), "-"],
                   check=True, capture_output=True)  # fmt: skip
    split = json.loads(phases.read_text(encoding="utf-8"))
    assert set(split) == {"per-file", "whole-program", "fixes", "rest"}
    assert split["per-file"] > 0 and split["whole-program"] > 0 and split["rest"] > 0
    assert (split["fixes"] > 0) == (fmt == "json")  # only the JSON output carries fixes


@pytest.mark.parametrize("variant", VARIANTS)
def test_per_file_rows_run_their_work(tmp_path: Path, variant: str) -> None:
    listing = "\0".join(str(p) for p in sorted(_tree(tmp_path).rglob("*.py")))
    done = subprocess.run([sys.executable, str(SCRIPT), "--variant", variant, "--jobs", "2"], input=listing.encode(),
                          capture_output=True)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()


def test_what_is_left_for_extraction() -> None:
    assert left_for_extraction(10.0, 13.0, 2.5) == pytest.approx(0.5)  # 16 - 13 - 2.5
    assert left_for_extraction(10.0, 13.0, 2.5, target=2.0) == pytest.approx(4.5)
