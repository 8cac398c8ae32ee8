"""The command line under hostile or careless use: nothing from the tree runs, outputs are atomic, nothing is silent."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit import project as loading
from ssot_audit.analysis import loader
from ssot_audit.cli import main
from ssot_audit.config import Config

from tests.helpers import scan_project, write_project


def _refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*args: object, **kwargs: object) -> object:
        raise AssertionError("files were parsed before the options were checked")

    monkeypatch.setattr(loading, "analyze_files", parse)


def test_python_dash_m_does_not_import_modules_of_the_scanned_tree(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repo = write_project(tmp_path / "repo", {"app.py": "import jinja2\n"})
    for name in ("jinja2", "networkx", "pygments"):
        (repo / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write('{name} ')\n")
    done = subprocess.run([sys.executable, "-m", "ssot_audit", "scan", ".", "--isolated", "--no-cache", "--exit-zero",
                           "--format", "html", "-o", str(tmp_path / "r.html")], cwd=repo, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not marker.exists()


def test_a_failed_write_keeps_the_previous_report_and_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    write_project(tmp_path / "repo", {"m.py": "x = 1\n"})
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    report.write_text("previous report\n")
    real_mkstemp = tempfile.mkstemp

    def full_disk(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name  # every write fails with ENOSPC

    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    code = main(["scan", str(tmp_path / "repo"), "--isolated", "--no-cache", "--format", "json", "-o", str(report)])
    assert code == 2
    assert f"cannot write {report}: No space left on device" in capsys.readouterr().err
    assert report.read_text() == "previous report\n"
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.json"]  # no temporary file left behind


def test_default_excludes_say_when_they_skip_a_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, {"venv/__init__.py": "", "venv/core.py": "x = 1\n", ".venv/lib/site.py": "y = 2\n",
                             "build/out.py": "", "app.py": "import venv.core\n"})  # fmt: skip
    assert main(["scan", str(tmp_path), "--isolated", "--no-cache", "-q"]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "default excludes" in line] == [
        "ssot-audit: note: venv/ looks like a package of the project but was skipped by the default excludes (.git, "
        ".hg, .svn, .tox, .nox, .venv, venv, .env, __pycache__, node_modules, .mypy_cache, .pytest_cache, "
        ".ruff_cache, .eggs, *.egg-info, site-packages, .ssot-audit); list it in `paths` to scan it"
    ]
    assert main(["scan", str(tmp_path), "--isolated", "--no-cache", "-q", "--exclude", "venv"]) == 0
    assert "default excludes" not in capsys.readouterr().err  # excluded on purpose: nothing to say


def test_an_empty_scan_says_so_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, {"app/m.py": "x = 1\n"})
    assert main(["scan", str(tmp_path), "--isolated", "--no-cache", "--exclude", "**/"]) == 0
    captured = capsys.readouterr()
    assert f"ssot-audit: warning: no Python files to scan in {tmp_path}" in captured.err
    assert "Scanned 0 files" in captured.out


def test_bad_selectors_and_history_fail_before_any_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    write_project(tmp_path / "repo", {"m.py": "x = 1\n"})
    _refuse_parsing(monkeypatch)
    repo = str(tmp_path / "repo")
    assert main(["scan", repo, "--isolated", "--select", "SSOT4O1"]) == 2
    assert "unknown rule selector 'SSOT4O1'" in capsys.readouterr().err
    assert main(["plan", repo, "--isolated", "--ignore", "nonsense"]) == 2
    (tmp_path / "bad.db").write_bytes(b"this is not a SQLite database at all" * 10)
    assert main(["scan", repo, "--isolated", "--record", "--history", str(tmp_path / "bad.db")]) == 2
    assert "bad.db" in capsys.readouterr().err
    (tmp_path / "repo" / "pyproject.toml").write_text("[tool.ssot-audit.rules.SSOT104]\nreport-everything = true\n")
    assert main(["scan", repo]) == 2
    assert "unknown option 'rules.SSOT104.report-everything'" in capsys.readouterr().err


def test_history_revs_cannot_pass_an_option_to_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write_project(tmp_path / "repo", {"m.py": "x = 1\n"})
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)
    stolen = tmp_path / "stolen.txt"
    code = main(["history", str(repo), f"--revs=--output={stolen}", "--history", str(tmp_path / "h.db"), "-q"])
    assert code == 2 and "--revs must name revisions, not an option" in capsys.readouterr().err
    assert not stolen.exists()


def test_a_new_scan_releases_what_an_earlier_scan_froze(tmp_path: Path) -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the cyclic collector frees it

    with loader.gc_paused():
        node = Node()
    alive = weakref.ref(node)
    del node
    gc.collect()
    assert alive() is not None  # frozen at the end of the scan: invisible to the collector
    api.load_project(write_project(tmp_path, {"m.py": "x = 1\n"}), Config(), jobs=1)
    assert alive() is None


def test_unreadable_files_get_an_io_fix_not_a_syntax_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"secret.py": "x = 1\n"})

    def refuse(path: str, boundary: str | None) -> bytes:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(loader, "read_scanned", refuse)
    (finding,) = scan_project(tmp_path).findings
    assert (finding.message, finding.fix_hint) == ("cannot read file: Permission denied; file skipped",
                                                   "make the file readable by the scan, or exclude it")  # fmt: skip
