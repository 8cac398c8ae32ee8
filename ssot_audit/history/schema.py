"""The history database schema, as numbered migrations. No sqlite3 import here: ``store`` applies them.

The schema version lives in ``PRAGMA user_version``; ``PRAGMA application_id`` marks the file as ours, so a
foreign SQLite file is refused instead of being written into. Migrations only ever move forward, each in the
same transaction as the version bump, so a crash leaves the file at the old or the new version, never between.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ssot_audit.history.summary import counts_by_concept
from ssot_audit.serialization import result_from_dict

APPLICATION_ID = 0x55A0_7A01  # "SSOT audit" history file, v1 of the file format family


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: the SQL that brings version ``version - 1`` to ``version``, and an optional data step.

    ``data_step`` receives the open connection (inside the migration's transaction) for work SQL alone cannot do.
    """

    version: int
    description: str
    statements: tuple[str, ...]
    data_step: Callable[[Any], None] | None = None


V1 = Migration(
    1,
    "scans with their findings (JSON) and counts per rule",
    (
        """CREATE TABLE scans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recorded_at TEXT NOT NULL,          -- UTC, ISO 8601; timestamps live here, never in scan output
            root TEXT NOT NULL,                 -- project label (directory name of the scanned root)
            root_path TEXT,                     -- absolute path scanned (for source snippets), if known
            git_commit TEXT,
            git_branch TEXT,
            tool_version TEXT NOT NULL,
            config_hash TEXT NOT NULL,
            total INTEGER NOT NULL,
            result_json TEXT NOT NULL           -- ssot_audit.serialization.result_to_dict, as JSON
        )""",
        """CREATE TABLE rule_counts (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (scan_id, code)
        )""",
    ),
)

def _fill_concept_counts(conn: Any) -> None:
    """Compute the per-concept counts of scans recorded before version 2, from their stored findings."""
    rows = conn.execute("SELECT id, result_json FROM scans").fetchall()
    for scan_id, text in rows:
        result = result_from_dict(json.loads(text))
        counts = counts_by_concept(result.findings, result.concepts)
        conn.executemany("INSERT INTO concept_counts (scan_id, concept, count) VALUES (?, ?, ?)",
                         [(scan_id, name, n) for name, n in counts.items()])  # fmt: skip


V2 = Migration(
    2,
    "counts per concept, commit time and dirty flag (backfilled scans sort by commit time)",
    (
        "ALTER TABLE scans ADD COLUMN commit_time TEXT",
        "ALTER TABLE scans ADD COLUMN git_dirty INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE concept_counts (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            concept TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (scan_id, concept)
        )""",
        "CREATE INDEX scans_by_root_commit ON scans (root, git_commit)",
    ),
    data_step=lambda conn: _fill_concept_counts(conn),
)

MIGRATIONS: tuple[Migration, ...] = (V1, V2)
LATEST_VERSION = MIGRATIONS[-1].version
