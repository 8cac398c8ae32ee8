"""Tell a user why a file failed to parse when the cause is a Python version, not a typo.

Real codebases use syntax newer (or older) than the interpreter that scans them. The line a ``SyntaxError``
points at is matched against the grammar changes that make it fail: a file written for 3.12 gets
"needs Python >= 3.12 (PEP 695 ...)", a Python 2 file gets "Python 2 syntax".
"""

from __future__ import annotations

import re
import sys

from ssot_audit.analysis.lines import source_lines

# (regex on the failing line, minimum version, explanation); first match wins.
_NEWER: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^\s*type\s+[A-Za-z_]\w*\s*(\[.*\])?\s*="), "3.12", "PEP 695 type alias statement"),
    (re.compile(r"^\s*(async\s+)?def\s+\w+\s*\["), "3.12", "PEP 695 generic function syntax"),
    (re.compile(r"^\s*class\s+\w+\s*\["), "3.12", "PEP 695 generic class syntax"),
    (re.compile(r"(?<![\w.'\"])[tT][rR]?['\"]|(?<![\w.'\"])[rR][tT]['\"]"), "3.14", "PEP 750 template strings"),
)
_PY2: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*print\s+[^\s(=.,)\]]"), "print statement"),
    (re.compile(r"^\s*exec\s+['\"\w]"), "exec statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*[a-z_]\w*\s*:"), "except X, name: clause"),
    (re.compile(r"<>"), "<> operator"),
    (re.compile(r"`[^`]+`"), "backtick repr"),
    (re.compile(r"(?<![\w.])0[0-7]+\b"), "old-style octal literal"),
    (re.compile(r"(?<![\w.])[uU][rR]['\"]"), "ur'' string prefix"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "raise E, value statement"),
    (re.compile(r"(?<![\w.])\d+[lL]\b"), "long integer literal"),
)
# ``except A, B:`` is Python 2 when B is a variable (``except ValueError, e:``) and PEP 758 (3.14) when B is
# another exception class; exception classes are CapWords by convention.
_EXCEPT_COMMA = re.compile(r"^\s*except\s+[\w.]+\s*,\s*([\w.]+)\s*(,\s*[\w.]+\s*)*:")
# An f-string whose replacement field is still open at the end of the line: PEP 701 lets it span lines.
_OPEN_FSTRING = re.compile(r"(?<![\w.])[fF][rR]?(['\"]).*\{[^}]*$")


def _version_newer_than_running(version: str) -> bool:
    major, minor = (int(part) for part in version.split("."))
    return (major, minor) > sys.version_info[:2]


def hint_for_syntax_error(text: str, line: int, message: str) -> tuple[str, str]:
    """Return (human hint, minimum version) for a syntax error at ``line``; empty strings when unknown."""
    lines = source_lines(text)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "Missing parentheses in call to 'print'" in message or "Missing parentheses in call to 'exec'" in message:
        return "Python 2 syntax (print/exec statement): this file is not Python 3", ""
    for pattern, version, what in _NEWER:
        if pattern.search(source_line) and _version_newer_than_running(version):
            return f"needs Python >= {version} ({what}); run ssot-audit with Python {version}+ to scan it", version
    if "unterminated string literal" in message and _OPEN_FSTRING.search(source_line):
        message = "f-string"  # a replacement field continued on the next line
    if "f-string" in message and _version_newer_than_running("3.12"):
        return (
            "needs Python >= 3.12 if it relies on PEP 701 f-strings (nested quotes, backslashes, comments); "
            "run ssot-audit with Python 3.12+ to scan it",
            "3.12",
        )
    clause = _EXCEPT_COMMA.match(source_line)
    if clause and clause.group(1).split(".")[-1][:1].isupper() and _version_newer_than_running("3.14"):
        return (
            "needs Python >= 3.14 (PEP 758 except without parentheses); run ssot-audit with Python 3.14+ to scan it",
            "3.14",
        )
    for pattern, what in _PY2:
        if pattern.search(source_line):
            return f"Python 2 syntax ({what}): this file is not Python 3", ""
    return "", ""
