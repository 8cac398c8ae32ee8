"""``ssot-audit scan PATH``: analyse, report, and set the exit code."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ssot_audit import api
from ssot_audit.commands.common import add_fail_on, add_output_options, add_scan_options, effective_config, write_output
from ssot_audit.commands.history import add_record_options, record_scan
from ssot_audit.model import AuditResult, Severity
from ssot_audit.reporters import REPORTERS


def register(sub: Any) -> None:
    """Add the ``scan`` sub-command."""
    parser = sub.add_parser("scan", help="scan a codebase and report SSOT findings",
                            description="Scan a Python codebase and report where its single sources of truth split.")  # fmt: skip
    add_scan_options(parser)
    add_output_options(parser, sorted(REPORTERS), "text")
    add_fail_on(parser)
    add_record_options(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")
    parser.set_defaults(run=run)


def exit_code(result: AuditResult, fail_on: str, exit_zero: bool) -> int:
    """1 when a finding is at or above ``fail_on`` (unless ``exit_zero``), else 0."""
    if exit_zero or fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in result.findings) else 0


def run(args: argparse.Namespace) -> int:
    """Scan, write every requested output, return the exit code."""
    config = effective_config(args)
    started = time.perf_counter()
    project = api.load_project(Path(args.path), config, jobs=args.jobs)
    result = api.audit(project)
    for spec in args.outputs or [argparse.Namespace(format="text", path=None)]:
        write_output(REPORTERS[spec.format](result), spec.path)
    if not args.quiet and any(spec.path for spec in args.outputs or []):
        elapsed = time.perf_counter() - started
        print(f"ssot-audit: {len(result.findings)} findings in {result.stats.files} files ({elapsed:.1f}s)",
              file=sys.stderr)  # fmt: skip
    if args.record:
        record_scan(args, config, result)
    return exit_code(result, config.fail_on, args.exit_zero)
