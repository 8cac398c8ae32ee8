"""All loading for the dashboard, cached: history scans, recorded results, a findings file, table rows, snippets.

Summaries, table rows and snippets use ``st.cache_data``; full results use ``st.cache_resource`` (see there).

Reads only through ssot-audit's public API (``ssot_audit.history``, ``ssot_audit.serialization``). Cache keys
include the file's modification stamp, so a scan recorded while the dashboard runs shows up on the next rerun.
Where the data comes from: ``st.session_state`` (set by tests), else the script arguments
(``streamlit run app.py -- --history FILE --findings FILE``), else ``SSOT_AUDIT_HISTORY`` / ``SSOT_AUDIT_FINDINGS``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

import derive
from ssot_audit import api
from ssot_audit.history import HistoryError, HistoryStore, ScanSummary, read_file_at
from ssot_audit.model import AuditResult, SourceExcerpt
from ssot_audit.model.impact import Ranking, rank
from ssot_audit.serialization import SerializationError, result_from_dict

FILE_SCAN_ID = 0  # the pseudo scan id of a --findings file


@dataclass(frozen=True, slots=True)
class Sources:
    """The history database and/or findings file the dashboard shows."""

    history: str | None
    findings: str | None


@dataclass(frozen=True, slots=True)
class Current:
    """What every page shows: one project's scan (or the findings file), and the scans around it."""

    sources: Sources
    root: str
    scan_id: int  # FILE_SCAN_ID for the findings file
    previous_id: int | None
    first_id: int | None


def sources() -> Sources:
    """Where the data comes from (session state > script arguments > environment)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--history")
    parser.add_argument("--findings")
    args, _ = parser.parse_known_args(sys.argv[1:])
    history = st.session_state.get("ssot_history") or args.history or os.environ.get("SSOT_AUDIT_HISTORY")
    findings = st.session_state.get("ssot_findings") or args.findings or os.environ.get("SSOT_AUDIT_FINDINGS")
    return Sources(str(history) if history else None, str(findings) if findings else None)


def stamp(path: str | None) -> tuple[int, ...]:
    """Modification stamp of a file (and its SQLite WAL): part of every cache key."""
    if not path:
        return ()
    parts: list[int] = []
    for p in (Path(path), Path(path + "-wal")):
        if p.exists():
            info = p.stat()
            parts += [info.st_mtime_ns, info.st_size]
    return tuple(parts)


@st.cache_data(show_spinner=False)
def load_scans(history: str, mtime: tuple[int, ...]) -> list[ScanSummary]:
    """Every recorded scan (summaries only), oldest first. ``mtime`` (``stamp``) is only part of the cache key."""
    with HistoryStore(history, create=False) as store:
        return store.find_scans()


# A result is immutable (frozen dataclasses), so it is cached as a shared resource: st.cache_data would pickle
# and unpickle it on every hit, which measured 0.49 s for 10,000 findings, more than reading it from SQLite.
@st.cache_resource(show_spinner="Loading scan…", max_entries=8)
def load_result(source: Sources, scan_id: int, mtime: tuple[int, ...]) -> AuditResult:
    """One scan's full result: a recorded scan, or the findings file for ``FILE_SCAN_ID``."""
    if scan_id == FILE_SCAN_ID:
        assert source.findings is not None
        try:
            return result_from_dict(json.loads(Path(source.findings).read_text(encoding="utf-8")))
        except (OSError, ValueError, SerializationError) as exc:
            raise HistoryError(f"{source.findings}: cannot read the findings file: {exc}") from exc
    assert source.history is not None
    with HistoryStore(source.history, create=False) as store:
        return store.get_result(scan_id)


def _stamp_for(source: Sources, scan_id: int) -> tuple[int, ...]:
    return stamp(source.findings if scan_id == FILE_SCAN_ID else source.history)


def result(cur: Current, scan_id: int | None = None) -> AuditResult:
    """The result of ``scan_id`` (default: the current scan)."""
    sid = cur.scan_id if scan_id is None else scan_id
    return load_result(cur.sources, sid, _stamp_for(cur.sources, sid))


@st.cache_resource(show_spinner=False, max_entries=8)
def _ranking(source: Sources, scan_id: int, mtime: tuple[int, ...]) -> Ranking:
    return rank(load_result(source, scan_id, mtime))


def ranking(cur: Current) -> Ranking:
    """Concepts and finding groups of the current scan by impact (``model.impact``, the ranking every output uses)."""
    return _ranking(cur.sources, cur.scan_id, _stamp_for(cur.sources, cur.scan_id))


