"""The history store: schema version, migrations, concurrent writers, corrupt / foreign / newer files."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from ssot_audit.history import HistoryError, HistoryStore
from ssot_audit.history.summary import counts_by_concept
from ssot_audit.history.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS
from ssot_audit.model import AuditResult
from ssot_audit.serialization import result_to_dict
from tests.helpers import scan_project, write_project

PROJECT = {
    "app/__init__.py": "",
    "app/manager.py": """
        class WebSocketManager:
            def connect(self): ...
            def send(self): ...
            def close(self): ...
    """,
    "app/other_manager.py": """
        class OtherWebSocketManager:
            def connect(self): ...
            def send(self): ...
            def close(self): ...
    """,
    "app/use.py": """
        from app.manager import WebSocketManager

        async def go(m: WebSocketManager):
            await m.send()
    """,
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    root = write_project(tmp_path_factory.mktemp("proj"), PROJECT)
    return scan_project(root)


def test_record_and_read_back(tmp_path: Path, result: AuditResult) -> None:
    db = tmp_path / "sub" / "history.db"
    with HistoryStore(db) as store:
        assert store.schema_version == LATEST_VERSION
        scan_id = store.record(result, config_hash="abc", root="proj")
        assert store.get_result(scan_id) == result
        (summary,) = store.find_scans()
    assert summary.root == "proj" and summary.total == len(result.findings) > 0
    assert sum(summary.by_rule.values()) == len(result.findings)
    assert summary.by_concept == counts_by_concept(result.findings, result.concepts)
    assert summary.by_concept and max(summary.by_concept.values()) > 0
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_scans_are_ordered_by_commit_time_then_record_order(tmp_path: Path, result: AuditResult) -> None:
    from ssot_audit.history.git import GitInfo

    with HistoryStore(tmp_path / "h.db") as store:
        live = store.record(result, config_hash="c", root="p")
        old = store.record(result, config_hash="c", root="p",
                           git=GitInfo(tmp_path, "a" * 40, None, False, "2001-01-01T00:00:00+00:00"))  # fmt: skip
        assert [s.id for s in store.find_scans("p")] == [old, live]
        assert store.has_commit("p", "a" * 40) and not store.has_commit("p", "b" * 40)
        assert store.find_scans("other") == []


def _create_v1(db: Path, result: AuditResult) -> None:
    conn = sqlite3.connect(db)
    for statement in MIGRATIONS[0].statements:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("INSERT INTO scans (recorded_at, root, tool_version, config_hash, total, result_json) "
                 "VALUES ('2026-01-01T00:00:00+00:00', 'proj', '0.0.9', 'x', ?, ?)",
                 (len(result.findings), json.dumps(result_to_dict(result))))  # fmt: skip
    conn.commit()
    conn.close()


def test_migrates_a_version_1_file_and_fills_concept_counts(tmp_path: Path, result: AuditResult) -> None:
    db = tmp_path / "old.db"
    _create_v1(db, result)
    with HistoryStore(db) as store:
        assert store.schema_version == LATEST_VERSION == 2
        (summary,) = store.find_scans()
        assert summary.by_concept == counts_by_concept(result.findings, result.concepts)
        assert summary.commit_time is None and summary.dirty is False
        assert store.get_result(summary.id) == result


def test_corrupt_file_is_a_clear_error_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    garbage = b"this is not sqlite at all\n" * 100
    db.write_bytes(garbage)
    with pytest.raises(HistoryError, match="not a readable ssot-audit history database"):
        HistoryStore(db)
    assert db.read_bytes() == garbage


def _sqlite(db: Path, *statements: str) -> Path:
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return db


def test_newer_schema_is_refused_without_changes(tmp_path: Path) -> None:
    db = _sqlite(tmp_path / "history.db", "CREATE TABLE future (x)", f"PRAGMA user_version = {LATEST_VERSION + 1}",
                 f"PRAGMA application_id = {APPLICATION_ID}")  # fmt: skip
    before = db.read_bytes()
    with pytest.raises(HistoryError, match="newer than this ssot-audit understands"):
        HistoryStore(db)
    assert db.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = _sqlite(tmp_path / "other.db", "CREATE TABLE customers (name)")
    with pytest.raises(HistoryError, match="no ssot-audit schema"):
        HistoryStore(db)


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="no such history file"):
        HistoryStore(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def _writer(args: tuple[str, str, int]) -> list[int]:
    db, payload, n = args
    from ssot_audit.serialization import result_from_dict

    result = result_from_dict(json.loads(payload))
    ids = []
    for _ in range(n):
        with HistoryStore(db) as store:  # open (and possibly create / migrate) concurrently, too
            ids.append(store.record(result, config_hash="c", root="proj"))
    return ids


def test_concurrent_writers_do_not_corrupt_the_file(tmp_path: Path, result: AuditResult) -> None:
    db = str(tmp_path / "shared.db")  # created by the racing processes themselves
    payload = json.dumps(result_to_dict(result))
    # Separate interpreters (not forks of this multi-threaded test process) race to create and write the file.
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(4) as pool:
        batches = pool.map(_writer, [(db, payload, 5)] * 4)
    ids = sorted(i for batch in batches for i in batch)
    assert ids == list(range(1, 21))
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM rule_counts").fetchone()[0] == 20 * len({f.code for f in result.findings})
    with HistoryStore(db) as store:
        assert all(store.get_result(i) == result for i in (1, 20))


def test_only_the_store_imports_sqlite3() -> None:
    import ast

    package = Path(__file__).resolve().parent.parent / "ssot_audit"
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])  # fmt: skip
            if any(n.split(".")[0] == "sqlite3" for n in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"history/store.py"}
