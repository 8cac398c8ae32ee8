"""Fixes as data: edits of spans of scanned files, with how safe applying them is (stdlib only).

A rule's finding may carry a ``Fix``: what an editor, a bot (SARIF ``fixes``/``artifactChanges``) or
``ssot-audit fix`` would change. The fix layer computes it; one engine applies every fix of a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Applicability(str, Enum):
    """Whether applying a fix keeps the program's behaviour (ruff's safe / unsafe fixes)."""

    SAFE = "safe"  # same behaviour: applied by ``fix`` and ``scan --fix``
    UNSAFE = "unsafe"  # changes behaviour (meant to, usually): applied only with ``--unsafe``


FIX_KINDS = ("safe", "unsafe", "none")  # what a rule offers: RuleInfo.fix


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two positions of one file with ``content`` (insert when the span is empty).

    Lines are 1-based; columns are 1-based Unicode code points, the end exclusive (SARIF regions with
    ``columnKind: unicodeCodePoints``).
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    @property
    def start(self) -> tuple[int, int]:
        """(line, column) where the edit starts."""
        return (self.line, self.column)

    @property
    def end(self) -> tuple[int, int]:
        """(line, column) just after the replaced text."""
        return (self.end_line, self.end_column)


@dataclass(frozen=True, slots=True)
class Fix:
    """One way to resolve a finding: its edits (possibly in several files) and whether it is safe."""

    message: str  # what the fix does, e.g. "drop the await"
    applicability: Applicability
    edits: tuple[Edit, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """The files the fix touches, sorted."""
        return tuple(sorted({e.path for e in self.edits}))
