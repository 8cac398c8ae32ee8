"""The command line: exit codes, the rules table, several outputs at once, deterministic JSON, ``-m`` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_audit import __version__, api
from ssot_audit.cli import main
from ssot_audit.rules import ALL_RULES

from tests.helpers import write_project

WARNING_ONLY = {
    "app/__init__.py": "",
    "app/a.py": "import app.b\n",
    "app/b.py": "import app.a\n",
}
WITH_ERROR = {
    **WARNING_ONLY,
    "app/m.py": "def get_manager():\n    return 1\n",
    "app/use.py": "from app.m import get_manager\n\nasync def h():\n    await get_manager()\n",
}
CLEAN = {"app/__init__.py": "", "app/m.py": "def f():\n    return 1\n"}


@pytest.mark.parametrize(
    ("files", "args", "expected"),
    [
        (CLEAN, [], 0),
        (WARNING_ONLY, [], 1),
        (WARNING_ONLY, ["--fail-on", "error"], 0),
        (WARNING_ONLY, ["--fail-on", "note"], 1),
        (WITH_ERROR, ["--fail-on", "error"], 1),
        (WITH_ERROR, ["--fail-on", "never"], 0),
        (WITH_ERROR, ["--exit-zero"], 0),
        (WITH_ERROR, ["--ignore", "SSOT2,SSOT4"], 0),
        (WITH_ERROR, ["--fail-on", "sometimes"], 2),
        (WITH_ERROR, ["--select", "SSOT7"], 2),
    ],
)
def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], args: list[str],
                    expected: int) -> None:  # fmt: skip
    write_project(tmp_path, files)
    assert main(["scan", str(tmp_path), "--isolated", "-q", *args]) == expected


@pytest.mark.parametrize(("files", "args"), [(CLEAN, []), (WARNING_ONLY, []), (WARNING_ONLY, ["--fail-on", "error"]),
                                             (WITH_ERROR, ["--fail-on", "error"]), (WITH_ERROR, ["--exit-zero"])])  # fmt: skip
def test_a_scan_that_changed_nothing_reports_and_gates_without_loading_the_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str],
        args: list[str]) -> None:  # fmt: skip
    root = write_project(tmp_path / "proj", files)
    argv = ["scan", str(root), "--isolated", "-q", "--cache-dir", str(tmp_path / "cache"), *args]
    first = main([*argv, "--format", "json", "-o", str(tmp_path / "first.json")])

    def unloadable(self: object) -> object:
        raise AssertionError("the saved result was loaded")

    monkeypatch.setattr(api.Scanned, "result", property(unloadable))
    assert main([*argv, "--format", "json", "-o", str(tmp_path / "again.json")]) == first
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "first.json").read_bytes()


def test_nonexistent_path_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope"
    assert main(["scan", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ssot-audit: error:") and str(missing) in err
    assert main(["graph", str(missing)]) == 2


def test_rules_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "fix", "summary"]
    assert [line.split()[0] for line in lines[1:]] == [r.info.code for r in ALL_RULES]
    assert {line.split()[0]: line.split()[3] for line in lines[1:]} == {r.info.code: r.info.fix for r in ALL_RULES}
    assert {"SSOT101", "SSOT102", "SSOT103", "SSOT104", "SSOT201", "SSOT202", "SSOT301", "SSOT302", "SSOT401",
            "SSOT402", "SSOT900"} <= {line.split()[0] for line in lines[1:]}  # fmt: skip


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == [r.info.code for r in ALL_RULES]
    assert next(r for r in rows if r["code"] == "SSOT202")["options"] == ["include-function-local"]


@pytest.mark.parametrize("wanted", ["SSOT401", "ssot401", "await-on-sync-callable"])
def test_rules_code_prints_the_documentation(capsys: pytest.CaptureFixture[str], wanted: str) -> None:
    assert main(["rules", wanted]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SSOT401 await-on-sync-callable (default severity: error; fix: safe)\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Options"):
        assert section in out


def test_every_rule_doc_has_the_fixed_sections() -> None:
    for rule in ALL_RULES:
        positions = [rule.info.doc.find(s) for s in ("## What it does", "## Why is this bad?", "## Example",
                                                     "## Use instead", "## Options")]  # fmt: skip
        assert -1 not in positions and positions == sorted(positions), rule.info.code


def test_rules_unknown_code_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "SSOT999"]) == 2
    assert "'SSOT999'" in capsys.readouterr().err


def test_several_outputs_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path / "proj", WITH_ERROR)
    out = tmp_path / "out" / "findings.json"
    code = main(["scan", str(tmp_path / "proj"), "--isolated", "--format", "json", "-o", str(out), "--format", "text"])
    assert code == 1
    captured = capsys.readouterr()
    payload = json.loads(out.read_text())
    codes = sorted(f["code"] for f in payload["findings"])
    assert codes == ["SSOT202", "SSOT401"]
    assert "app/use.py:4" in captured.out and "SSOT401" in captured.out
    assert not captured.out.lstrip().startswith("{")
    assert "2 findings" in captured.err


def test_json_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    write_project(tmp_path / "proj", WITH_ERROR)
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    for target in (first, second):
        main(["scan", str(tmp_path / "proj"), "--isolated", "-q", "--format", "json", "-o", str(target)])
    assert first.read_bytes() == second.read_bytes()
    # -j 2 on a project too small for the pool still gives the same bytes.
    main(["scan", str(tmp_path / "proj"), "--isolated", "-q", "-j", "2", "--format", "json", "-o", str(second)])
    assert first.read_bytes() == second.read_bytes()


CONDITIONAL = """
import os