def previous(cur: Current) -> AuditResult | None:
    """The scan before the current one (same project), if any."""
    return result(cur, cur.previous_id) if cur.previous_id is not None else None


def scans(cur: Current) -> list[ScanSummary]:
    """The current project's recorded scans, oldest first (empty without a history)."""
    if not cur.sources.history:
        return []
    return [s for s in load_scans(cur.sources.history, stamp(cur.sources.history)) if s.root == cur.root]


@st.cache_data(show_spinner=False, max_entries=8)
def _rows(source: Sources, scan_id: int, previous_id: int | None, mtime: tuple[int, ...]) -> list[dict[str, Any]]:
    cur = Current(source, "", scan_id, previous_id, None)
    return derive.finding_rows(result(cur), previous(cur))


def finding_rows(cur: Current) -> list[dict[str, Any]]:
    """Flat table rows of the current scan's findings, with concept and new-since-previous flags."""
    return _rows(cur.sources, cur.scan_id, cur.previous_id, _stamp_for(cur.sources, cur.scan_id))


@st.cache_data(show_spinner="Planning…", max_entries=8)
def _plan(source: Sources, first_id: int, scan_id: int, mtime: tuple[int, ...]) -> tuple[bool, list[dict[str, Any]]]:
    cur = Current(source, "", scan_id, None, first_id)
    first, now = result(cur, first_id), result(cur)
    planner = getattr(api, "plan", None)  # the planner may be absent from older versions of the package
    if planner is None:
        return False, derive.group_rows(first, now)
    return True, derive.step_rows(planner(first).find_steps(), now)


def plan_rows(cur: Current) -> tuple[bool, list[dict[str, Any]]]:
    """(from the planner?, rows): the plan of the first recorded scan with each step's progress in this scan."""
    first_id = cur.first_id if cur.first_id is not None else cur.scan_id
    return _plan(cur.sources, first_id, cur.scan_id, _stamp_for(cur.sources, cur.scan_id))


def root_path(cur: Current) -> str | None:
    """Absolute path of the scanned tree (for snippets), when the history knows it."""
    for scan in scans(cur):
        if scan.id == cur.scan_id:
            return scan.root_path
    return os.environ.get("SSOT_AUDIT_SOURCE") or (str(Path.cwd()) if cur.scan_id == FILE_SCAN_ID else None)


@st.cache_resource(show_spinner=False, max_entries=8)
def _excerpts(source: Sources, scan_id: int, mtime: tuple[int, ...]) -> dict[str, list[SourceExcerpt]]:
    by_path: dict[str, list[SourceExcerpt]] = {}
    for excerpt in load_result(source, scan_id, mtime).excerpts:
        by_path.setdefault(excerpt.path, []).append(excerpt)
    return by_path


def excerpt(cur: Current, path: str, line: int) -> SourceExcerpt | None:
    """The source lines around ``path:line`` that the scan recorded (a findings file carries them), if any."""
    found = _excerpts(cur.sources, cur.scan_id, _stamp_for(cur.sources, cur.scan_id)).get(path, [])
    return next((e for e in found if e.start <= line <= e.end), None)


def commit_of(cur: Current) -> str | None:
    """The commit of the current scan (clean scans only: a dirty tree's files are read from disk)."""
    for scan in scans(cur):
        if scan.id == cur.scan_id and not scan.dirty:
            return scan.commit
    return None


def inside(root: str, relpath: str) -> Path | None:
    """``root/relpath`` when it stays inside ``root`` once resolved (no ``..``, absolute path or symlink out)."""
    base = Path(root).resolve()
    path = (base / relpath).resolve()
    return path if path.is_relative_to(base) and path != base else None


@st.cache_data(show_spinner=False, max_entries=256)
def source_text(root: str, relpath: str, commit: str | None) -> tuple[str, str] | None:
    """(text, where) of a scanned file: from git at the scan's commit when possible, else from disk.

    Never outside ``root``: a findings file is data from elsewhere, and its paths may say ``../../etc/passwd``.
    """
    path = inside(root, relpath)
    if path is None:
        return None
    if commit:
        text = read_file_at(path, commit)
        if text is not None:
            return text, f"{relpath} @ {commit[:10]}"
    try:
        return path.read_text(encoding="utf-8", errors="replace"), f"{relpath} (working tree)"
    except OSError:
        return None
