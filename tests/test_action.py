"""The reusable GitHub Action (``action.yml``): its YAML shape, and its scripts run the way a runner runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import write_project

ROOT = Path(__file__).resolve().parent.parent
yaml = pytest.importorskip("yaml")


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


AWAIT_ON_SYNC = {
    "app/__init__.py": "",
    "app/core.py": "def load():\n    return 1\n",
    "app/api.py": "from app.core import load\n\n\nasync def handler():\n    return await load()\n",  # SSOT401
}


def _step(action: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_action_with_declared_inputs(action: dict[str, Any]) -> None:
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert [s["name"] for s in steps] == ["Set up Python", "Install ssot-audit", "Scan", "Step summary", "Upload SARIF"]
    for step in steps:
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"  # composite steps must name their shell
            assert "${{" not in step["run"], "inputs reach scripts through env, never pasted into the script"
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(action["inputs"]), "every input is used, every used input is declared"
    for name, spec in action["inputs"].items():
        assert spec.get("description") and "default" in spec, name
    assert _step(action, "Upload SARIF")["uses"].startswith("github/codeql-action/upload-sarif@")
    for name in ("Step summary", "Upload SARIF"):
        assert "always()" in _step(action, name)["if"], f"{name} must run when the scan fails the job"


def _run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # GitHub runs composite bash steps as `bash --noprofile --norc -eo pipefail {0}`.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_scan_and_summary_steps_run_as_a_runner_runs_them(action: dict[str, Any], tmp_path: Path) -> None:
    project = write_project(tmp_path / "repo", AWAIT_ON_SYNC)
    out, output_file, summary_file = tmp_path / "runner-temp", tmp_path / "gh-output", tmp_path / "gh-summary"
    out.mkdir()
    env = {"SSOT_PATH": str(project), "SSOT_BASELINE": "", "SSOT_FAIL_ON": "error", "SSOT_ARGS": "--select SSOT4 --isolated",
           "SSOT_OUT": str(out), "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary_file)}  # fmt: skip
    scan = _run(_step(action, "Scan")["run"], env)
    assert scan.returncode == 1, scan.stderr  # the await on a plain def is an error: the job fails
    assert scan.stdout.startswith("::error file=app/api.py,line=5,"), scan.stdout
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines())
    assert outputs == {"sarif-file": str(out / "ssot-audit.sarif"), "exit-code": "1"}
    sarif = json.loads((out / "ssot-audit.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SSOT401"]
    summary = _run(_step(action, "Step summary")["run"], env)
    assert summary.returncode == 0, summary.stderr
    assert summary_file.read_text().startswith("## ssot-audit: 1 finding")


def test_scan_step_gates_only_new_findings_with_a_baseline(action: dict[str, Any], tmp_path: Path) -> None:
    project = write_project(tmp_path / "repo", AWAIT_ON_SYNC)
    baseline = tmp_path / "b.json"
    subprocess.run(["ssot-audit", "scan", str(project), "--isolated", "-q", "--write-baseline", str(baseline)], check=True,
                   capture_output=True)  # fmt: skip
    env = {"SSOT_PATH": str(project), "SSOT_BASELINE": str(baseline), "SSOT_FAIL_ON": "warning",
           "SSOT_ARGS": "--isolated", "SSOT_OUT": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "o")}  # fmt: skip
    scan = _run(_step(action, "Scan")["run"], env)
    assert (scan.returncode, scan.stdout) == (0, ""), scan.stderr
    assert "exit-code=0" in (tmp_path / "o").read_text().splitlines()
