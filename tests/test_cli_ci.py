"""The CI walk-through, as a new user does it: baseline, one new violation, exit 1 with only that one reported."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.commands.progress import ProgressBar

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_repo"
NEW_LINE = "    again = await get_websocket_manager(user_id)  # a second, identical, new violation\n"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(SAMPLE, target)
    return target


def _add_violation(repo: Path) -> None:
    admin = repo / "app/api/admin.py"
    lines = admin.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    manager = await get_websocket_manager(user_id)"))
    admin.write_text("".join(lines[: at + 1] + [NEW_LINE] + lines[at + 1 :]), encoding="utf-8")


def test_walk_through_baseline_then_one_new_violation(repo: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    baseline = repo / ".ssot-audit-baseline.json"
    assert main(["scan", str(repo), "--write-baseline", str(baseline), "--format", "json", "-o",
                 str(tmp_path / "all.json")]) == 0  # fmt: skip
    err = capsys.readouterr().err
    total = len(json.loads((tmp_path / "all.json").read_text())["findings"])
    assert f"ssot-audit: wrote {total} findings (" in err and total > 40

    assert main(["scan", str(repo), "--baseline", str(baseline)]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("0 findings.\n")
    assert err == f"ssot-audit: baseline {baseline}: 0 new, {total} unchanged, 0 fixed, 0 stale\n"

    _add_violation(repo)  # same function, same callee: the same fingerprint as a recorded finding
    code = main(["scan", str(repo), "--baseline", str(baseline), "--format", "github",
                 "--format", "sarif", "-o", str(tmp_path / "out.sarif"),
                 "--format", "markdown", "-o", str(tmp_path / "summary.md")])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ("::error file=app/api/admin.py,line=20,col=13,title=SSOT401::await on get_websocket_manager(), which "
                   "is a plain def (app.websocket_core.websocket_manager.get_websocket_manager) returning a "
                   "WebSocketManager: TypeError at run time; note: get_websocket_manager is also defined as async def in "
                   "app.websocket_core.async_factory.get_websocket_manager [await-on-sync-callable]%0AFix: drop the "
                   "await: get_websocket_manager() is synchronous, or import the async variant "
                   "app.websocket_core.async_factory.get_websocket_manager if that is the one meant\n")  # fmt: skip
    assert f"1 new, {total} unchanged, 0 fixed, 0 stale" in err
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    states = [(r["ruleId"], r["baselineState"]) for r in sarif["runs"][0]["results"]]
    assert states[0] == ("SSOT401", "new") and len(states) == total + 1  # code scanning keeps the old alerts
    assert {state for _, state in states[1:]} == {"unchanged"}
    new_fingerprint = sarif["runs"][0]["results"][0]["partialFingerprints"]["ssotFingerprint/v1"]
    recorded = {e["fingerprint"]: e["count"] for e in json.loads(baseline.read_text())["entries"]}
    assert recorded[new_fingerprint] == 1  # multiplicity: one recorded entry did not absorb the second finding
    assert "Baseline `" in (tmp_path / "summary.md").read_text() and "**1 new**" in (tmp_path / "summary.md").read_text()
    assert main(["scan", str(repo), "--baseline", str(baseline), "--exit-zero", "-q"]) == 0
    assert main(["scan", str(repo), "--baseline", str(baseline), "--fail-on", "never", "-q"]) == 0
    capsys.readouterr()


def test_fixed_findings_are_reported_and_the_ratchet_only_shrinks(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = repo / "b.json"
    assert main(["scan", str(repo), "--write-baseline", str(baseline), "-q"]) == 0
    before = json.loads(baseline.read_text())["entries"]
    stats = repo / "app/api/stats.py"  # fix one violation: drop the await on a plain def
    stats.write_text(stats.read_text().replace("await manager.get_connection_count()", "manager.get_connection_count()"))
    assert "await manager.get_connection_count()" not in stats.read_text()
    (repo / "app/plugins/slack_bridge.py").unlink()  # its two findings become stale
    _add_violation(repo)
    capsys.readouterr()

    assert main(["scan", str(repo), "--baseline", str(baseline), "--format", "markdown"]) == 1
    out, err = capsys.readouterr()
    assert "1 new, " in err and "1 fixed, 2 stale" in err
    assert "| SSOT401 | `app/api/stats.py` | `app.api.stats.connection_stats` | 1 |" in out
    assert "| SSOT401 | `app/plugins/slack_bridge.py` |" in out

    assert main(["scan", str(repo), "--baseline", str(baseline), "--write-baseline", str(baseline), "-q"]) == 1
    after = json.loads(baseline.read_text())["entries"]
    assert len(after) == len(before) - 3  # fixed and stale gone; the new finding was not added
    assert all(e in before for e in after)
    assert main(["scan", str(repo), "--baseline", str(baseline), "-q"]) == 1  # still fails on the new one
    capsys.readouterr()


def test_bad_baseline_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = repo / "bad.json"
    bad.write_text('{"findings": []}')
    assert main(["scan", str(repo), "--baseline", str(bad)]) == 2
    assert capsys.readouterr().err == (f"ssot-audit: error: {bad}: not an ssot-audit baseline "
                                       "(expected \"schema\": \"ssot-audit-baseline\")\n")  # fmt: skip


def test_require_reasons_in_config_and_typos_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/m.py").write_text("X = 1  # ssot: ignore[SSOT401]\n")
    (tmp_path / "pyproject.toml").write_text("[tool.ssot-audit]\nrequire-reason = true\n")
    assert main(["scan", str(tmp_path)]) == 2
    assert capsys.readouterr().err.endswith("unknown key 'require-reason' (did you mean 'require-reasons'?)\n")
    (tmp_path / "pyproject.toml").write_text("[tool.ssot-audit]\nrequire-reasons = 1\n")
    assert main(["scan", str(tmp_path)]) == 2
    assert capsys.readouterr().err.endswith("'require-reasons' must be true or false, got 1\n")
    (tmp_path / "pyproject.toml").write_text("[tool.ssot-audit]\nrequire-reasons = true\n")
    assert main(["scan", str(tmp_path), "--format", "github"]) == 1
    assert capsys.readouterr().out == ("::warning file=app/m.py,line=1,col=8,title=SSOT901::unused suppression: no "
                                       "SSOT401 finding on this line [unused-suppression]%0AFix: remove SSOT401 from "
                                       "the comment\n")  # fmt: skip


def test_every_format_is_offered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        from ssot_audit.cli import build_parser

        build_parser().parse_args(["scan", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    offered = set(out.split("output format: ")[1].split(" (default")[0].split(", "))
    assert {"github", "json", "junit", "markdown", "sarif", "text"} <= offered
    for option in ("--baseline FILE", "--write-baseline FILE", "--fail-on", "--exit-zero", "-q, --quiet"):
        assert option in out


def test_rules_command_lists_unused_suppression(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "SSOT901"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SSOT901 unused-suppression (default severity: warning; fix: none)\n\nA suppression comment that ")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Options"):
        assert section in out


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_after_a_second() -> None:
    now = [0.0]
    tty = FakeTerminal()
    bar = ProgressBar(tty, clock=lambda: now[0])
    bar(10, 100)
    assert tty.getvalue() == ""  # a fast scan stays silent
    now[0] = 1.5
    bar(50, 100)
    bar(51, 100)  # throttled: same instant
    now[0] = 2.0
    bar(100, 100)
    bar.close()
    assert tty.getvalue() == ("\r[###############...............] 50/100 files\x1b[K"
                              "\r[##############################] 100/100 files, running rules...\x1b[K\r\x1b[K")  # fmt: skip
    pipe, silenced = io.StringIO(), FakeTerminal()
    for probe in (ProgressBar(silenced, enabled=False, clock=lambda: 9.0), ProgressBar(pipe, clock=lambda: 9.0)):
        probe.started = 0.0
        probe(5, 10)
        probe.close()
    assert silenced.getvalue() == "" and pipe.getvalue() == ""  # --quiet, and not a terminal: nothing drawn


def test_ci_logs_stay_clean(repo: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ssot_audit", "scan", str(repo), "--format", "github", "-j", "1"],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr == ""  # not a terminal: no progress bar, no summary (output goes to stdout)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in proc.stdout.splitlines())


def test_pre_commit_hook_scans_the_whole_program() -> None:
    yaml = pytest.importorskip("yaml")
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {k: hook[k] for k in ("id", "entry", "language", "pass_filenames", "types")} == {
        "id": "ssot-audit", "entry": "ssot-audit scan", "language": "python", "pass_filenames": False,
        "types": ["python"]}  # fmt: skip
