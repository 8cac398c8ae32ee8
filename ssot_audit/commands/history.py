"""``ssot-audit history PATH --revs A..B | --last N``: backfill the trend; and ``scan --record`` support.

Recording writes into ``<PATH>/.ssot-audit/history.db`` unless ``--history FILE`` is given: the tool only writes
into the scanned tree when asked to record.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ssot_audit.commands.common import add_scan_options, cache_dir, effective_config
from ssot_audit.config import Config
from ssot_audit.history import HistoryStore, default_history_path
from ssot_audit.history.git import find_git_info
from ssot_audit.history.backfill import backfill, project_label
from ssot_audit.model import AuditResult


def add_history_option(parser: argparse.ArgumentParser) -> None:
    """``--history FILE``."""
    parser.add_argument("--history", metavar="FILE",
                        help="history database (default: PATH/.ssot-audit/history.db)")  # fmt: skip


def add_record_options(parser: argparse.ArgumentParser) -> None:
    """``--record`` and ``--history FILE`` for ``scan``."""
    parser.add_argument("--record", action="store_true",
                        help="store this scan in the history database (see --history)")  # fmt: skip
    add_history_option(parser)


def history_path(args: argparse.Namespace) -> Path:
    """``--history FILE``, else ``<scanned path>/.ssot-audit/history.db``."""
    if getattr(args, "history", None):
        return Path(args.history)
    root = Path(args.path)
    return default_history_path(root if root.is_dir() else root.parent)


def check_history(args: argparse.Namespace) -> None:
    """Refuse a corrupt, foreign or newer history file before scanning, not after a full parse."""
    target = history_path(args)
    if target.exists():
        with HistoryStore(target, create=False):
            pass


def record_scan(args: argparse.Namespace, config: Config, result: AuditResult) -> int:
    """Record ``result`` (a scan of ``args.path`` with ``config``) into the history; return the scan id."""
    path = Path(args.path)
    target = history_path(args)
    with HistoryStore(target) as store:
        scan_id = store.record(result, config_hash=config.digest(), git=find_git_info(path), root=project_label(path),
                               root_path=path.resolve())  # fmt: skip
    if not getattr(args, "quiet", False):
        print(f"ssot-audit: recorded scan #{scan_id} in {target}", file=sys.stderr)
    return scan_id


def register(sub: Any) -> None:
    """Add the ``history`` sub-command."""
    parser = sub.add_parser("history", help="backfill the scan history from past git revisions",
                            description="Scan past git revisions of PATH (each from a temporary worktree; your "
                            "working tree is never touched) and record them, skipping revisions already recorded.")  # fmt: skip
    add_scan_options(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--revs", metavar="A..B", help="revisions to scan: a git range A..B or one revision")
    which.add_argument("--last", type=int, metavar="N", help="the last N commits that changed PATH")
    add_history_option(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Backfill and print what was recorded and skipped."""
    effective_config(args)  # validate PATH and the options before creating any worktree

    def make_config(scan_dir: Path) -> Config:
        return effective_config(argparse.Namespace(**{**vars(args), "path": str(scan_dir)}))

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"ssot-audit: {line}", file=sys.stderr)

    target = history_path(args)
    with HistoryStore(target) as store:
        report = backfill(store, Path(args.path), make_config, revs=args.revs, last=args.last, jobs=args.jobs,
                          progress=progress, cache_dir=cache_dir(args))  # fmt: skip
    print(f"{len(report.recorded)} revisions recorded, {len(report.skipped)} skipped, in {target}")
    return 0
