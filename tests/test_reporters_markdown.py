"""markdown: the step summary / PR comment, checked against reviewed golden files."""

from __future__ import annotations

from dataclasses import replace

from ssot_audit.reporters import REPORTERS
from ssot_audit.reporters import markdown

from tests.ci_results import AWAIT, baseline_result, check_golden, plain_result


def test_plain_summary_golden() -> None:
    check_golden("summary.md", REPORTERS["markdown"](plain_result()))


def test_baseline_summary_golden() -> None:
    check_golden("summary_baseline.md", REPORTERS["markdown"](baseline_result()))


def test_top_findings_are_capped_and_counted() -> None:
    many = tuple(replace(AWAIT, fingerprint=f"fp{i}", location=replace(AWAIT.location, line=i)) for i in range(1, 26))
    text = REPORTERS["markdown"](replace(plain_result(), findings=many, suppressed=()))
    assert text.count("| error | SSOT401 |") == markdown.TOP
    assert text.endswith(f"... and {25 - markdown.TOP} more (see the full report).\n")


def test_clean_scan_says_so() -> None:
    text = REPORTERS["markdown"](replace(plain_result(), findings=(), suppressed=()))
    assert text == ("## ssot-audit: 0 findings\n\nScanned 12 files (340 lines, 1 skipped) in `repo`: **0 findings**.\n")
