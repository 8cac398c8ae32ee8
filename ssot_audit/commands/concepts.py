"""``ssot-audit concepts PATH``: each concept with its members, roles, names, rejected candidates and why; as text,
JSON, or a configuration block to paste (``--format toml``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ssot_audit import api
from ssot_audit.commands.common import (
    add_output_options, add_scan_options, effective_config, load_project, requested_outputs, write_output,
)
from ssot_audit.reporters.concepts import CONCEPT_REPORTERS


def register(sub: Any) -> None:
    """Add the ``concepts`` sub-command."""
    parser = sub.add_parser("concepts", help="explain the concepts: members, roles, rejected candidates",
                            description="Scan, then print each concept (configured or discovered) with its canonical "
                            "class and why, its factories, its members and their roles (duplicate, shim, guard, "
                            "test double, orphaned copy...), every name a class is known by, the classes a name "
                            "pattern matched but the role test rejected (and why), and configuration warnings. "
                            "--format toml prints a [tool.ssot-audit.concepts] block to paste.")  # fmt: skip
    add_scan_options(parser)
    add_output_options(parser, sorted(CONCEPT_REPORTERS), "text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Scan and write each requested format; exit 0 (an explanation is not a verdict)."""
    config = effective_config(args)
    project = load_project(args, config)
    for note in project.concepts.notes:
        print(f"ssot-audit: note: {note}", file=sys.stderr)
    result = api.audit(project)
    for spec in requested_outputs(args):
        write_output(CONCEPT_REPORTERS[spec.format](result), spec.path)
    return 0
