"""The history store: the only module of ssot-audit that imports ``sqlite3``.

One SQLite file (WAL journal, every write in a ``BEGIN IMMEDIATE`` transaction, a busy timeout) so several
scans can record into the same file at once. A file this version cannot read (not SQLite, corrupt, another
application's, a newer schema) raises ``HistoryError`` and is left untouched: never a silent reset.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ssot_audit.history.errors import HistoryError
from ssot_audit.history.git import GitInfo
from ssot_audit.history.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS
from ssot_audit.history.summary import counts_by_concept, counts_by_rule
from ssot_audit.model import AuditResult
from ssot_audit.serialization import SerializationError, result_from_dict, result_to_dict

DEFAULT_DIR = ".ssot-audit"
DEFAULT_FILE = "history.db"


def default_history_path(root: Path) -> Path:
    """``<root>/.ssot-audit/history.db``: used only when recording was asked for and no ``--history`` given."""
    return root / DEFAULT_DIR / DEFAULT_FILE


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """One recorded scan without its findings: metadata and counts (what trend charts need)."""

    id: int
    recorded_at: str
    root: str
    root_path: str | None
    commit: str | None
    branch: str | None
    dirty: bool
    commit_time: str | None
    tool_version: str
    config_hash: str
    total: int
    by_rule: dict[str, int] = field(default_factory=dict)
    by_concept: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A human label: ``#3 2026-11-21 20:15 @ 1a2b3c4`` (commit time for a clean commit, else record time)."""
        when = (self.commit_time if self.commit_time and not self.dirty else self.recorded_at)[:16].replace("T", " ")
        return f"#{self.id} {when}{self._at()}"

    @property
    def short_label(self) -> str:
        """A chart-axis label: ``#3 1a2b3c4`` (``+`` when the tree was dirty), or ``#3 11-21 20:15`` without git."""
        return f"#{self.id}{self._at()}" if self.commit else f"#{self.id} {self.recorded_at[5:16].replace('T', ' ')}"

    def _at(self) -> str:
        return f" @ {self.commit[:7]}{'+' if self.dirty else ''}" if self.commit else ""


_SCAN_COLUMNS = ("id, recorded_at, root, root_path, git_commit, git_branch, git_dirty, commit_time, tool_version, "
                 "config_hash, total")  # fmt: skip
_ORDER = "ORDER BY COALESCE(commit_time, recorded_at), recorded_at, id"


