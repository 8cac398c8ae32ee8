"""Options and helpers shared by commands: scan options, output specs, writing outputs."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssot_audit import api
from ssot_audit.analysis.cache import default_cache_dir
from ssot_audit.config import FAIL_ON_VALUES, Config, load_config
from ssot_audit.model.escape import inert_output
from ssot_audit.pathmatch import GitIgnore
from ssot_audit.reporters.text import OUTPUT_FORMATS, Style, TextOptions


class UsageError(Exception):
    """A bad combination of command-line arguments (exit 2)."""


@dataclass
class OutputSpec:
    """One ``--format`` and the ``-o`` file it goes to (stdout when None)."""

    format: str
    path: str | None = None


class FormatAction(argparse.Action):
    """``--format F`` starts a new output; ``-o FILE`` sets the file of the latest one."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:  # fmt: skip
        outputs = list(getattr(namespace, "outputs", None) or [])
        outputs.append(OutputSpec(str(values)))
        namespace.outputs = outputs


class OutputAction(argparse.Action):
    """See ``FormatAction``."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:  # fmt: skip
        outputs = list(getattr(namespace, "outputs", None) or [])
        if not outputs or outputs[-1].path is not None:
            default = outputs[-1].format if outputs else namespace.default_format
            outputs.append(OutputSpec(default))
        outputs[-1].path = str(values)
        namespace.outputs = outputs


def add_output_options(parser: argparse.ArgumentParser, formats: list[str], default: str) -> None:
    """``--format`` / ``-o`` pairs; several allowed (``--format sarif -o a.sarif --format text``)."""
    parser.set_defaults(outputs=None, default_format=default)
    parser.add_argument("--format", action=FormatAction, choices=formats, metavar="FORMAT",
                        help=f"output format: {', '.join(formats)} (default: {default}); repeat for several outputs")  # fmt: skip
    parser.add_argument("-o", "--output", action=OutputAction, metavar="FILE",
                        help="write the preceding --format to FILE instead of standard output")  # fmt: skip


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1 (``-j 0`` or ``-j -3`` is a usage error, exit 2)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return number


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """Options every command that scans a tree accepts."""
    parser.add_argument("path", nargs="?", default=".", help="directory (or file) to scan (default: .)")
    parser.add_argument("--config", metavar="FILE", help="read settings from FILE instead of the nearest pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files (zero-config)")
    # Repeated and comma-separated values accumulate (ruff's semantics): --select A --select B,C selects all three.
    parser.add_argument("--select", metavar="CODES", action="append", help="codes, prefixes (SSOT4) or names to run "
                        "instead of the config's select (comma-separated, repeatable)")  # fmt: skip
    parser.add_argument("--extend-select", metavar="CODES", action="append",
                        help="codes, prefixes or names to run on top of the selection (comma-separated, repeatable)")  # fmt: skip
    parser.add_argument("--ignore", metavar="CODES", action="append",
                        help="codes, prefixes or names to skip, added to the config's ignore (comma-separated, repeatable)")  # fmt: skip
    parser.add_argument("--exclude", metavar="GLOBS", action="append",
                        help="globs of paths to skip, added to the config's exclude (comma-separated, repeatable)")  # fmt: skip
    parser.add_argument("--no-respect-gitignore", action="store_true",
                        help="also scan what .gitignore files and .git/info/exclude ignore")  # fmt: skip
    parser.add_argument("--no-tests", action="store_true", help="drop findings located in test code")
    parser.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                        help="worker processes (default and maximum: the CPUs available)")  # fmt: skip
    parser.add_argument("--cache-dir", metavar="DIR", help="reuse per-file results of unchanged files from DIR "
                        "(default: $XDG_CACHE_HOME/ssot-audit or ~/.cache/ssot-audit; never inside the scanned tree)")  # fmt: skip
    parser.add_argument("--no-cache", action="store_true", help="analyse every file afresh and write no cache")


def requested_outputs(args: argparse.Namespace) -> list[OutputSpec]:
    """The ``--format``/``-o`` pairs given, or the command's default format to standard output.

    Two formats on standard output would be one unparseable stream: every format but one needs ``-o FILE``.
    """
    outputs = list(args.outputs or [OutputSpec(args.default_format)])
    to_stdout = [o.format for o in outputs if o.path in (None, "-")]
    if len(to_stdout) > 1:
        raise UsageError(f"{len(to_stdout)} formats ({', '.join(to_stdout)}) would go to standard output: "
                         "give all but one of them -o FILE")  # fmt: skip
    return outputs


def add_text_options(parser: argparse.ArgumentParser) -> None:
    """How the text format looks: ruff's --output-format names, --statistics, --show-source, --color."""
    parser.add_argument("--output-format", choices=OUTPUT_FORMATS, default="full",
                        help="shape of the text format: full (default, most important first), concise (one line "
                        "per finding), grouped (by file)")  # fmt: skip
    parser.add_argument("--statistics", action="store_true", help="text format: only the count of findings per rule")
    parser.add_argument("--show-source", action="store_true", help="text format: show the source lines of each finding")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text format: auto (a terminal, unless NO_COLOR is set), always, never")  # fmt: skip


