"""CLI conventions ruff and semgrep users rely on: accumulating flags, --extend-select, -V, suggestions, one format
per stream, per-file ignores, the project's name for `scan .`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_audit import __version__
from ssot_audit.cli import main

from tests.helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/a.py": "import app.b\n",  # SSOT202 with b
    "app/b.py": "import app.a\n",
    "app/m.py": "def get_manager():\n    return 1\n",
    "app/use.py": "from app.m import get_manager\n\nasync def h():\n    await get_manager()\n",  # SSOT401 line 4
    "tests/test_use.py": "from app.m import get_manager\n\nasync def test_h():\n    await get_manager()\n",
}


def _codes(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> set[tuple[str, str, int]]:
    main(["scan", str(root), "--isolated", "-q", "--format", "json", "-j", "1", *args])
    data = json.loads(capsys.readouterr().out)
    return {(f["code"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj", FILES)


ERRORS = {("SSOT401", "app/use.py", 4), ("SSOT401", "tests/test_use.py", 4)}
CYCLE = {("SSOT202", "app/a.py", 1)}


def test_repeated_and_comma_separated_selectors_accumulate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _codes(capsys, project) == ERRORS | CYCLE
    assert _codes(capsys, project, "--select", "SSOT4") == ERRORS
    assert _codes(capsys, project, "--select", "SSOT4", "--select", "SSOT202") == ERRORS | CYCLE
    assert _codes(capsys, project, "--select", "SSOT401,SSOT202") == ERRORS | CYCLE
    assert _codes(capsys, project, "--ignore", "SSOT4", "--ignore", "SSOT202") == set()
    assert _codes(capsys, project, "--exclude", "tests", "--exclude", "app/b.py") == {("SSOT401", "app/use.py", 4)}


def test_extend_select_adds_to_the_selection_and_ignore_adds_to_the_config(project: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert _codes(capsys, project, "--select", "SSOT2", "--extend-select", "SSOT401") == ERRORS | CYCLE
    (project / "pyproject.toml").write_text('[tool.ssot-audit]\nselect = ["SSOT2"]\nignore = ["SSOT202"]\n')
    main(["scan", str(project), "-q", "--format", "json", "--extend-select", "SSOT4", "--ignore", "SSOT9", "-j", "1"])
    data = json.loads(capsys.readouterr().out)  # config's ignore (SSOT202) still applies, the extension runs
    assert {(f["code"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]} == ERRORS


def test_version_short_and_long(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("-V", "--version"):
        assert main([flag]) == 0
        assert capsys.readouterr().out == f"ssot-audit {__version__}\n"


@pytest.mark.parametrize(("argv", "message"), [
    (["scna"], "invalid choice: 'scna' (choose from 'scan', 'fix', 'plan', 'concepts', 'report', 'graph', 'rules', 'history', "
               "'dashboard'); did you mean 'scan'?"),
    (["scan", "--formt", "json", "."], "ssot-audit scan: error: unknown option '--formt'; did you mean '--format'?"),
    (["scan", ".", "--format", "jsno"], "did you mean 'json'?"),
    (["scan", ".", "--select", "SSOT410"], "unknown rule selector 'SSOT410' in select (did you mean 'SSOT401'?)"),
    (["scan", ".", "--ignore", "await-on-sync"], "(did you mean 'await-on-sync-callable'?)"),
    (["rules", "SSOT1O1"], "unknown rule 'SSOT1O1' (did you mean 'SSOT101'?)"),
    (["plan", ".", "--limt", "3"], "unknown option '--limt'; did you mean '--limit'?"),
])  # fmt: skip
def test_mistakes_get_a_suggestion_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str,
                                              project: Path) -> None:  # fmt: skip
    argv = [str(project) if a == "." else a for a in argv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_two_formats_on_standard_output_are_refused_before_scanning(project: Path, capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:  # fmt: skip
    assert main(["scan", str(project), "--format", "json", "--format", "sarif"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "2 formats (json, sarif) would go to standard output" in captured.err
    assert main(["scan", str(project), "-q", "--format", "json", "--format", "sarif", "-o", str(tmp_path / "a.sarif")]) == 1
    assert json.loads(capsys.readouterr().out)["findings"]  # one stream, parseable


def test_scan_dot_names_the_project(project: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(project)
    main(["scan", ".", "--isolated", "-q", "--format", "json", "-j", "1"])
    assert json.loads(capsys.readouterr().out)["root"] == "proj"
    main(["plan", ".", "--isolated", "-j", "1"])
    out = capsys.readouterr().out
    assert out.startswith("Consolidation plan for proj\n") and "ssot-audit scan  " not in out


def test_per_file_ignores_in_ruffs_shape(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.ssot-audit.per-file-ignores]\n"tests/*" = ["SSOT4"]\n'
                                            '"b.py" = ["import-cycle"]\n')  # fmt: skip
    main(["scan", str(project), "-q", "--format", "json", "-j", "1"])
    found = {(f["code"], f["location"]["path"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found == {("SSOT401", "app/use.py"), ("SSOT202", "app/a.py")}  # the cycle is reported on a.py: kept
    (project / "pyproject.toml").write_text('[tool.ssot-audit.per-file-ignores]\n"app/a.py" = ["SSOT202"]\n')
    main(["scan", str(project), "-q", "--format", "json", "-j", "1"])
    found = {(f["code"], f["location"]["path"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found == {("SSOT401", "app/use.py"), ("SSOT401", "tests/test_use.py")}


@pytest.mark.parametrize(("table", "message"), [
    ('"tests/*" = ["SSOT499"]', "unknown rule selector 'SSOT499' in per-file-ignores 'tests/*'"),
    ('"tests/*" = "SSOT4x"', "unknown rule selector 'SSOT4x' in per-file-ignores 'tests/*'"),
    ('"tests/*" = [1]', "'per-file-ignores.tests/*' must be a list of strings"),
])  # fmt: skip
def test_per_file_ignores_are_validated(project: Path, capsys: pytest.CaptureFixture[str], table: str, message: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.ssot-audit.per-file-ignores]\n{table}\n")
    assert main(["scan", str(project), "-q"]) == 2
    assert message in capsys.readouterr().err


def test_the_repository_passes_its_own_gate(capsys: pytest.CaptureFixture[str]) -> None:
    """`ssot-audit scan .` at the root: its own pyproject excludes the deliberately broken sample_repo, and the
    docstrings and comments that quote the suppression syntax are not suppressions (no SSOT901)."""
    root = Path(__file__).resolve().parent.parent
    assert main(["scan", str(root), "-q", "--format", "json"]) == 0, capsys.readouterr().err
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f for f in findings if f["severity"] != "note"] == []
    assert not any(f["location"]["path"].startswith("sample_repo/") for f in findings)