class HistoryStore:
    """A history file, opened (created and migrated when needed). Use as a context manager or call ``close``."""

    def __init__(self, path: Path | str, *, create: bool = True, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise HistoryError(f"{self.path}: no such history file (record one with `ssot-audit scan --record`)")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif self.path.is_dir():
            raise HistoryError(f"{self.path}: is a directory, not a history file")
        try:
            self._conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: cannot open the history file ({exc})") from exc
        try:
            with self._errors("open"):
                self._conn.execute("PRAGMA foreign_keys = ON")
                self._check_and_migrate()
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "not a database" in text or "malformed" in text or "corrupt" in text:
                raise HistoryError(f"{self.path}: not a readable ssot-audit history database ({text}); the file "
                                   "was left untouched: move it away or pass another --history FILE") from exc  # fmt: skip
            raise HistoryError(f"{self.path}: history database error during {action}: {text}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; ``BEGIN IMMEDIATE`` takes the write lock up front (waits up to the timeout)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- schema ----------------------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_ours(self, version: int) -> None:
        app_id = int(self._conn.execute("PRAGMA application_id").fetchone()[0])
        if version > LATEST_VERSION:
            raise HistoryError(f"{self.path}: history schema version {version} is newer than this ssot-audit "
                               f"understands ({LATEST_VERSION}); upgrade ssot-audit (the file was not changed)")  # fmt: skip
        if app_id not in (0, APPLICATION_ID):
            raise HistoryError(f"{self.path}: is an SQLite file of another application (application_id {app_id})")
        if version == 0 and self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise HistoryError(f"{self.path}: is an SQLite file with tables but no ssot-audit schema; "
                               "refusing to write into it")  # fmt: skip

    def _set_wal(self) -> None:
        # Switching to WAL needs a moment of exclusive access; another process opening the same new file may hold
        # it, so retry briefly instead of failing.
        for attempt in range(50):
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.05)

    def _check_and_migrate(self) -> None:
        # The version and the table count must come from one snapshot: read in two autocommit statements, another
        # process creating the schema in between made a new file look like "tables but no ssot-audit schema".
        self._conn.execute("BEGIN")
        try:
            version = self.schema_version  # raises "file is not a database" for garbage
            self._check_ours(version)
        finally:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        if version == LATEST_VERSION:
            self._set_wal()
            return
        self._set_wal()
        with self._write() as conn:
            version = self.schema_version  # re-read under the write lock: another process may have migrated
            self._check_ours(version)
            for migration in MIGRATIONS:
                if migration.version <= version:
                    continue
                for statement in migration.statements:
                    conn.execute(statement)
                if migration.data_step is not None:
                    try:
                        migration.data_step(conn)
                    except (SerializationError, ValueError) as exc:
                        raise HistoryError(f"{self.path}: migration to schema {migration.version} failed: {exc}") from exc
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    # -- writing ---------------------------------------------------------------------------------------------

    def record(self, result: AuditResult, *, config_hash: str, git: GitInfo | None = None, root: str | None = None,
               root_path: Path | str | None = None, recorded_at: datetime | None = None) -> int:  # fmt: skip
        """Store one scan (metadata, counts per rule and concept, the full result as JSON); return its id."""
        when = (recorded_at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        payload = json.dumps(result_to_dict(result), sort_keys=True, separators=(",", ":"))
        by_rule = counts_by_rule(result.findings)
        by_concept = counts_by_concept(result.findings, result.concepts)
        with self._errors("record"), self._write() as conn:
            cur = conn.execute(
                "INSERT INTO scans (recorded_at, root, root_path, git_commit, git_branch, git_dirty, commit_time, "
                "tool_version, config_hash, total, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (when, root if root is not None else result.root, str(root_path) if root_path else None,
                 git.commit if git else None, git.branch if git else None, int(bool(git and git.dirty)),
                 git.commit_time if git else None, result.tool_version, config_hash, len(result.findings), payload),
            )  # fmt: skip
            scan_id = int(cur.lastrowid or 0)
            conn.executemany("INSERT INTO rule_counts (scan_id, code, count) VALUES (?, ?, ?)",
                             [(scan_id, code, n) for code, n in by_rule.items()])  # fmt: skip
            conn.executemany("INSERT INTO concept_counts (scan_id, concept, count) VALUES (?, ?, ?)",
                             [(scan_id, name, n) for name, n in by_concept.items()])  # fmt: skip
        return scan_id

    # -- reading ---------------------------------------------------------------------------------------------

    def has_commit(self, root: str, commit: str) -> bool:
        """Whether a clean (non-dirty) scan of ``commit`` of project ``root`` is already recorded."""
        with self._errors("lookup"):
            row = self._conn.execute("SELECT 1 FROM scans WHERE root = ? AND git_commit = ? AND git_dirty = 0 LIMIT 1",
                                     (root, commit)).fetchone()  # fmt: skip
        return row is not None

    def find_scans(self, root: str | None = None) -> list[ScanSummary]:
        """Recorded scans (of one project, or all), oldest first (by commit time, then record time)."""
        where, params = ("WHERE root = ?", (root,)) if root is not None else ("", ())
        with self._errors("read"):
            rows = self._conn.execute(f"SELECT {_SCAN_COLUMNS} FROM scans {where} {_ORDER}", params).fetchall()
            rules = self._counts("rule_counts", "code")
            concepts = self._counts("concept_counts", "concept")
        return [self._summary(row, rules.get(row[0], {}), concepts.get(row[0], {})) for row in rows]

    def get_result(self, scan_id: int) -> AuditResult:
        """The full result of one recorded scan, read back through ``result_from_dict``."""
        with self._errors("read"):
            row = self._conn.execute("SELECT result_json FROM scans WHERE id = ?", (scan_id,)).fetchone()
        if row is None:
            raise HistoryError(f"{self.path}: no scan #{scan_id}")
        try:
            return result_from_dict(json.loads(row[0]))
        except (SerializationError, ValueError) as exc:
            raise HistoryError(f"{self.path}: scan #{scan_id} cannot be read back: {exc}") from exc

    def _counts(self, table: str, key: str) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        for scan_id, name, n in self._conn.execute(f"SELECT scan_id, {key}, count FROM {table} ORDER BY {key}"):
            counts.setdefault(scan_id, {})[name] = n
        return counts

    @staticmethod
    def _summary(row: tuple[Any, ...], by_rule: dict[str, int], by_concept: dict[str, int]) -> ScanSummary:
        return ScanSummary(id=row[0], recorded_at=row[1], root=row[2], root_path=row[3], commit=row[4], branch=row[5],
                           dirty=bool(row[6]), commit_time=row[7], tool_version=row[8], config_hash=row[9],
                           total=row[10], by_rule=by_rule, by_concept=by_concept)  # fmt: skip
