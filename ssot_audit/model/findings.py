"""Findings: what a rule reports, as plain frozen data (stdlib only)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ssot_audit.model.fixes import FIX_KINDS, Fix


class Severity(str, Enum):
    """How bad a finding is; the values are SARIF levels."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """Higher is worse: note < warning < error."""
        return {"note": 1, "warning": 2, "error": 3}[self.value]


class Confidence(str, Enum):
    """How sure the rule is that the finding is real."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Location:
    """A span in a scanned file: repo-relative POSIX path, 1-based line and column."""

    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    symbol: str = ""  # qualified name of the enclosing or defined symbol, e.g. "app.ws.Manager.connect"


@dataclass(frozen=True, slots=True)
class Related:
    """Another location that belongs to a finding (other members of a cluster, the callee...)."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one rule.

    ``fingerprint`` identifies the finding without line numbers, so that baselines survive edits that only
    move code around. ``facts`` holds rule-specific JSON-compatible data (cluster members, paths, counts).
    """

    code: str
    name: str
    message: str
    fix_hint: str
    severity: Severity
    confidence: Confidence
    location: Location
    fingerprint: str
    related: tuple[Related, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    in_tests: bool = False
    fix: Fix | None = None  # the edits that resolve it, when a tool can make them (see model/fixes.py)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The order findings are reported in: by file, position, then code."""
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.fingerprint)


def make_fingerprint(code: str, path: str, symbol: str, key: str) -> str:
    """A stable id for a finding: no line numbers, so moving code keeps it; renaming the file or symbol does not."""
    raw = "\x1f".join((code, path, symbol, key)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class RuleOption:
    """A declared option of a rule: its name, type, default and what it does."""

    name: str
    type: str  # "bool" | "int" | "float" | "str" | "list[str]"
    default: Any
    help: str


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a rule is: stable code and name, one-line summary, default severity, full doc, options."""

    code: str
    name: str
    summary: str
    default_severity: Severity
    doc: str
    options: tuple[RuleOption, ...] = ()
    fix: str = "none"  # one of FIX_KINDS: whether its findings carry a safe fix, an unsafe one, or none

    def __post_init__(self) -> None:
        if self.fix not in FIX_KINDS:
            raise ValueError(f"RuleInfo.fix must be one of {FIX_KINDS}, got {self.fix!r}")
