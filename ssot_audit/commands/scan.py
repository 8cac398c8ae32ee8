"""``ssot-audit scan PATH``: analyse, report, and set the exit code."""

from __future__ import annotations

import argparse
import functools
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from ssot_audit import api
from ssot_audit.baseline import dumps_baseline, entries_from_findings, read_baseline, shrink_entries
from ssot_audit.commands.common import (
    add_fail_on, add_output_options, add_scan_options, add_text_options, cache_dir, effective_config,
    requested_outputs, text_options, warn_nothing_scanned, write_output,
)
from ssot_audit.commands.fix import add_fix_options, apply_safe_fixes
from ssot_audit.commands.history import add_record_options, check_history, record_scan
from ssot_audit.commands.progress import ProgressBar
from ssot_audit.config import Config
from ssot_audit.model import AuditResult, Severity
from ssot_audit.model.escape import visible_fields
from ssot_audit.reporters import REPORTERS, json_splice, text, text_view


def register(sub: Any) -> None:
    """Add the ``scan`` sub-command."""
    parser = sub.add_parser("scan", help="scan a codebase and report SSOT findings",
                            description="Scan a Python codebase and report where its single sources of truth split.")  # fmt: skip
    add_scan_options(parser)
    add_output_options(parser, sorted(REPORTERS), "text")
    add_text_options(parser)
    add_fail_on(parser)
    add_record_options(parser)
    parser.add_argument("--watch", action="store_true", help="scan again whenever a file changes (through the "
                        "cache: only changed files are parsed; an unchanged tree is not scanned again)")  # fmt: skip
    parser.add_argument("--poll", type=float, default=1.0, metavar="SECONDS", help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line or progress bar on standard error")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes (written, like `fix --write`), "
                        "then report what remains")  # fmt: skip
    add_fix_options(parser)
    parser.add_argument("--baseline", metavar="FILE", help="report and gate only findings not recorded in FILE; "
                        "say which recorded ones were fixed or are stale")  # fmt: skip
    parser.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE (exit 0); with "
                        "--baseline, write that baseline minus what was fixed, never adding new findings")  # fmt: skip
    parser.set_defaults(run=run)


def exit_code(worst: int, fail_on: str, exit_zero: bool) -> int:
    """1 when the worst finding's severity rank (-1: none) is at or above ``fail_on`` (unless ``exit_zero``)."""
    if exit_zero or fail_on == "never":
        return 0
    return 1 if worst >= Severity(fail_on).rank else 0


def run(args: argparse.Namespace) -> int:
    """Scan, write every requested output, return the exit code; with ``--watch``, again on every change."""
    config = effective_config(args)
    if args.record:
        check_history(args)
    code = _scan_once(args, config)
    if not args.watch:
        return code
    stamps = api.tree_stamps(Path(args.path), config)
    print("ssot-audit: watching for changes (Ctrl-C stops)", file=sys.stderr)
    try:
        while True:
            time.sleep(args.poll)
            now = api.tree_stamps(Path(args.path), config)
            if now != stamps:
                stamps = now
                code = _scan_once(args, config)
    except KeyboardInterrupt:
        return code


