"""``ssot-audit rules [CODE]``: the rule table, or one rule's full documentation."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ssot_audit.commands.common import UsageError, write_output
from ssot_audit.rules import ALL_RULES
from ssot_audit.selection import suggest_rule


def register(sub: Any) -> None:
    """Add the ``rules`` sub-command."""
    parser = sub.add_parser("rules", help="list the rules (or explain one)",
                            description="List every rule: code, name, default severity, summary.")  # fmt: skip
    parser.add_argument("rule", nargs="?", help="a code or name: print its documentation")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the table or one rule's doc."""
    infos = [r.info for r in ALL_RULES]
    if args.rule:
        wanted = args.rule.strip()
        match = [i for i in infos if wanted.upper() == i.code or wanted == i.name]
        if not match:
            raise UsageError(f"unknown rule '{wanted}'{suggest_rule(wanted, infos)} (see `ssot-audit rules`)")
        info = match[0]
        write_output(f"{info.code} {info.name} (default severity: {info.default_severity.value}; fix: {info.fix})"
                     f"\n\n{info.doc}\n", None)  # fmt: skip
        return 0
    if args.format == "json":
        rows = [{"code": i.code, "name": i.name, "summary": i.summary, "severity": i.default_severity.value,
                 "fix": i.fix, "options": [o.name for o in i.options]} for i in infos]  # fmt: skip
        write_output(json.dumps(rows, indent=2) + "\n", None)
        return 0
    lines = [f"{'code':<8} {'name':<34} {'severity':<8} {'fix':<6} summary"]
    lines += [f"{i.code:<8} {i.name:<34} {i.default_severity.value:<8} {i.fix:<6} {i.summary}" for i in infos]
    write_output("\n".join(lines) + "\n", None)
    return 0
