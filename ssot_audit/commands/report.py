"""``ssot-audit report findings.json``: render a saved scan (``scan --format json``) without the source tree."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ssot_audit.commands.common import (
    UsageError, add_output_options, add_text_options, requested_outputs, text_options, write_output,
)
from ssot_audit.model.escape import visible_fields
from ssot_audit.reporters import REPORTERS, text
from ssot_audit.serialization import SerializationError, result_from_dict


def register(sub: Any) -> None:
    """Add the ``report`` sub-command."""
    parser = sub.add_parser("report", help="render a saved findings.json (HTML by default)",
                            description="Rebuild a report (and its consolidation plan) from a findings file written "
                            "by `ssot-audit scan --format json`; the scanned tree is not needed.")  # fmt: skip
    parser.add_argument("findings", help="findings file written by `ssot-audit scan --format json`")
    add_output_options(parser, sorted(REPORTERS), "html")
    add_text_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read, validate, render each requested format."""
    path = Path(args.findings)
    if not path.is_file():
        raise UsageError(f"findings file does not exist: {args.findings}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SerializationError(f"{args.findings} is not JSON: {exc}") from exc
    except RecursionError:  # the standard parser recurses per nested ``[``/``{``
        raise SerializationError(f"{args.findings}: JSON nested too deeply to be a findings file") from None
    outputs = requested_outputs(args)
    try:
        result = result_from_dict(data)
    except SerializationError as exc:
        raise SerializationError(f"{args.findings}: {exc}") from None
    for spec in outputs:
        if spec.format == "text":
            write_output(text.render(visible_fields(result), text_options(args, spec.path)), spec.path)
        else:
            write_output(REPORTERS[spec.format](result), spec.path)
    return 0
