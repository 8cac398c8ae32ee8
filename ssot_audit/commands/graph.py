"""``ssot-audit graph PATH``: export the module import graph (dot, graphml, json)."""

from __future__ import annotations

import argparse
from typing import Any

from ssot_audit.commands.common import (
    add_output_options, add_scan_options, effective_config, load_project, requested_outputs, write_output,
)

FORMATS = {"dot": "to_dot", "graphml": "to_graphml", "json": "to_json"}


def register(sub: Any) -> None:
    """Add the ``graph`` sub-command."""
    parser = sub.add_parser("graph", help="export the module import graph",
                            description="Export the import graph: nodes are modules, edges carry line, runtime, "
                            "TYPE_CHECKING and function-local attributes.")  # fmt: skip
    add_scan_options(parser)
    add_output_options(parser, sorted(FORMATS), "dot")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the graph and write each requested format."""
    config = effective_config(args)
    project = load_project(args, config)
    for spec in requested_outputs(args):
        write_output(getattr(project.graph, FORMATS[spec.format])(), spec.path)
    return 0
