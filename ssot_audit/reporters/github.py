"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

GitHub turns them into annotations on the pull request's diff. Escaping follows GitHub's rules: in the message
``%``, CR and LF are percent-encoded; in properties ``:`` and ``,`` are too.
"""

from __future__ import annotations

from ssot_audit.model import AuditResult, Finding

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _line(finding: Finding) -> str:
    loc = finding.location
    props = f"file={escape_property(loc.path)},line={loc.line},col={loc.column},title={escape_property(finding.code)}"
    message = f"{finding.message} [{finding.name}]\nFix: {finding.fix_hint}"
    return f"::{_COMMAND[finding.severity.value]} {props}::{escape_data(message)}"


def render(result: AuditResult) -> str:
    """One workflow command per reported finding (new ones only when a baseline was applied)."""
    return "".join(_line(f) + "\n" for f in result.findings)
