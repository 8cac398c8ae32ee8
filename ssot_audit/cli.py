"""The command-line shell: parse arguments -> api -> reporter -> exit code. No analysis here.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it; 2 usage, configuration or I/O error.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from ssot_audit import __version__
from ssot_audit.commands import COMMANDS
from ssot_audit.commands.common import UsageError
from ssot_audit.config import ConfigError
from ssot_audit.history import HistoryError
from ssot_audit.serialization import SerializationError

EXIT_ERROR = 2
_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<wrong>[^']*)' \(choose from (?P<choices>.*)\)")


class Parser(argparse.ArgumentParser):
    """argparse with suggestions: ``invalid choice: 'scna'`` says ``did you mean 'scan'?``."""

    def error(self, message: str) -> NoReturn:
        """Add the closest valid choice to an invalid-choice error."""
        match = _INVALID_CHOICE.search(message)
        if match:
            choices = re.findall(r"'([^']*)'", match.group("choices"))
            close = difflib.get_close_matches(match.group("wrong"), choices, n=1)
            if close:
                message += f"; did you mean '{close[0]}'?"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per command."""
    parser = Parser(
        prog="ssot-audit",
        description="Find where a Python codebase lost its Single Source Of Truth, and plan the way back.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"ssot-audit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            _unknown_arguments(parser, args, unknown)
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


def _unknown_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace, unknown: list[str]) -> NoReturn:
    """Name the first unknown option with the closest known one (``--formt`` -> ``--format``); an unknown option
    must not silently turn its value into the scanned path."""
    sub = _subparser(parser, getattr(args, "command", None)) or parser
    options = [o for action in sub._actions for o in action.option_strings]
    for arg in unknown:
        if arg.startswith("-") and arg != "-":
            name = arg.split("=", 1)[0]
            close = difflib.get_close_matches(name, options, n=1)
            sub.error(f"unknown option '{name}'" + (f"; did you mean '{close[0]}'?" if close else ""))
    sub.error(f"unrecognized arguments: {' '.join(unknown)}")


def _subparser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return None


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
