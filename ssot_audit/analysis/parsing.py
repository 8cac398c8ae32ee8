"""Source bytes -> ``ast.Module`` or a ``ParseFailure`` that says which file, where, why, and what would parse it."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass

from ssot_audit.analysis.syntax_hints import hint_for_syntax_error

_CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", re.MULTILINE)  # PEP 263

# Generated code chains thousands of operators (``x = 1 + 1 + ...``); building its tree needs more than the default
# recursion limit of 1000. 20,000 parses about 18,000 chained operators, measured safe on an 8 MB C stack.
_DEEP_RECURSION_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """A file that could not be read, decoded or parsed; reported as SSOT900 and skipped."""

    kind: str  # "read" | "decode" | "syntax" | "too-deep"
    message: str
    line: int = 1
    column: int = 1
    hint: str = ""  # e.g. "needs Python >= 3.12 (PEP 695 type parameter syntax)"
    newer_python: str = ""  # "3.12" when a newer interpreter would parse it


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """A decoded, parsed file."""

    tree: ast.Module
    text: str
    lines: int


def count_lines(text: str) -> int:
    """Physical lines, counting a last line without a newline."""
    if not text:
        return 0
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")  # LF, CR and CRLF, as the tokenizer
    return breaks + (0 if text.endswith(("\n", "\r")) else 1)


def decode_source(data: bytes) -> str | ParseFailure:
    """Decode bytes the way Python does (PEP 263 cookie, BOM), or say where decoding fails."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if _CODING_COOKIE.search(b"\n".join(data.split(b"\n", 2)[:2])):
            return ParseFailure("decode", f"bad encoding declaration: {exc.msg}", 1, 1)
        encoding = "utf-8"  # no declaration: the first line is simply not UTF-8; say where below
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        line = data[:start].count(b"\n") + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        return ParseFailure("decode", f"cannot decode as {encoding}: {exc}", line, column)


def parse_source(data: bytes, filename: str) -> ParsedSource | ParseFailure:
    """Decode and parse one file's bytes with the running interpreter's grammar."""
    text = decode_source(data)
    if isinstance(text, ParseFailure):
        return text
    try:
        tree = _parse_quietly(text, filename)
    except SyntaxError as exc:
        line = exc.lineno or 1
        hint, version = hint_for_syntax_error(text, line, exc.msg or "")
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        message = f"syntax error (Python {running}): {exc.msg}"
        return ParseFailure("syntax", message, line, (exc.offset or 1), hint, version)
    except ValueError as exc:  # null bytes on 3.11
        return ParseFailure("syntax", f"cannot parse: {exc}", 1, 1)
    except RecursionError:
        deep = _parse_deep(text, filename)
        if deep is None:
            return ParseFailure("too-deep", "expression nesting too deep for the parser", 1, 1)
        tree = deep
    except MemoryError:
        return ParseFailure("too-deep", "expression nesting too deep for the parser", 1, 1)
    return ParsedSource(tree, text, count_lines(text))


def _parse_quietly(text: str, filename: str) -> ast.Module:
    """``ast.parse`` with the scanned code's SyntaxWarnings (``"\\d"``, ``is`` with a literal...) silenced: they are
    the scanned project's business, would flood standard error (97 lines on the Python 2.7 standard library), and
    under ``PYTHONWARNINGS=error`` would turn valid files into parse errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=filename)


def _parse_deep(text: str, filename: str) -> ast.Module | None:
    """Parse again with a raised recursion limit (restored afterwards); None when even that is not enough."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, _DEEP_RECURSION_LIMIT))
    try:
        return _parse_quietly(text, filename)
    except (RecursionError, MemoryError, SyntaxError, ValueError):
        return None
    finally:
        sys.setrecursionlimit(old)
