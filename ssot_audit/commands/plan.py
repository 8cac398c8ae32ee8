"""``ssot-audit plan PATH``: scan, then print the consolidation plan (text, JSON or Markdown)."""

from __future__ import annotations

import argparse
from typing import Any

from ssot_audit import api
from ssot_audit.commands.common import (
    add_output_options, add_scan_options, effective_config, load_project, requested_outputs, write_output,
)
from ssot_audit.reporters import PLAN_REPORTERS


def register(sub: Any) -> None:
    """Add the ``plan`` sub-command."""
    parser = sub.add_parser("plan", help="plan the way back to one source of truth",
                            description="Scan, then print an ordered consolidation plan per concept and split symbol: "
                            "canonical choice, method matrix, steps with files, blast radius and a verify command.")  # fmt: skip
    add_scan_options(parser)
    add_output_options(parser, sorted(PLAN_REPORTERS), "text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Scan and write each requested plan format; exit 0 (a plan is not a verdict)."""
    config = effective_config(args)
    result = api.audit(load_project(args, config))
    plan = api.plan(result)
    for spec in requested_outputs(args):
        write_output(PLAN_REPORTERS[spec.format](plan), spec.path)
    return 0
