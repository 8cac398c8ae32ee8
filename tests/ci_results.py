"""Hand-built results for the CI reporter tests: small, exact, and independent of rule behaviour."""

from __future__ import annotations

import os
from pathlib import Path

from ssot_audit.model import (
    AuditResult,
    BaselineComparison,
    BaselineEntry,
    Confidence,
    Finding,
    Location,
    Related,
    RuleInfo,
    ScanStats,
    Severity,
    SuppressedFinding,
)

GOLDEN = Path(__file__).resolve().parent / "golden"

DOC_401 = """An ``await`` on a plain ``def``.

## What it does
Finds ``await f()`` where ``f`` is synchronous.

## Why is this bad?
TypeError at run time."""

RULE_INFO = (
    RuleInfo("SSOT101", "duplicate-concept-implementation", "Classes implementing one concept.", Severity.WARNING,
             "Classes implementing one concept.\n\n## What it does\nFinds clusters."),
    RuleInfo("SSOT401", "await-on-sync-callable", "An ``await`` on a plain ``def``.", Severity.ERROR, DOC_401),
)

AWAIT = Finding(
    "SSOT401", "await-on-sync-callable", "await on get_manager(), which is a plain def: 100% a TypeError, a|b",
    "drop the await", Severity.ERROR, Confidence.HIGH, Location("app/api,v2/routes.py", 12, 15, 12, 33, "app.routes.f"),
    "fp401", (Related(Location("app/factory.py", 3, 1, 4, None, "app.factory.get_manager"), "get_manager is defined here"),),
)  # fmt: skip
CLUSTER = Finding(
    "SSOT101", "duplicate-concept-implementation", "3 classes implement the concept 'ws': Manager and Unified, Conn",
    "keep Manager", Severity.WARNING, Confidence.MEDIUM, Location("app/manager.py", 1, 1, 9, None, "app.manager.Manager"),
    "fp101", (Related(Location("app/unified.py", 1, 1, symbol="app.unified.Unified"), "duplicate Unified"),
              Related(Location("tests/conn.py", 5, 1, symbol="tests.conn.Conn"), "duplicate Conn")),
    in_tests=False,
)  # fmt: skip
NOTE = Finding(
    "SSOT103", "shim-subclass", "Shim subclasses Base and adds nothing:\nremove it", "import Base", Severity.NOTE,
    Confidence.HIGH, Location("tests/shim.py", 7, 1, symbol="tests.shim.Shim"), "fp103", in_tests=True,
)  # fmt: skip
SILENCED = SuppressedFinding(
    Finding("SSOT401", "await-on-sync-callable", "await on legacy()", "drop the await", Severity.ERROR,
            Confidence.HIGH, Location("app/legacy.py", 4, 5, symbol="app.legacy.g"), "fp401b"),
    Location("app/legacy.py", 4, 30), "patched in tests",
)  # fmt: skip
STATS = ScanStats(files=12, lines=340, modules=11, parse_failures=1)


def plain_result() -> AuditResult:
    """Three findings, one suppressed, no baseline."""
    return AuditResult("0.1.0", "repo", STATS, (AWAIT, CLUSTER, NOTE), rules=("SSOT101", "SSOT103", "SSOT401"),
                       suppressed=(SILENCED,), rule_info=RULE_INFO)  # fmt: skip


def baseline_result() -> AuditResult:
    """One new finding against a baseline that absorbed 40, with fixed and stale entries."""
    comparison = BaselineComparison(
        ".ssot-audit-baseline.json", 40,
        fixed=(BaselineEntry("SSOT201", "app/old_import.py", "app.old_import", "fpf", 2, "divergent-import-path"),),
        stale=(BaselineEntry("SSOT104", "app/deleted|x.py", "app.deleted.get_x", "fps", 1, "duplicate-factory"),),
        unchanged_findings=(CLUSTER,),  # (a real comparison would hold all 40)
    )  # fmt: skip
    return AuditResult("0.1.0", "repo", STATS, (AWAIT,), rules=("SSOT101", "SSOT401"), rule_info=RULE_INFO,
                       baseline=comparison)  # fmt: skip


def check_golden(name: str, text: str) -> None:
    """Compare with ``tests/golden/NAME``; ``SSOT_UPDATE_GOLDEN=1`` rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("SSOT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with SSOT_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")
