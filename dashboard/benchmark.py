"""How the dashboard copes with a large scan: ``python3 dashboard/benchmark.py [N]`` (default 10,000 findings).

Builds a synthetic history of two scans (N findings, then N minus 5%) by replicating sample_repo's findings
under distinct paths and fingerprints, then times: reading a scan back from the store, the cached loader (first
call and cache hit), and AppTest runs of the Findings and Overview pages (cold, then a filter change).
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ssot_audit import api  # noqa: E402
from ssot_audit.history import HistoryStore  # noqa: E402
from ssot_audit.model import AuditResult, Finding  # noqa: E402


def synthetic(n: int) -> AuditResult:
    """sample_repo's result with its findings replicated to ``n``, each copy under its own directory."""
    base = api.scan(HERE.parent / "sample_repo", jobs=1)
    findings: list[Finding] = []
    copy = 0
    while len(findings) < n:
        for f in base.findings:
            if len(findings) == n:
                break
            loc = dataclasses.replace(f.location, path=f"pkg{copy:04d}/{f.location.path}")
            findings.append(dataclasses.replace(f, location=loc, fingerprint=f"{copy:04d}{f.fingerprint}"))
        copy += 1
    return dataclasses.replace(base, findings=tuple(sorted(findings, key=lambda f: f.sort_key)))


def _timed(label: str, fn: Callable[[], object]) -> object:
    start = time.perf_counter()
    value = fn()
    print(f"{label:<58} {time.perf_counter() - start:7.3f} s")
    return value


def main(n: int = 10_000) -> None:
    """Build the history and print the timings."""
    warnings.filterwarnings("ignore")
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import data

    db = Path(tempfile.mkdtemp(prefix="ssot-audit-bench-")) / "history.db"
    big = synthetic(n)
    older = dataclasses.replace(big, findings=big.findings[: n - n // 20])
    with HistoryStore(db) as store:
        first = store.record(older, config_hash="bench", root="bench", root_path=HERE.parent / "sample_repo")
        last = store.record(big, config_hash="bench", root="bench", root_path=HERE.parent / "sample_repo")
        print(f"history {db}: scans #{first} ({len(older.findings)} findings), #{last} ({n} findings), "
              f"{db.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        _timed(f"store.get_result, {n} findings (JSON -> AuditResult)", lambda: store.get_result(last))
    src = data.Sources(str(db), None)
    _timed("data.load_result, first call (cache miss)", lambda: data.load_result(src, last, data.stamp(str(db))))
    _timed("data.load_result, second call (cache hit)", lambda: data.load_result(src, last, data.stamp(str(db))))
    _timed("data.finding_rows, first call (cache miss)", lambda: data.finding_rows(data.Current(src, "bench", last, first, first)))
    _timed("data.finding_rows, second call (cache hit)", lambda: data.finding_rows(data.Current(src, "bench", last, first, first)))
    def select_ssot401(at: AppTest) -> None:
        at.multiselect(key="f_codes").select("SSOT401")

    changes: tuple[tuple[str, Callable[[AppTest], None] | None], ...] = (
        ("findings", select_ssot401), ("overview", None), ("plan", None),
    )
    for page, change in changes:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(HERE / "app.py"), default_timeout=120)
        at.session_state["ssot_history"] = str(db)
        at.switch_page(f"app_pages/{page}.py")
        _timed(f"AppTest {page} page, first run (caches cleared)", at.run)
        assert at.title[0].value != "", at.title
        assert not at.exception, at.exception
        _timed(f"AppTest {page} page, rerun (warm caches)", at.run)
        if page == "findings":
            assert any(c.value == f"{n} of {n} findings" for c in at.caption), "the table does not hold every finding"
        if change is not None:
            change(at)
            _timed(f"AppTest {page} page, filter change (rule = SSOT401)", at.run)
            assert not at.exception, at.exception


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
