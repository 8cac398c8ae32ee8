"""Baseline files, the ratchet: accept today's findings, fail only on new ones, let the file only shrink.

A baseline records findings by fingerprint (no line numbers, so edits that move code keep it) with a count
(two identical new findings are not absorbed by one old entry). The file is JSON, sorted and stable, one entry
per finding kind, so a change to it reads well in a review.

Comparing a scan with a baseline gives the new findings (to gate on), how many were absorbed, the entries that
were fixed (the baseline can shrink) and the stale ones (their file is no longer scanned or their rule no longer
exists). Nothing here grows a baseline: ``shrink_entries`` only ever lowers counts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from ssot_audit.model import BaselineComparison, BaselineEntry, Finding
from ssot_audit.serialization import SerializationError

SCHEMA = "ssot-audit-baseline"
VERSION = 1
_KEYS = ("code", "name", "path", "symbol", "fingerprint", "count")


class BaselineError(SerializationError):
    """A baseline file that cannot be read or is not what this version of ssot-audit writes."""


def _order(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.path, entry.code, entry.symbol, entry.fingerprint)


def entries_from_findings(findings: Iterable[Finding]) -> tuple[BaselineEntry, ...]:
    """One entry per fingerprint, with how many findings share it; sorted by path, code, symbol, fingerprint."""
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for finding in findings:
        counts[finding.fingerprint] += 1
        first.setdefault(finding.fingerprint, finding)
    entries = (BaselineEntry(f.code, f.location.path, f.location.symbol, fp, counts[fp], f.name) for fp, f in first.items())
    return tuple(sorted(entries, key=_order))


def dumps_baseline(entries: Iterable[BaselineEntry]) -> str:
    """The baseline file's text: deterministic (sorted entries, fixed key order, no timestamps or versions)."""
    rows = [{"code": e.code, "name": e.name, "path": e.path, "symbol": e.symbol, "fingerprint": e.fingerprint,
             "count": e.count} for e in sorted(entries, key=_order)]  # fmt: skip
    return json.dumps({"schema": SCHEMA, "version": VERSION, "entries": rows}, indent=2, ensure_ascii=False) + "\n"


def _entry(row: Any, number: int) -> BaselineEntry:
    if not isinstance(row, dict) or not all(isinstance(row.get(k), str) for k in _KEYS[:-1]):
        raise BaselineError(f"entry {number} must have string fields {', '.join(_KEYS[:-1])}")
    count = row.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"entry {number} ({row['fingerprint']}): 'count' must be a positive integer, got {count!r}")
    return BaselineEntry(row["code"], row["path"], row["symbol"], row["fingerprint"], count, row["name"])


def loads_baseline(text: str) -> tuple[BaselineEntry, ...]:
    """Parse a baseline file's text; entries with the same fingerprint are merged (counts added)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"not JSON: {exc}") from None
    except RecursionError:  # the standard parser recurses per nested ``[``/``{``
        raise BaselineError("JSON nested too deeply to be a baseline") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise BaselineError(f"not an ssot-audit baseline (expected \"schema\": \"{SCHEMA}\")")
    if data.get("version") != VERSION:
        raise BaselineError(f"baseline version {data.get('version')!r}; this ssot-audit reads {VERSION}")
    rows = data.get("entries")
    if not isinstance(rows, list):
        raise BaselineError("'entries' must be a list")
    return _merge([_entry(row, number) for number, row in enumerate(rows, 1)])


def _merge(entries: Iterable[BaselineEntry]) -> tuple[BaselineEntry, ...]:
    """One entry per fingerprint (counts added), sorted."""
    merged: dict[str, BaselineEntry] = {}
    for entry in entries:
        old = merged.get(entry.fingerprint)
        merged[entry.fingerprint] = entry if old is None else BaselineEntry(
            old.code, old.path, old.symbol, old.fingerprint, old.count + entry.count, old.name)  # fmt: skip
    return tuple(sorted(merged.values(), key=_order))


def read_baseline(path: Path) -> tuple[BaselineEntry, ...]:
    """Read a baseline file; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (record one with --write-baseline {path})") from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    try:
        return loads_baseline(text)
    except BaselineError as exc:
        raise BaselineError(f"{path}: {exc}") from None


def compare(
    findings: Sequence[Finding],
    entries: Sequence[BaselineEntry],
    *,
    scanned_paths: Collection[str],
    known_codes: Collection[str],
    ran_codes: Collection[str],
    label: str = "",
) -> tuple[tuple[Finding, ...], BaselineComparison]:
    """Split ``findings`` into new ones and ones the baseline absorbs; classify what is left of the baseline.

    Findings are matched in report order, so with multiplicity the later duplicates are the new ones. Entries
    of rules that did not run this time (``--select``) are neither fixed nor stale: they were not checked.
    """
    entries = _merge(entries)
    budget = Counter({e.fingerprint: e.count for e in entries})
    new: list[Finding] = []
    unchanged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        if budget[finding.fingerprint] > 0:
            budget[finding.fingerprint] -= 1
            unchanged.append(finding)
        else:
            new.append(finding)
    fixed, stale = [], []
    for entry in entries:
        left = budget[entry.fingerprint]
        if left <= 0:
            continue
        rest = BaselineEntry(entry.code, entry.path, entry.symbol, entry.fingerprint, left, entry.name)
        if entry.code not in known_codes or entry.path not in scanned_paths:
            stale.append(rest)
        elif entry.code in ran_codes:
            fixed.append(rest)
    return tuple(new), BaselineComparison(label, len(unchanged), tuple(fixed), tuple(stale), tuple(unchanged))


def shrink_entries(entries: Sequence[BaselineEntry], findings: Iterable[Finding], *,
                   unchecked_codes: Collection[str] = ()) -> tuple[BaselineEntry, ...]:  # fmt: skip
    """The baseline with fixed and stale findings removed and nothing added: each count lowered to what remains.

    Entries of ``unchecked_codes`` (known rules that did not run this time) are kept as they are.
    """
    current = Counter(f.fingerprint for f in findings)
    kept = (e if e.code in unchecked_codes else
            BaselineEntry(e.code, e.path, e.symbol, e.fingerprint, min(e.count, current[e.fingerprint]), e.name)
            for e in entries)  # fmt: skip
    return tuple(sorted((e for e in kept if e.count > 0), key=_order))