class {name}:
    def connect(self):
        return 1

    def send(self, data):
        return data

    def close(self):
        return None

    if os.environ.get("FAST"):
        async def flush(self):
            return 1
    else:
        def flush(self):
            return 2
"""


def test_json_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Sets and frozensets iterate in an order that follows string hashing, which Python seeds differently in every
    process: no output may depend on it (a conditionally defined method once did)."""
    write_project(tmp_path / "proj", {"app/__init__.py": "", "app/a.py": CONDITIONAL.format(name="StreamManager"),
                                      "app/b.py": CONDITIONAL.format(name="OtherStreamManager"),
                                      "pyproject.toml": '[tool.ssot-audit.concepts.stream]\n'
                                      'canonical = "app.a.StreamManager"\nname-patterns = ["*StreamManager"]\n'})  # fmt: skip
    sample = Path(__file__).resolve().parent.parent / "sample_repo"
    outputs = []
    for seed in ("1", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for name, target in (("proj", tmp_path / "proj"), ("sample", sample)):
            out = tmp_path / f"{name}-{seed}.json"
            subprocess.run([sys.executable, "-m", "ssot_audit", "scan", str(target), "--no-cache", "-q", "--exit-zero",
                            "--format", "json", "-o", str(out)], check=True, env=env)  # fmt: skip
            outputs.append((name, out.read_bytes()))
    assert len({data for name, data in outputs if name == "proj"}) == 1
    assert len({data for name, data in outputs if name == "sample"}) == 1
    assert b'"flush"' in next(data for name, data in outputs if name == "proj")  # the conditional method is reported


def test_python_m_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "ssot_audit", "--version"], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0
    assert done.stdout.strip() == f"ssot-audit {__version__}"


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_no_tests_drops_findings_located_in_test_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path / "proj", {
        **CLEAN,
        "tests/test_m.py": "from app.m import f\n\nasync def test_f():\n    await f()\n",
        "tests/broken_test.py": "def f(:\n",
    })  # fmt: skip
    proj = str(tmp_path / "proj")
    assert main(["scan", proj, "--isolated", "--format", "json"]) == 1
    codes = sorted((f["code"], f["in_tests"]) for f in json.loads(capsys.readouterr().out)["findings"])
    assert codes == [("SSOT401", True), ("SSOT900", True)]
    assert main(["scan", proj, "--isolated", "--no-tests", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_json_output_does_not_depend_on_where_the_project_sits(tmp_path: Path) -> None:
    outputs = []
    for parent in ("one", "two/deeper"):
        write_project(tmp_path / parent / "proj", WITH_ERROR)
        target = tmp_path / f"{parent.replace('/', '_')}.json"
        main(["scan", str(tmp_path / parent / "proj"), "--isolated", "-q", "--format", "json", "-o", str(target)])
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert str(tmp_path).encode() not in outputs[0]