def text_options(args: argparse.Namespace, path: str | None) -> TextOptions:
    """The text reporter's options for an output going to ``path`` (None: standard output)."""
    color = getattr(args, "color", "never")
    if color == "auto":
        tty = path in (None, "-") and _isatty(sys.stdout)
        enabled = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    else:
        enabled = color == "always"
    return TextOptions(output_format=getattr(args, "output_format", "full"), statistics=getattr(args, "statistics", False),
                       show_source=getattr(args, "show_source", False), style=Style(enabled))  # fmt: skip


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def load_project(args: argparse.Namespace, config: Config, progress: Callable[[int, int], None] | None = None
                 ) -> api.Project:  # fmt: skip
    """Load the scanned tree the way every scanning command does (path, jobs, cache from the command line); say on
    standard error what was not scanned (an empty scan is not silent: exit codes stay those of the findings)."""
    project = api.load_project(Path(args.path), config, jobs=args.jobs, progress=progress, cache_dir=cache_dir(args))
    close = getattr(progress, "close", None)
    if callable(close):
        close()  # a progress line must not swallow the notes below
    for note in project.notes:
        print(f"ssot-audit: note: {note}", file=sys.stderr)
    if project.files == 0:
        warn_nothing_scanned(args.path, config)
    return project


def warn_nothing_scanned(path: str, config: Config) -> None:
    """Say why a scan found no file: a .gitignore above the directory ignores it, or `paths`/`exclude`."""
    why = "check `paths` and `exclude`"
    if config.respect_gitignore and GitIgnore.for_root(Path(path)).ignored("", is_dir=True):
        why = "a .gitignore above it ignores the directory: pass --no-respect-gitignore to scan it anyway"
    print(f"ssot-audit: warning: no Python files to scan in {path} ({why})", file=sys.stderr)


def cache_dir(args: argparse.Namespace) -> Path | None:
    """The per-file cache directory the command line asks for (None with --no-cache)."""
    if args.no_cache:
        return None
    return Path(args.cache_dir) if args.cache_dir else default_cache_dir()


def _split(values: list[str] | str | None) -> tuple[str, ...] | None:
    """Every comma-separated value of a repeated option, in order; None when the option was not given."""
    if values is None:
        return None
    items = [values] if isinstance(values, str) else values
    return tuple(v.strip() for value in items for v in value.split(",") if v.strip())


def effective_config(args: argparse.Namespace) -> Config:
    """defaults < config file < command line."""
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"path does not exist: {args.path}")
    config = load_config(root, Path(args.config) if args.config else None, isolated=args.isolated)
    exclude = _split(args.exclude)
    select = _split(args.select)
    extend = _split(getattr(args, "extend_select", None)) or ()
    if extend:  # on top of what would run otherwise (an empty select means every rule)
        select = (select if select is not None else config.select or ("SSOT",)) + extend
    ignore = _split(args.ignore)
    config = config.with_overrides(
        select=select,
        ignore=(config.ignore + ignore) if ignore else None,
        exclude=(config.exclude + exclude) if exclude else None,
        include_tests=False if args.no_tests else None,
        fail_on=getattr(args, "fail_on", None),
        respect_gitignore=False if getattr(args, "no_respect_gitignore", False) else None,
    )
    api.check_config(config)  # unknown --select entries or rule options: before any file is parsed
    return config


def add_fail_on(parser: argparse.ArgumentParser) -> None:
    """``--fail-on`` and ``--exit-zero``."""
    parser.add_argument("--fail-on", choices=FAIL_ON_VALUES, help="lowest severity that makes the exit code 1 "
                        "(default: warning, or fail-on from the config)")  # fmt: skip
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings are reported")


def write_output(text: str | bytes, path: str | None, *, inert: bool = False) -> None:
    """Write to ``path`` (creating parent directories) or to standard output.

    A file is replaced atomically (a temporary file beside it, then a rename): a full disk or an interrupted run
    leaves the previous report whole instead of a truncated one, and the error names the file. A FIFO or device
    (``-o /dev/stdout``) is written in place. Whatever control or bidi character a renderer let through becomes a
    ``\\uXXXX`` escape here (valid inside JSON strings, visible in every other format), except a reporter's own
    colour sequences: every output of every command leaves through this function (``inert``: the caller made it
    so already, as ``api.render`` does).

    ``text`` may be the UTF-8 bytes of an inert output (a saved report): they are written as they are wherever
    the text would be written as UTF-8 with ``\\n`` line ends, and decoded elsewhere.
    """
    if isinstance(text, bytes) and not (inert and os.linesep == "\n"):
        text = text.decode("utf-8")
    if not inert:
        assert isinstance(text, str)
        text = inert_output(text)
    if path is None or path == "-":
        _write_stdout(text)
        return
    target = Path(path)
    try:
        if target.exists() and not target.is_file():
            if isinstance(text, bytes):
                with target.open("wb") as raw:
                    raw.write(text)
            else:
                with target.open("w", encoding="utf-8") as stream:
                    stream.write(text)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_atomically(target, text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from None


def _write_stdout(text: str | bytes) -> None:
    """Standard output gets bytes as they are only when it would encode the text as UTF-8 itself."""
    buffer = getattr(sys.stdout, "buffer", None)
    if isinstance(text, bytes):
        if buffer is None or str(getattr(sys.stdout, "encoding", "")).lower().replace("-", "") != "utf8":
            text = text.decode("utf-8")
        else:
            sys.stdout.flush()
            buffer.write(text)
            return
    sys.stdout.write(text)


def _replace_atomically(target: Path, data: bytes) -> None:
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, mode)  # mkstemp makes 0600; a report is as readable as any file the user writes
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
