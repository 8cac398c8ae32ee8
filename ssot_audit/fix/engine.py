"""The one engine that applies fixes: picks non-overlapping fixes, applies every edit of a file in one pass, and
checks that the result still parses. Pure: text in, text out; writing and re-scanning are ``ssot_audit.fixing``'s.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssot_audit.fix.cst import reparses
from ssot_audit.fix.text import SourceError, SourceText, apply_edits
from ssot_audit.model import Edit, Finding, Fix

Span = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A fix (or a fixable finding without one) that was not applied, and why."""

    finding: Finding
    reason: str


def _clash(a: Span, b: Span) -> bool:
    """Two spans overlap, or insert at the same point (their order would be a guess)."""
    (s1, e1), (s2, e2) = a, b
    if s1 == e1 and s2 == e2:
        return s1 == s2
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return s1 < e2 and s2 < e1


def select(candidates: Sequence[tuple[Finding, Fix]]) -> tuple[list[tuple[Finding, Fix]], list[Skipped]]:
    """Fixes that can be applied together, in the given order; a fix whose edits clash with an earlier one waits
    for the next round (``fixing`` repeats until nothing changes)."""
    taken: dict[str, list[Span]] = defaultdict(list)
    chosen: list[tuple[Finding, Fix]] = []
    skipped: list[Skipped] = []
    seen: set[tuple[Edit, ...]] = set()
    for finding, fix in candidates:
        if fix.edits in seen:  # two findings with the very same fix (one import line, two rules): apply it once
            chosen.append((finding, fix))
            continue
        spans = [(e.path, (e.start, e.end)) for e in fix.edits]
        if any(_clash(span, other) for path, span in spans for other in taken[path]):
            skipped.append(Skipped(finding, "overlaps another fix applied in this round: left for the next round"))
            continue
        for path, span in spans:
            taken[path].append(span)
        seen.add(fix.edits)
        chosen.append((finding, fix))
    return chosen, skipped


def edits_by_file(fixes: Sequence[Fix]) -> dict[str, list[Edit]]:
    """Every distinct edit of ``fixes``, grouped by file."""
    grouped: dict[str, list[Edit]] = defaultdict(list)
    for fix in fixes:
        for edit in fix.edits:
            if edit not in grouped[edit.path]:
                grouped[edit.path].append(edit)
    return dict(grouped)


def fixed_text(source: SourceText, edits: Sequence[Edit]) -> str:
    """The file's text with ``edits`` applied; ``SourceError`` when the result does not parse any more."""
    text = apply_edits(source, edits)
    why = reparses(text)
    if why is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escape sequences in the scanned code are not ours to report
                ast.parse(text)
        except (SyntaxError, ValueError) as exc:
            why = str(exc)
    if why is not None:
        raise SourceError(f"the fixed file would not parse: {why}")
    return text


def apply_all(sources: Mapping[str, SourceText], fixes: Sequence[Fix]) -> tuple[dict[str, bytes], dict[str, str]]:
    """New bytes of each file the fixes touch, and the files that could not be fixed (path -> why)."""
    changed: dict[str, bytes] = {}
    failed: dict[str, str] = {}
    for path, edits in sorted(edits_by_file(fixes).items()):
        source = sources.get(path)
        if source is None:
            failed[path] = "not read"
            continue
        try:
            changed[path] = source.encode(fixed_text(source, edits))
        except SourceError as exc:
            failed[path] = str(exc)
    return changed, failed
