"""``ssot-audit fix`` and ``scan --fix`` as a user runs them: diff first, safe writes, JSON/SARIF carry fixes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.config import Config
from ssot_audit.fixing import FixOptions, fix_tree, verify, write_fixed
from ssot_audit.model import Applicability, Confidence, Edit, Finding, Fix, Location, Severity
from ssot_audit.serialization import result_from_dict, result_to_dict
from tests.helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/factory.py": "class Manager:\n    pass\n\n\ndef get_manager(user_id):\n    return Manager()\n",
    "app/use.py": "from app.factory import get_manager\n\n\nasync def handler(u):\n    return await get_manager(u)  # sync\n",
}
FIXED_USE = "from app.factory import get_manager\n\n\nasync def handler(u):\n    return get_manager(u)  # sync\n"
DIFF = """--- a/app/use.py
+++ b/app/use.py
@@ -2,4 +2,4 @@
 
 
 async def handler(u):
-    return await get_manager(u)  # sync
+    return get_manager(u)  # sync
"""


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})  # fmt: skip


def _repo(root: Path) -> Path:
    write_project(root, FILES)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "init")
    return root


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, FILES)
    assert main(["fix", str(tmp_path), "--isolated", "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert out == DIFF
    assert "would fix 1 findings in 1 files (SSOT401 1)" in err
    assert (tmp_path / "app/use.py").read_text() == FILES["app/use.py"]
    assert main(["fix", str(tmp_path), "--isolated", "--no-cache", "--select", "SSOT201"]) == 0  # nothing selected
    assert capsys.readouterr().out == ""


def test_write_refuses_a_dirty_git_tree_unless_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _repo(tmp_path)
    (root / "app/extra.py").write_text("X = 1\n")
    assert main(["fix", str(root), "--isolated", "--no-cache", "--write"]) == 2
    assert "refusing to write: the git work tree has uncommitted changes (app/extra.py)" in capsys.readouterr().err
    assert (root / "app/use.py").read_text() == FILES["app/use.py"]
    assert main(["fix", str(root), "--isolated", "--no-cache", "--write", "--allow-dirty"]) == 0
    assert (root / "app/use.py").read_text() == FIXED_USE


def test_write_on_a_clean_tree_keeps_permissions_and_reaches_a_fixed_point(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "app/use.py").chmod(0o640)  # git records only the executable bit: the tree stays clean
    assert main(["fix", str(root), "--isolated", "--no-cache", "--write", "-q"]) == 0
    assert (root / "app/use.py").read_text() == FIXED_USE
    assert (root / "app/use.py").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (root / "app").iterdir()) == ["__init__.py", "factory.py", "use.py"]  # no temp file
    _git(root, "commit", "-qam", "fixed")
    assert main(["fix", str(root), "--isolated", "--no-cache", "--write", "-q"]) == 0
    assert (root / "app/use.py").read_text() == FIXED_USE


def test_a_file_changed_since_the_scan_is_not_touched(tmp_path: Path) -> None:
    write_project(tmp_path, FILES)
    outcome = fix_tree(tmp_path, Config(), FixOptions(jobs=1))
    assert set(outcome.after) == {"app/use.py"}
    edited = FILES["app/use.py"] + "# edited meanwhile\n"
    (tmp_path / "app/use.py").write_text(edited)
    assert write_fixed(tmp_path, outcome) == {"app/use.py": "changed on disk since the scan: not touched"}
    assert (tmp_path / "app/use.py").read_text() == edited


def test_scan_fix_writes_the_safe_fixes_and_reports_what_remains(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    files = {**FILES, "app/coro.py": "async def later():\n    return 1\n\n\nasync def go():\n    later()\n"}
    write_project(tmp_path, files)
    code = main(["scan", str(tmp_path), "--isolated", "--no-cache", "--fix", "--allow-dirty", "-q", "--format", "json"])
    assert code == 1  # the unsafe SSOT402 is left and reported
    result = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["location"]["path"], f["location"]["line"]) for f in result["findings"]] == [
        ("SSOT402", "app/coro.py", 6)]
    assert (tmp_path / "app/use.py").read_text() == FIXED_USE


def test_json_and_sarif_carry_each_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, FILES)
    assert main(["scan", str(tmp_path), "--isolated", "--no-cache", "-q", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (finding,) = data["findings"]
    assert finding["fix"] == {"message": "drop the await: get_manager() is synchronous", "applicability": "safe",
                              "edits": [{"path": "app/use.py", "line": 5, "column": 12, "end_line": 5,
                                         "end_column": 18, "content": ""}]}  # fmt: skip
    assert result_to_dict(result_from_dict(data)) == data
    assert main(["scan", str(tmp_path), "--isolated", "--no-cache", "-q", "--format", "sarif"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["fixes"] == [{
        "description": {"text": "drop the await: get_manager() is synchronous"},
        "artifactChanges": [{"artifactLocation": {"uri": "app/use.py", "uriBaseId": "%SRCROOT%"},
                             "replacements": [{"deletedRegion": {"startLine": 5, "startColumn": 12, "endLine": 5,
                                                                 "endColumn": 18},
                                               "insertedContent": {"text": ""}}]}],
        "properties": {"applicability": "safe"},
    }]  # fmt: skip


def _finding(path: str, line: int, fingerprint: str, code: str = "SSOT401") -> Finding:
    return Finding(code, "n", "m", "h", Severity.ERROR, Confidence.HIGH, Location(path, line), fingerprint)


def test_verify_blames_the_file_whose_rewrite_breaks_something() -> None:
    fix = Fix("f", Applicability.SAFE, (Edit("a.py", 1, 1, 1, 7, ""),))
    target = _finding("a.py", 1, "t")
    before = [target, _finding("b.py", 3, "x")]
    assert verify(before, [_finding("b.py", 3, "x")], [(target, fix)], {"a.py"}) == {}
    assert verify(before, before, [(target, fix)], {"a.py"}) == {"a.py": "SSOT401 t is still reported in a.py after the fix"}
    new = _finding("c.py", 9, "new", "SSOT202")
    assert verify(before, [new], [(target, fix)], {"a.py"}) == {"a.py": "the fixed tree has a new finding SSOT202 at c.py:9: m"}
    assert verify(before, [new], [(target, fix)], {"a.py"}, tolerated={"SSOT202"}) == {}


def test_rule_docs_and_the_fixers_agree() -> None:
    from ssot_audit.fix.build import FIXERS
    from ssot_audit.rules import ALL_RULES

    declared = {r.info.code: r.info.fix for r in ALL_RULES}
    assert {code for code, fix in declared.items() if fix != "none"} == {code for code in FIXERS if code in declared}
    for rule in ALL_RULES:
        assert ("## Fix" in rule.info.doc) == (rule.info.fix != "none"), rule.info.code


def test_what_is_left_of_an_import_cycle_is_not_a_new_finding() -> None:
    fix = Fix("f", Applicability.SAFE, (Edit("a.py", 1, 1, 1, 7, ""),))
    target = _finding("a.py", 1, "t", "SSOT201")
    cycle = lambda modules, fp: Finding("SSOT202", "import-cycle", "m", "h", Severity.WARNING, Confidence.HIGH,  # noqa: E731
                                        Location("b.py", 1), fp, facts={"modules": modules})  # fmt: skip
    before = [target, cycle(["a", "b", "c"], "abc")]
    assert verify(before, [cycle(["a", "b"], "ab")], [(target, fix)], {"a.py"}) == {}
    assert verify(before, [cycle(["a", "d"], "ad")], [(target, fix)], {"a.py"}) == {
        "a.py": "the fixed tree has a new finding SSOT202 at b.py:1: m"}


def test_a_reexport_line_nobody_imports_through_any_more_is_not_new() -> None:
    fix = Fix("f", Applicability.SAFE, (Edit("a.py", 1, 1, 1, 7, ""),))

    def path_finding(path: str, importer: str, used: str, fingerprint: str) -> Finding:
        return Finding("SSOT201", "divergent-import-path", "m", "h", Severity.WARNING, Confidence.HIGH,
                       Location(path, 1, symbol=importer), fingerprint, facts={"symbol": "pkg.impl.X", "used_path": used})  # fmt: skip

    target = path_finding("a.py", "a", "pkg", "t")  # ``a`` imported X through the package
    exposed = path_finding("pkg/__init__.py", "pkg", "pkg.compat", "new")  # the package's own line, now counted
    assert verify([target], [exposed], [(target, fix)], {"a.py"}) == {}
    other = path_finding("b.py", "b", "pkg.compat", "other")
    assert verify([target], [other], [(target, fix)], {"a.py"}) == {
        "a.py": "the fixed tree has a new finding SSOT201 at b.py:1: m"}


def test_the_cache_serves_fixes_only_to_scans_that_carry_them_and_never_keeps_a_rewrite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = write_project(tmp_path / "proj", FILES)
    cached = ["--isolated", "--cache-dir", str(tmp_path / "cache"), "-q"]
    assert main(["scan", str(root), *cached, "--format", "text"]) == 1  # saves a result without fixes
    capsys.readouterr()
    for _ in range(2):  # computed, then served from the cache: both carry the fix
        assert main(["scan", str(root), *cached, "--format", "json"]) == 1
        (finding,) = json.loads(capsys.readouterr().out)["findings"]
        assert finding["fix"]["edits"][0]["path"] == "app/use.py"
    assert main(["fix", str(root), *cached]) == 1  # a dry run: the rewrite is checked in memory through the cache
    assert capsys.readouterr().out == DIFF
    assert main(["scan", str(root), *cached, "--format", "json", "--no-cache"]) == 1
    cold = capsys.readouterr().out
    assert main(["scan", str(root), *cached, "--format", "json"]) == 1  # the tree on disk, not the rewrite
    assert capsys.readouterr().out == cold
    assert main(["scan", str(root), *cached, "--fix", "--allow-dirty", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["scan", str(root), *cached, "--format", "json"]) == 0  # the written fix is seen through the cache
    assert json.loads(capsys.readouterr().out)["findings"] == []
