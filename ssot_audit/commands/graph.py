"""``ssot-audit graph PATH``: export the module import graph (dot, graphml, json)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ssot_audit import api
from ssot_audit.commands.common import add_output_options, add_scan_options, cache_dir, effective_config, write_output

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
    project = api.load_project(Path(args.path), config, jobs=args.jobs, cache_dir=cache_dir(args))
    for spec in args.outputs or [argparse.Namespace(format="dot", path=None)]:
        write_output(getattr(project.graph, FORMATS[spec.format])(), spec.path)
    return 0
