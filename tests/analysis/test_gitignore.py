"""Discovery respects what git ignores: nested .gitignore files, negations, directory patterns, .git/info/exclude,
ignore files above the scanned directory; ``respect-gitignore = false`` / ``--no-respect-gitignore`` turn it off."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ssot_audit.analysis.discovery import discover
from ssot_audit.cli import main

from tests.helpers import write_project

FILES = {
    ".gitignore": "generated/\n*_pb2.py\n/scratch.py\n",
    "app/__init__.py": "",
    "app/core.py": "",
    "app/api_pb2.py": "",  # *_pb2.py anywhere
    "app/scratch.py": "",  # /scratch.py is anchored at the root: this one stays
    "scratch.py": "",
    "generated/models.py": "",
    "app/generated/x.py": "",  # "generated/" matches a directory at any depth
    "app/vendor/.gitignore": "*.py\n!keep.py\n",
    "app/vendor/drop.py": "",
    "app/vendor/keep.py": "",
    "app/vendor/deep/also.py": "",  # *.py in a nested .gitignore applies below it too
    "docs/.gitignore": "!*.py\n",
    "docs/conf_pb2.py": "",  # a deeper file re-includes what a shallower one ignored
    "local/mine.py": "",  # ignored through .git/info/exclude
}
EXPECTED = {"app/__init__.py", "app/core.py", "app/scratch.py", "app/vendor/keep.py", "docs/conf_pb2.py"}


def _repo(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "repo", FILES)
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("# personal\nlocal/\n")
    return root


def _paths(root: Path, **kwargs: object) -> set[str]:
    return {f.relpath for f in discover(root, **kwargs)}  # type: ignore[arg-type]


def test_discovery_skips_what_git_ignores(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _paths(root, respect_gitignore=True) == EXPECTED
    everything = {p for p in FILES if p.endswith(".py")}
    assert _paths(root) == everything  # off unless asked (the library default); the scan config turns it on


def test_ignore_files_above_the_scanned_directory_apply(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _paths(root / "app", respect_gitignore=True) == {"__init__.py", "core.py", "scratch.py", "vendor/keep.py"}


def test_a_linked_worktree_reads_the_shared_info_exclude(tmp_path: Path) -> None:
    git = pytest.importorskip("shutil").which("git")
    if git is None:
        pytest.skip("git is not installed")
    main_repo = tmp_path / "main"
    write_project(main_repo, {"app/__init__.py": "", "local/mine.py": "", "app/x.py": ""})
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                    ["worktree", "add", "-q", str(tmp_path / "linked")]):  # fmt: skip
        subprocess.run([git, "-C", str(main_repo), *command], check=True, capture_output=True)
    (main_repo / ".git" / "info").mkdir(exist_ok=True)
    (main_repo / ".git" / "info" / "exclude").write_text("local/\n")
    assert _paths(tmp_path / "linked", respect_gitignore=True) == {"app/__init__.py", "app/x.py"}


def test_scan_respects_gitignore_by_default_and_the_flag_turns_it_off(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = _repo(tmp_path)
    assert main(["scan", str(root), "--isolated", "--statistics", "-j", "1"]) in (0, 1)
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"Scanned {len(EXPECTED)} files")
    assert main(["scan", str(root), "--isolated", "--statistics", "--no-respect-gitignore", "-j", "1"]) in (0, 1)
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"Scanned {len([p for p in FILES if p.endswith('.py')])} files")
    (root / "pyproject.toml").write_text("[tool.ssot-audit]\nrespect-gitignore = false\n")
    assert main(["scan", str(root), "--statistics", "-j", "1"]) in (0, 1)
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"Scanned {len([p for p in FILES if p.endswith('.py')])} files")


def test_a_directory_ignored_from_above_says_why_nothing_was_scanned(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    # pyenv's own checkout ignores /versions: scanning a Python's stdlib there finds nothing, and says why
    write_project(tmp_path, {".gitignore": "/versions\n", "versions/3.11/lib/json/__init__.py": "X = 1\n"})
    (tmp_path / ".git").mkdir()
    target = str(tmp_path / "versions/3.11/lib")
    assert main(["scan", target, "--isolated", "-q", "-j", "1", "--no-cache"]) == 0
    assert "a .gitignore above it ignores the directory: pass --no-respect-gitignore" in capsys.readouterr().err
    assert main(["scan", target, "--isolated", "-q", "-j", "1", "--no-cache", "--no-respect-gitignore"]) == 0
    assert "no Python files" not in capsys.readouterr().err
