"""Backfill the trend: scan past git revisions from temporary worktrees and record each scan.

The user's working tree is never touched: each revision is checked out into a temporary detached worktree
(``git worktree add --detach``), scanned, recorded, and the worktree removed. Revisions already recorded
(a clean scan of the same commit for the same project) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ssot_audit import api
from ssot_audit.config import Config
from ssot_audit.history.errors import HistoryError
from ssot_audit.history.git import GitInfo, detached_worktree, find_git_info, relative_to_toplevel, resolve_revisions
from ssot_audit.history.store import HistoryStore


@dataclass
class BackfillReport:
    """What a backfill did: commits recorded (with their scan ids) and commits skipped as already recorded."""

    recorded: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def project_label(path: Path) -> str:
    """The project label scans of ``path`` are recorded under: the scanned directory's name."""
    return path.resolve().name


def backfill(store: HistoryStore, path: Path, make_config: Callable[[Path], Config], *, revs: str | None = None,
             last: int | None = None, jobs: int | None = None, cache_dir: Path | None = None,
             progress: Callable[[str], None] | None = None) -> BackfillReport:  # fmt: skip
    """Scan ``path`` as it was at each revision of ``revs`` (``A..B``) or of the last ``last`` commits.

    ``make_config`` builds the configuration for the scanned directory inside the worktree, so each revision
    is scanned with the configuration it had (plus command-line overrides the caller applies).
    """
    info = find_git_info(path)
    if info is None:
        raise HistoryError(f"{path} is not inside a git repository: nothing to backfill")
    rel = relative_to_toplevel(path, info.toplevel)
    label = project_label(path)
    report = BackfillReport()
    for commit, commit_time in resolve_revisions(info.toplevel, revs=revs, last=last, path=rel):
        if store.has_commit(label, commit):
            report.skipped.append(commit)
            if progress:
                progress(f"{commit[:10]} already recorded, skipped")
            continue
        with detached_worktree(info.toplevel, commit) as tree:
            scan_dir = tree / rel if rel != "." else tree
            if not scan_dir.exists():
                if progress:
                    progress(f"{commit[:10]} has no {rel}, skipped")
                report.skipped.append(commit)
                continue
            config = make_config(scan_dir)
            result = api.audit(api.load_project(scan_dir, config, jobs=jobs, cache_dir=cache_dir), root_label=label)
        git = GitInfo(info.toplevel, commit, None, False, commit_time)
        scan_id = store.record(result, config_hash=config.digest(), git=git, root=label, root_path=path.resolve())
        report.recorded.append((commit, scan_id))
        if progress:
            progress(f"{commit[:10]} recorded as scan #{scan_id}: {len(result.findings)} findings")
    return report
