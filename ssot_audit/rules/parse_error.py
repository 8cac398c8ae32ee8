"""A file could not be read, decoded or parsed.

## What it does
Reports each file the scan had to skip: unreadable, not decodable in its declared encoding, not valid Python for
the interpreter running the scan, or deliberately not read (a symbolic link to a file outside the scanned directory,
a FIFO, socket or device named ``*.py``: a warning). When the syntax belongs to a newer Python (PEP 695 ``type`` statements, PEP 701
f-strings...) or to Python 2, the message says which and what would parse it.

## Why is this bad?
Nothing in that file is analysed: its imports, classes and await sites are missing from every other rule, so
the picture has a hole.

## Example
```python
print "hello"        # Python 2
```

## Use instead
Fix the file, exclude it (``exclude = ["legacy/*"]``), or run ssot-audit with the Python version the file needs.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.model import Confidence, Finding, Location, Severity, make_fingerprint
from ssot_audit.rules.base import Rule, RuleContext, in_units, make_rule_info

INFO = make_rule_info("SSOT900", "parse-error", Severity.ERROR, __doc__)
# What to do depends on why the file was skipped: an unreadable file has no syntax error to fix.
_FIX_BY_KIND = {
    "read": "make the file readable by the scan, or exclude it",
    "decode": "save the file in the encoding it declares (UTF-8 when it declares none), or exclude it",
    "too-deep": "split the deeply nested expression, or exclude the file",
    "skipped": "nothing to fix if this is intended (ssot-audit never reads special files or follows links out "
    "of the scanned directory); exclude the name to silence this",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per file that failed.

    Units: one per failed file (its path: it has no module). Setup: none."""
    for failed in in_units(ctx, ctx.failures, key=lambda failed: failed.relpath):  # a failed file has no module
        failure = failed.failure
        hint = failure.hint or _FIX_BY_KIND.get(failure.kind, "fix the syntax error or exclude the file")
        yield Finding(
            code=INFO.code,
            name=INFO.name,
            message=f"{failure.message}; file skipped" + (f" ({failure.hint})" if failure.hint else ""),
            fix_hint=hint,
            severity=Severity.WARNING if failure.newer_python or failure.kind == "skipped" else Severity.ERROR,
            confidence=Confidence.HIGH,
            location=Location(failed.relpath, failure.line, failure.column, symbol=""),
            fingerprint=make_fingerprint(INFO.code, failed.relpath, "", failure.kind),
            facts={"kind": failure.kind, "newer_python": failure.newer_python or None},
            in_tests=failed.is_test,
        )


RULE = Rule(INFO, check)
