"""``ssot-audit fix PATH``: apply the mechanical fixes; a unified diff by default, ``--write`` to change files.

``--select``/``--ignore`` choose which findings to fix; every configured rule still runs, so the check that a fix
adds no new finding covers them all. ``scan --fix`` (ruff's spelling) reuses ``apply_safe_fixes`` below.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssot_audit import api
from ssot_audit.commands.common import UsageError, add_scan_options, cache_dir, effective_config, write_output
from ssot_audit.config import Config
from ssot_audit.model import Finding
from ssot_audit.rules import ALL_RULES
from ssot_audit.selection import build_selection

if TYPE_CHECKING:  # the fix layer (libcst: 0.2 s to import) loads only when a command builds fixes
    from ssot_audit.fixing import FixOptions, FixOutcome


def register(sub: Any) -> None:
    """Add the ``fix`` sub-command."""
    parser = sub.add_parser("fix", help="apply the mechanical fixes (a diff first; --write to change files)",
                            description="Rewrite await misuses and import paths with concrete-syntax-tree codemods. "
                            "Without --write, print a unified diff and change nothing.")  # fmt: skip
    add_scan_options(parser)
    add_fix_options(parser)
    parser.add_argument("--write", action="store_true", help="write the fixed files (atomically) instead of a diff")
    parser.add_argument("--unsafe", action="store_true", help="also apply fixes that change behaviour (SSOT402, ...)")
    parser.add_argument("--concept", metavar="NAME", help="only the mechanical steps of this concept's plan")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on standard error")
    parser.set_defaults(run=run)


def add_fix_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``fix`` and ``scan --fix``."""
    parser.add_argument("--allow-dirty", action="store_true",
                        help="write even when the git work tree has uncommitted changes (or is not a git tree)")  # fmt: skip


def _config(args: argparse.Namespace) -> Config:
    """The project's configuration with every rule it enables (``--select`` picks fixes, not rules)."""
    plain = argparse.Namespace(**{**vars(args), "select": None, "ignore": None, "extend_select": None})
    return effective_config(plain)


def _split(values: list[str] | str | None) -> list[str]:
    """Comma-separated and repeated ``--select``/``--ignore`` values, flattened."""
    given = [values] if isinstance(values, str) else values or []
    return [v.strip() for value in given for v in value.split(",") if v.strip()]


def _wanted(args: argparse.Namespace, config: Config) -> Callable[[Finding], bool]:
    """Which findings to fix: ``--select``/``--ignore`` on codes, and ``--concept``'s mechanical plan steps."""
    chosen = (_split(args.select) or ["SSOT"]) + _split(getattr(args, "extend_select", None))
    selection = build_selection(chosen, _split(args.ignore), [r.info for r in ALL_RULES])
    concept_ids: set[str] | None = None
    if args.concept:
        result = api.audit(api.load_project(Path(args.path), config, jobs=args.jobs, cache_dir=cache_dir(args)))
        plans = [p for p in api.plan(result).concepts if p.concept == args.concept]
        if not plans:
            known = ", ".join(sorted(p.concept for p in api.plan(result).concepts)) or "none"
            raise UsageError(f"unknown concept '{args.concept}' (concepts with a plan: {known})")
        concept_ids = {fp for step in plans[0].steps if step.mechanical for fp in step.resolves}

    def wanted(finding: Finding) -> bool:
        return selection.is_enabled(finding.code) and (concept_ids is None or finding.fingerprint in concept_ids)

    return wanted


def unified_diff(outcome: FixOutcome) -> str:
    """A ``git apply``-able unified diff of every changed file (text decoded in the file's own encoding)."""
    from ssot_audit.fix.text import SourceError, SourceText  # noqa: PLC0415 - see TYPE_CHECKING above

    chunks: list[str] = []
    for path in sorted(outcome.after):
        try:
            source = SourceText.decode(outcome.before[path])
            new = SourceText.decode(outcome.after[path]).text
        except SourceError:
            continue
        old_lines, new_lines = source.text.splitlines(keepends=True), new.splitlines(keepends=True)
        for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}"):
            chunks.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def summary(outcome: FixOutcome, refused: dict[str, str], *, wrote: bool) -> str:
    """Files changed, fixes applied by rule, fixes skipped and why, files left untouched."""
    by_code = Counter(f.code for f in outcome.applied)
    verb = "fixed" if wrote else "would fix"
    changed = len(outcome.after) - len(refused)
    lines = [f"ssot-audit: {verb} {len(outcome.applied)} findings in {changed} files "
             f"({', '.join(f'{c} {n}' for c, n in sorted(by_code.items())) or 'none'}); "
             f"{len(outcome.skipped)} fixable findings skipped; {len(outcome.result.findings)} findings remain"]  # fmt: skip
    for item in outcome.skipped:
        loc = item.finding.location
        lines.append(f"  skipped {item.finding.code} {loc.path}:{loc.line}: {item.reason}")
    for path, why in sorted({**outcome.rejected, **refused}.items()):
        lines.append(f"  left untouched {path}: {why}")
    return "\n".join(lines) + "\n"


def apply_safe_fixes(args: argparse.Namespace, config: Config, options: FixOptions) -> FixOutcome:
    """Fix in memory; with ``args.write``, check the work tree and write. Prints the summary unless quiet."""
    from ssot_audit.fixing import fix_tree, git_dirty, write_fixed  # noqa: PLC0415 - see TYPE_CHECKING above

    root = Path(args.path)
    if args.write and not args.allow_dirty:
        dirty = git_dirty(root)
        if dirty is not None:
            raise UsageError(f"refusing to write: {dirty}; commit or stash first, or pass --allow-dirty")
    outcome = fix_tree(root, config, options)
    refused = write_fixed(root, outcome) if args.write else {}
    if not args.quiet:
        print(summary(outcome, refused, wrote=args.write), end="", file=sys.stderr)
    return outcome


def run(args: argparse.Namespace) -> int:
    """Dry run: print the diff, exit 1 when there is one. ``--write``: exit 1 when a file was left untouched."""
    from ssot_audit.fixing import FixOptions  # noqa: PLC0415 - see TYPE_CHECKING above

    config = _config(args)
    options = FixOptions(_wanted(args, config), unsafe=args.unsafe, jobs=args.jobs, cache_dir=cache_dir(args))
    outcome = apply_safe_fixes(args, config, options)
    if not args.write:
        write_output(unified_diff(outcome), None)
        return 1 if outcome.after else 0
    return 1 if outcome.rejected else 0

