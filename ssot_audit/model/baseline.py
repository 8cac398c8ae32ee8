"""What the CI gate set aside: findings silenced by a comment, and the comparison with a baseline file.

Plain frozen data (stdlib only), so reporters can say "3 new, 2 fixed" without seeing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssot_audit.model.findings import Finding, Location


@dataclass(frozen=True, slots=True)
class SuppressedFinding:
    """A finding silenced on purpose by an ``# ssot: ignore[...]`` / ``# ssot: file-ignore[...]`` comment.

    ``comment`` is where the suppression is written (for a cluster, possibly another file than the finding);
    ``reason`` is the text after ``--`` (empty when none was given).
    """

    finding: Finding
    comment: Location
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One recorded finding of a baseline file: identified by fingerprint (no line numbers), with multiplicity.

    ``count`` is how many findings with this fingerprint the baseline accepts: two identical new findings are
    not absorbed by one old entry.
    """

    code: str
    path: str
    symbol: str
    fingerprint: str
    count: int = 1
    name: str = ""


@dataclass(frozen=True, slots=True)
class BaselineComparison:
    """How a scan compares with a baseline file.

    The result's ``findings`` are the new ones (not in the baseline); ``unchanged`` counts the findings the
    baseline absorbed and ``unchanged_findings`` holds them (SARIF reports them with ``baselineState``
    "unchanged", so code scanning keeps every alert while the gate sees only new ones). ``fixed`` are entries (with the count that disappeared) whose rule ran on a file that is
    still scanned but whose finding is gone: the baseline can shrink. ``stale`` are entries that can no longer
    match anything (the file is not scanned any more, or the rule code is unknown).
    """

    path: str
    unchanged: int
    fixed: tuple[BaselineEntry, ...] = ()
    stale: tuple[BaselineEntry, ...] = ()
    unchanged_findings: tuple[Finding, ...] = ()

    @property
    def fixed_count(self) -> int:
        """How many recorded findings are gone (counting multiplicity)."""
        return sum(e.count for e in self.fixed)

    @property
    def stale_count(self) -> int:
        """How many recorded findings can no longer match (counting multiplicity)."""
        return sum(e.count for e in self.stale)


__all__ = ["BaselineComparison", "BaselineEntry", "SuppressedFinding"]
