"""Git metadata of a scanned tree, revision ranges, and temporary detached worktrees for backfill.

Read-only towards the user's working tree: backfill checks revisions out with ``git worktree add --detach``
into a temporary directory and removes that worktree afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ssot_audit.history.errors import HistoryError


@dataclass(frozen=True, slots=True)
class GitInfo:
    """Where a scanned path sits in git: the repository top level, HEAD commit and its time, branch, dirtiness."""

    toplevel: Path
    commit: str | None
    branch: str | None
    dirty: bool
    commit_time: str | None  # committer date, strict ISO 8601


def _git(cwd: Path, *args: str, check: bool = True) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise HistoryError("git is not installed (needed for revision metadata and backfill)") from exc
    if check and proc.returncode != 0:
        raise HistoryError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()


def find_git_info(path: Path) -> GitInfo | None:
    """Git metadata for ``path``, or None when it is not inside a git work tree (or git is missing)."""
    directory = path if path.is_dir() else path.parent
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    if proc.returncode != 0:
        return None
    toplevel = Path(proc.stdout.strip())
    commit = _git(toplevel, "rev-parse", "--verify", "-q", "HEAD", check=False) or None
    branch = _git(toplevel, "symbolic-ref", "--short", "-q", "HEAD", check=False) or None
    commit_time = _utc(_git(toplevel, "show", "-s", "--format=%cI", "HEAD", check=False)) if commit else None
    rel = _relative(path, toplevel)
    status = _git(toplevel, "status", "--porcelain", "--untracked-files=normal", "--", rel, check=False)
    return GitInfo(toplevel, commit, branch, bool(status), commit_time)


def _utc(iso: str) -> str | None:
    """A git ISO date in UTC, so that it sorts with the store's UTC timestamps."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(timezone.utc).isoformat(timespec="seconds")


def _relative(path: Path, toplevel: Path) -> str:
    try:
        rel = path.resolve().relative_to(toplevel.resolve()).as_posix()
    except ValueError as exc:
        raise HistoryError(f"{path} is not inside the git repository {toplevel}") from exc
    return rel or "."


def relative_to_toplevel(path: Path, toplevel: Path) -> str:
    """``path`` relative to the repository top level, POSIX, ``"."`` for the top level itself."""
    return _relative(path, toplevel)


def resolve_revisions(toplevel: Path, *, revs: str | None = None, last: int | None = None,
                      path: str = ".") -> list[tuple[str, str]]:  # fmt: skip
    """(commit, committer date) pairs, oldest first, for ``A..B`` (or one revision) or the last ``N`` commits.

    Only commits that changed ``path`` are listed (a commit that did not touch the scanned tree would give the
    same scan again).
    """
    if (revs is None) == (last is None):
        raise HistoryError("give exactly one of --revs A..B and --last N")
    if last is not None and last < 1:
        raise HistoryError("--last must be at least 1")
    if revs is not None and revs.startswith("-"):  # git would take ``--output=FILE`` as one of its options
        raise HistoryError(f"--revs must name revisions, not an option: {revs!r}")
    spec = ["--max-count", str(last), "HEAD"] if last is not None else (
        [revs] if ".." in str(revs) else ["--max-count", "1", str(revs)])  # fmt: skip
    out = _git(toplevel, "rev-list", "--format=%cI", *spec, "--", path)
    lines = [line for line in out.splitlines() if line]
    pairs = [(lines[i].split()[1], _utc(lines[i + 1]) or "") for i in range(0, len(lines) - 1, 2) if lines[i].startswith("commit ")]
    return list(reversed(pairs))


@contextmanager
def detached_worktree(toplevel: Path, commit: str) -> Iterator[Path]:
    """Check ``commit`` out into a temporary detached worktree; remove it (and its metadata) afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="ssot-audit-backfill-"))
    target = tmp / "tree"
    try:
        _git(toplevel, "worktree", "add", "--detach", "--quiet", str(target), commit)
        yield target
    finally:
        if target.exists():
            _git(toplevel, "worktree", "remove", "--force", str(target), check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        _git(toplevel, "worktree", "prune", check=False)


def read_file_at(path: Path, commit: str | None) -> str | None:
    """The text of ``path`` as it was at ``commit`` (``git show``), or None when git cannot provide it."""
    info = find_git_info(path.parent if path.parent.exists() else Path("."))
    if info is None or not commit:
        return None
    try:
        rel = relative_to_toplevel(path, info.toplevel)
    except HistoryError:
        return None
    proc = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=info.toplevel, capture_output=True, check=False)
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None
