"""A scan's result with the positions inside some files moved: the early cut-off's answer after an unseen edit.

When the files that changed since the last scan changed only in ways no rule can see (their facts are the old ones
with every position moved by a monotone line map, ``analysis/unseen.py``), the new scan's result is the old one with
every position inside those files moved by the same map. ``moved_result`` builds it without the project: it
rebuilds only what holds a position in a moved file (the findings located there, those elsewhere whose related
locations point there, their concept members, import sites and suppression comments) and shares every other object.

What it cannot move soundly, it refuses (``None``: the caller does the full scan):
- a position whose line the map drops (the line changed or was deleted), or a line below 1;
- a position of a finding (its location or a related one) at line 1 that the map does not keep at line 1: rules
  write ``line 1`` when they have no line to give (``min(lines, default=1)`` for a module that binds no such name),
  a constant a fresh scan would keep. Import sites, concept members and suppression comments are built from facts
  and comments, never by a rule: their line 1 moves (at 4M lines, 522 of the 835 positions at line 1);
- a parse error in a moved file (its message and position come from the text, not from facts);
- findings of a moved file that the map would put out of order (a map that is not monotone).

What it leaves to the caller:
- the excerpts of moved files are left out: ``capture.source_excerpts`` recomputes them from the new text (its
  budget of lines runs over files in path order, so the caller recomputes all excerpts from the moved findings, or
  checks that the budget was not reached);
- a fix built from a moved file's old text is left out (``None``): the fix of every finding located in a moved file,
  and every fix that edits one (an alias's fix rewrites its importers). ``fixes_to_rebuild(result, moves)`` lists
  the findings whose fix the caller builds again (those, and every finding of a moved file: one whose fix could not
  be built from the old text may get one from the new), by index into ``findings``, which keeps its order. Every
  other fix is kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ssot_audit.model.baseline import BaselineComparison, SuppressedFinding
from ssot_audit.model.findings import Finding, Location, Related
from ssot_audit.model.result import AuditResult, Concept, ConceptMember
from ssot_audit.model.sources import ImportRef

NewLine = Callable[[int], "int | None"]  # old 1-based line -> new line holding the same text, None when changed

PARSE_ERROR_CODE = "SSOT900"  # rules/parse_error.py (the model layer may not import rules; a test ties the two)

# Every field of the result's dataclasses that holds a position of a scanned file (or something that does), and
# what ``moved_result`` does with it. The exhaustiveness test walks the types of ``AuditResult`` and fails on a
# field that is neither here nor in its list of fields without positions.
MOVED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "AuditResult": ("stats", "findings", "concepts", "symbol_imports", "excerpts", "suppressed", "baseline"),
    "ScanStats": ("lines",),  # set to the new text's count
    "Finding": ("location", "related", "fix"),  # fix: None when built from a moved file's text (fixes_to_rebuild)
    "Location": ("line", "end_line"),
    "Related": ("location",),
    "Fix": ("edits",),
    "Edit": ("line", "end_line"),  # never moved: a fix with an edit in a moved file is dropped
    "Concept": ("members",),
    "ConceptMember": ("location",),
    "ImportRef": ("line",),
    "SourceExcerpt": ("start",),  # never moved: excerpts of moved files are left out
    "SuppressedFinding": ("finding", "comment"),
    "BaselineComparison": ("unchanged_findings",),
}


def _stale_fix(finding: Finding, moves: Mapping[str, NewLine]) -> bool:
    """Whether ``finding`` has a fix built from the old text of a file of ``moves`` (located there, or editing it)."""
    fix = finding.fix
    return fix is not None and (finding.location.path in moves or any(e.path in moves for e in fix.edits))


def fixes_to_rebuild(result: AuditResult, moves: Mapping[str, NewLine]) -> tuple[int, ...]:
    """The indices in ``result.findings`` (the same in ``moved_result(result, moves, ...)``: findings keep their
    order) of the findings whose fix the caller builds again: each finding located in a moved file, and each whose
    fix edits one. ``moved_result`` leaves their fixes out (``None``); it keeps every other fix."""
    return tuple(i for i, finding in enumerate(result.findings)
                 if finding.location.path in moves or _stale_fix(finding, moves))  # fmt: skip


class _Unmovable(Exception):
    """A position that cannot be moved soundly: ``moved_result`` answers None."""


class _Mover:
    """Moves positions of the files of ``moves``; raises ``_Unmovable`` where it cannot."""

    def __init__(self, moves: Mapping[str, NewLine]) -> None:
        self.moves = moves

    def line(self, path: str, line: int, *, by_rule: bool = True) -> int:
        """The new line of ``line`` of ``path`` (a moved file); ``by_rule``: a position a rule wrote."""
        new = self.moves[path](line) if line >= 1 else None
        if new is None or (by_rule and line == 1 and new != 1):  # a rule's line 1 may be its "no line": it stays
            raise _Unmovable
        return new

    def location(self, loc: Location, *, by_rule: bool = True) -> Location:
        """``loc`` moved, or ``loc`` itself when its file did not move."""
        if loc.path not in self.moves:
            return loc
        line = self.line(loc.path, loc.line, by_rule=by_rule)
        end = None if loc.end_line is None else self.line(loc.path, loc.end_line, by_rule=by_rule)
        if line == loc.line and end == loc.end_line:
            return loc
        return Location(loc.path, line, loc.column, end, loc.end_column, loc.symbol)

    def finding(self, finding: Finding) -> Finding:
        """``finding`` with its positions moved; the same object when it holds none in a moved file."""
        moves = self.moves
        inside = finding.location.path in moves
        related = finding.related
        stale = _stale_fix(finding, moves)
        if not inside and not stale and not any(r.location.path in moves for r in related):
            return finding
        if inside and finding.code == PARSE_ERROR_CODE:
            raise _Unmovable
        moved = tuple(r if r.location.path not in moves else Related(self.location(r.location), r.message)
                      for r in related)  # fmt: skip
        return replace(finding, location=self.location(finding.location), related=moved,
                       fix=None if stale else finding.fix)  # fmt: skip

    def findings(self, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """Every finding moved, in the order a fresh scan gives (checked for the findings of moved files)."""
        out = tuple(map(self.finding, findings))
        self.check_order([f.sort_key for f in out if f.location.path in self.moves])
        return out

    @staticmethod
    def check_order(keys: Sequence[tuple[object, ...]]) -> None:
        """Refuse when the sort keys of the moved findings (one contiguous run per file: the order is by path first)
        are out of order, as a map that is not monotone would make them."""
        if any(a > b for a, b in zip(keys, keys[1:])):
            raise _Unmovable

    def suppressed(self, entry: SuppressedFinding) -> SuppressedFinding:
        """A silenced finding with its finding and its comment moved."""
        finding, comment = self.finding(entry.finding), self.location(entry.comment, by_rule=False)
        if finding is entry.finding and comment is entry.comment:
            return entry
        return SuppressedFinding(finding, comment, entry.reason)

    def all_suppressed(self, entries: tuple[SuppressedFinding, ...]) -> tuple[SuppressedFinding, ...]:
        """Every silenced finding moved, in their order (by the finding's sort key, checked as for findings)."""
        out = tuple(map(self.suppressed, entries))
        self.check_order([s.finding.sort_key for s in out if s.finding.location.path in self.moves])
        return out

    def concept(self, concept: Concept) -> Concept:
        """A concept with its members' locations moved."""
        members = tuple(self.member(m) for m in concept.members)
        if all(a is b for a, b in zip(members, concept.members)):
            return concept
        return replace(concept, members=members)

    def member(self, member: ConceptMember) -> ConceptMember:
        """A concept member with its location moved."""
        location = self.location(member.location, by_rule=False)  # the class's line (api._concept_member)
        return member if location is member.location else replace(member, location=location)

    def import_ref(self, ref: ImportRef) -> ImportRef:
        """An import site with its line moved (columns stay)."""
        if ref.path not in self.moves:
            return ref
        line = self.line(ref.path, ref.line, by_rule=False)  # the import's line (capture.symbol_imports)
        return ref if line == ref.line else replace(ref, line=line)

    def import_refs(self, refs: tuple[ImportRef, ...]) -> tuple[ImportRef, ...]:
        """Every import site moved, in their order (by path, line, column, name, target: checked as for findings)."""
        out = tuple(map(self.import_ref, refs))
        self.check_order([(r.path, r.line, r.column, r.name, r.target) for r in out if r.path in self.moves])
        return out

    def baseline(self, comparison: BaselineComparison | None) -> BaselineComparison | None:
        """The baseline comparison with the findings it absorbed moved (fixed and stale entries hold no line)."""
        if comparison is None:
            return None
        return replace(comparison, unchanged_findings=self.findings(comparison.unchanged_findings))


def moved_result(result: AuditResult, moves: Mapping[str, NewLine], lines: int) -> AuditResult | None:
    """``result`` with every position inside a file of ``moves`` (repo-relative path -> its line map) moved.

    ``lines`` is the new total line count (``stats.lines``). Excerpts of moved files are left out and fixes built
    from a moved file's text are ``None`` (``fixes_to_rebuild``; see the module's docstring). None when a position
    cannot be moved soundly.
    """
    if not moves:
        return replace(result, stats=replace(result.stats, lines=lines))
    mover = _Mover(moves)
    try:
        return replace(
            result,
            stats=replace(result.stats, lines=lines),
            findings=mover.findings(result.findings),
            concepts=tuple(map(mover.concept, result.concepts)),
            symbol_imports=mover.import_refs(result.symbol_imports),
            excerpts=tuple(e for e in result.excerpts if e.path not in moves),
            suppressed=mover.all_suppressed(result.suppressed),
            baseline=mover.baseline(result.baseline),
        )
    except _Unmovable:
        return None


__all__ = ["MOVED_FIELDS", "PARSE_ERROR_CODE", "NewLine", "fixes_to_rebuild", "moved_result"]
