"""Scan history: an embedded SQLite store of recorded scans, and backfill from past git revisions.

``store`` is the only module of ssot-audit that imports ``sqlite3`` (an import-linter contract holds it);
``schema`` holds the versioned migrations; ``git`` reads commit metadata and manages temporary worktrees;
``backfill`` scans past revisions without touching the user's working tree.
"""

from ssot_audit.history.errors import HistoryError
from ssot_audit.history.git import GitInfo, find_git_info, read_file_at
from ssot_audit.history.store import HistoryStore, ScanSummary, default_history_path
from ssot_audit.history.summary import concept_of, counts_by_concept, counts_by_rule

__all__ = [
    "GitInfo",
    "HistoryError",
    "HistoryStore",
    "ScanSummary",
    "concept_of",
    "counts_by_concept",
    "counts_by_rule",
    "default_history_path",
    "find_git_info",
    "read_file_at",
]
