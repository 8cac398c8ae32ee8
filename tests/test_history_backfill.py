"""``ssot-audit history``: backfill from a temporary worktree, skip recorded revisions; ``scan --record``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ssot_audit.cli import main
from ssot_audit.history import HistoryStore
from tests.helpers import write_project

BASE = {
    "app/__init__.py": "",
    "app/service.py": "def get_count():\n    return 1\n",
    "app/a.py": "from app.service import get_count\n\nasync def a():\n    return await get_count()\n",
    "app/b.py": "from app.service import get_count\n\nasync def b():\n    return await get_count()\n",
}


def _git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(root)}  # fmt: skip
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with 3 commits that fix the await misuses one by one, plus an uncommitted edit."""
    root = write_project(tmp_path / "repo", BASE)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "two misuses")
    (root / "app/a.py").write_text("from app.service import get_count\n\nasync def a():\n    return get_count()\n")
    _git(root, "commit", "-q", "-am", "fix a")
    (root / "app/b.py").write_text("from app.service import get_count\n\nasync def b():\n    return get_count()\n")
    _git(root, "commit", "-q", "-am", "fix b")
    (root / "app/b.py").write_text("# uncommitted work in progress\n")
    return root


def test_backfill_scans_each_revision_without_touching_the_tree(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    status_before = _git(repo, "status", "--porcelain")
    assert main(["history", str(repo), "--last", "3", "--history", str(db), "--isolated", "-q"]) == 0
    assert _git(repo, "status", "--porcelain") == status_before == "M app/b.py"
    assert (repo / "app/b.py").read_text() == "# uncommitted work in progress\n"
    assert len(_git(repo, "worktree", "list").splitlines()) == 1
    commits = _git(repo, "rev-list", "--reverse", "HEAD").splitlines()
    with HistoryStore(db) as store:
        scans = store.find_scans("repo")
    assert [s.commit for s in scans] == commits
    assert [s.by_rule.get("SSOT401", 0) for s in scans] == [2, 1, 0]
    assert not (repo / ".ssot-audit").exists()  # --history given: nothing written into the scanned tree


def test_backfill_skips_recorded_revisions(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    assert main(["history", str(repo), "--revs", "HEAD~1", "--history", str(db), "--isolated", "-q"]) == 0
    assert "1 revisions recorded, 0 skipped" in capsys.readouterr().out
    assert main(["history", str(repo), "--last", "3", "--history", str(db), "--isolated", "-q"]) == 0
    assert "2 revisions recorded, 1 skipped" in capsys.readouterr().out
    first, _ = _git(repo, "rev-list", "--max-count", "2", "HEAD").splitlines()[::-1]
    assert main(["history", str(repo), "--revs", f"{first}..HEAD", "--history", str(db), "--isolated", "-q"]) == 0
    assert "0 revisions recorded, 1 skipped" in capsys.readouterr().out
    with HistoryStore(db) as store:
        assert len(store.find_scans()) == 3


def test_scan_record_defaults_into_the_scanned_tree_and_marks_dirty(repo: Path) -> None:
    assert main(["scan", str(repo), "--isolated", "--record", "-q", "--exit-zero"]) == 0
    with HistoryStore(repo / ".ssot-audit" / "history.db", create=False) as store:
        (scan,) = store.find_scans()
    assert scan.root == "repo" and scan.branch == "main" and scan.dirty
    assert scan.commit == _git(repo, "rev-parse", "HEAD")


def test_history_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path / "p", {"m.py": "x = 1\n"})
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 200)
    assert main(["scan", str(project), "--record", "--history", str(bad), "-q"]) == 2
    assert "not a readable ssot-audit history database" in capsys.readouterr().err
    assert main(["history", str(project), "--last", "2", "--history", str(tmp_path / "h.db")]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_backfill_of_a_subdirectory_lists_only_commits_that_changed_it(tmp_path: Path) -> None:
    root = write_project(tmp_path / "mono", {"svc/app/__init__.py": "", "svc/app/m.py": "x = 1\n", "README": "hi\n"})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "one")
    (root / "README").write_text("docs only\n")
    _git(root, "commit", "-q", "-am", "docs")
    (root / "svc/app/m.py").write_text("x = 2\n")
    _git(root, "commit", "-q", "-am", "code")
    db = tmp_path / "h.db"
    assert main(["history", str(root / "svc"), "--last", "5", "--history", str(db), "--isolated", "-q"]) == 0
    with HistoryStore(db) as store:
        scans = store.find_scans("svc")
    expected = [_git(root, "rev-parse", "HEAD~2"), _git(root, "rev-parse", "HEAD")]
    assert [s.commit for s in scans] == expected and all(s.root_path == str(root / "svc") for s in scans)
