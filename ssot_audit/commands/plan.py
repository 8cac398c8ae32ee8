"""``ssot-audit plan PATH``: scan, then print the consolidation plan (text, JSON or Markdown)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ssot_audit import api
from ssot_audit.commands.common import (
    UsageError, add_output_options, add_scan_options, effective_config, load_project, requested_outputs, write_output,
)
from ssot_audit.model import ConsolidationPlan
from ssot_audit.reporters import PLAN_REPORTERS, plan_markdown


def register(sub: Any) -> None:
    """Add the ``plan`` sub-command."""
    parser = sub.add_parser("plan", help="plan the way back to one source of truth",
                            description="Scan, then print an ordered consolidation plan per concept and split symbol: "
                            "canonical choice, method matrix, steps with files, blast radius and a verify command.")  # fmt: skip
    add_scan_options(parser)
    add_output_options(parser, sorted(PLAN_REPORTERS), "text")
    parser.add_argument("--concept", metavar="NAME", help="only the plan of this concept (or split symbol)")
    parser.add_argument("--limit", type=int, default=0, metavar="N",
                        help="only the N most important plans (ranked by impact); the total still counts all")  # fmt: skip
    parser.set_defaults(run=run)


def select_plans(plan: ConsolidationPlan, args: argparse.Namespace) -> ConsolidationPlan:
    """``--concept`` then ``--limit``; an unknown concept is a usage error that names the closest ones."""
    if args.concept:
        try:
            plan = plan.only(args.concept)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    return plan.limited(args.limit)


def write_markdown(plan: ConsolidationPlan, path: str | None) -> None:
    """The Markdown plan within an issue's size; when written to FILE and cut, the complete plan goes beside it
    (``plan.md`` -> ``plan.full.md``) and the short one names it as the attachment."""
    if path is None or path == "-":
        write_output(plan_markdown.render(plan), None)
        return
    target = Path(path)
    full = target.with_name(f"{target.stem}.full{target.suffix or '.md'}")
    short = plan_markdown.render(plan, attachment=full.name)
    complete = plan_markdown.render_full(plan)
    write_output(short if short != complete else complete, path)
    if short != complete:
        write_output(complete, str(full))


def run(args: argparse.Namespace) -> int:
    """Scan and write each requested plan format; exit 0 (a plan is not a verdict)."""
    config = effective_config(args)
    outputs = requested_outputs(args)
    result = api.audit(load_project(args, config))
    plan = select_plans(api.plan(result), args)
    for spec in outputs:
        if spec.format == "markdown":
            write_markdown(plan, spec.path)
        else:
            write_output(PLAN_REPORTERS[spec.format](plan), spec.path)
    return 0
