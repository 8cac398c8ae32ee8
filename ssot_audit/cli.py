"""The command-line shell: parse arguments -> api -> reporter -> exit code. No analysis here.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it; 2 usage, configuration or I/O error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ssot_audit import __version__
from ssot_audit.commands import COMMANDS
from ssot_audit.commands.common import UsageError
from ssot_audit.config import ConfigError
from ssot_audit.history import HistoryError
from ssot_audit.serialization import SerializationError

EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per command."""
    parser = argparse.ArgumentParser(
        prog="ssot-audit",
        description="Find where a Python codebase lost its Single Source Of Truth, and plan the way back.",
    )
    parser.add_argument("--version", action="version", version=f"ssot-audit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors 2
        return int(exc.code or 0)
    try:
        return int(args.run(args))
    except (ConfigError, UsageError, SerializationError, HistoryError) as exc:
        print(f"ssot-audit: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"ssot-audit: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("ssot-audit: interrupted", file=sys.stderr)
        return 130


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