def _scan_once(args: argparse.Namespace, config: Config) -> int:
    outputs = requested_outputs(args)  # a bad combination fails before the scan, not after it
    started = time.perf_counter()
    progress = ProgressBar(enabled=not args.quiet)
    carry_fixes = any(spec.format in ("json", "sarif") for spec in outputs)
    try:
        if args.fix:  # the findings that remain after the safe fixes are written
            from ssot_audit.fixing import FixOptions  # noqa: PLC0415 - see _with_fixes

            progress.close()
            fixed = apply_safe_fixes(argparse.Namespace(**{**vars(args), "write": True}), config,
                                     FixOptions(jobs=args.jobs, cache_dir=cache_dir(args)))  # fmt: skip
            result = fixed.result
            if carry_fixes:
                result = _with_fixes(fixed.project, result)
            project = api.scanned_project(fixed.project, result)
        else:
            finish = _with_fixes if carry_fixes else None  # editors and bots can apply them
            project = api.scan_tree(Path(args.path), config, jobs=args.jobs, progress=progress,
                                    cache_dir=cache_dir(args), finish=finish, finish_name="fixes")  # fmt: skip
    finally:
        progress.close()
    summary = project.summary  # what a scan that changed nothing needs of its result: it never loads the findings
    for note in project.skipped:
        print(f"ssot-audit: note: {note}", file=sys.stderr)
    if summary.files == 0:
        warn_nothing_scanned(args.path, config)
    for note in project.notes:
        print(f"ssot-audit: note: {note}", file=sys.stderr)
    reported = _baseline(args, project) if args.baseline or args.write_baseline else None
    if reported is not None:
        summary = api.ResultSummary.of(reported)
    baseline = _baseline_digest(args)
    last = project.last  # the last result and its key, when the scan kept them (``api.render``)
    for spec in outputs:
        reporter, name = REPORTERS[spec.format], spec.format
        incremental: api.Incremental | None = json_splice.incremental if spec.format == "json" else None
        if spec.format == "text":
            options = text_options(args, spec.path)
            reporter = functools.partial(_text, options=options)
            incremental = text_view.incremental(functools.partial(text.render, options=options))
            name = f"text|{options!r}"
        rendered = api.render(project, name + baseline, reporter, reported, incremental=incremental, last=last)
        write_output(rendered, spec.path, inert=True)
    if not args.quiet and any(spec.path for spec in args.outputs or []):
        elapsed = time.perf_counter() - started
        print(f"ssot-audit: {summary.findings} findings in {summary.files} files ({elapsed:.1f}s)", file=sys.stderr)
    if args.record:
        record_scan(args, config, project.result)
    if args.write_baseline and not args.baseline:
        return 0
    return exit_code(summary.worst, config.fail_on, args.exit_zero)


def _with_fixes(project: api.Loaded | api.Project, result: AuditResult,
                kept: dict[str, object] | None = None) -> AuditResult:  # fmt: skip
    """``fixing.with_fixes``, imported when a result is built: the fix layer (libcst, 0.2 s to import) is not
    needed when the saved report is reused or the output carries no fixes."""
    from ssot_audit.fixing import with_fixes  # noqa: PLC0415

    return with_fixes(project, result, kept)


def _text(result: AuditResult, options: text.TextOptions) -> str:
    """The text report, with what the scanned tree put into the result made visible."""
    return text.render(visible_fields(result), options)


def _baseline_digest(args: argparse.Namespace) -> str:
    """What a baseline adds to the name of a saved report: its label and content (empty without one)."""
    if not args.baseline:
        return ""
    return f"|baseline={args.baseline}|{hashlib.sha256(Path(args.baseline).read_bytes()).hexdigest()}"


def _baseline(args: argparse.Namespace, project: api.Scanned) -> AuditResult:
    """Apply ``--baseline`` and write ``--write-baseline``; the result to report and gate on."""
    full = project.result
    result, entries = full, None
    if args.baseline:
        entries = read_baseline(Path(args.baseline))
        result = api.apply_baseline(full, project, entries, label=args.baseline)
        if not args.quiet:
            b = result.baseline
            assert b is not None
            print(f"ssot-audit: baseline {args.baseline}: {len(result.findings)} new, {b.unchanged} unchanged, "
                  f"{b.fixed_count} fixed, {b.stale_count} stale", file=sys.stderr)  # fmt: skip
    if args.write_baseline:
        if entries is None:
            written = entries_from_findings(full.findings)
        else:
            unchecked = set(full.rules) - {r.code for r in full.rule_info}  # known rules deselected this run
            written = shrink_entries(entries, full.findings, unchecked_codes=unchecked)
        write_output(dumps_baseline(written), args.write_baseline)
        if not args.quiet:
            print(f"ssot-audit: wrote {sum(e.count for e in written)} findings ({len(written)} entries) to "
                  f"{args.write_baseline}", file=sys.stderr)  # fmt: skip
    return result
