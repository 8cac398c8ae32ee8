"""``model.moved.moved_result`` on hand-made results: every position field, what it refuses, and that no field of
the result that can hold a position is forgotten (the corpus tests are in ``test_model_moved_corpus.py``)."""

from __future__ import annotations

import ast
import dataclasses
import types
import typing
from typing import Any
from pathlib import Path

import pytest

from ssot_audit.model import (
    Applicability,
    AuditResult,
    BaselineComparison,
    Concept,
    ConceptMember,
    Confidence,
    Edit,
    Finding,
    Fix,
    ImportRef,
    Location,
    Related,
    ScanStats,
    Severity,
    SourceExcerpt,
    SuppressedFinding,
)
from ssot_audit.model.moved import MOVED_FIELDS, PARSE_ERROR_CODE, fixes_to_rebuild, moved_result
from ssot_audit.rules import parse_error

PACKAGE = Path(__file__).resolve().parents[1] / "ssot_audit"

# Every other field reachable from AuditResult, and why it holds no position of a scanned file.
WITHOUT_POSITIONS: dict[str, tuple[str, ...]] = {
    "AuditResult": ("tool_version", "root", "rules", "import_edges", "modules", "rule_info"),  # names, not places
    "ScanStats": ("files", "modules", "parse_failures"),
    # facts: rule-specific data; no rule puts a line there (test_no_rule_formats_a_position_into_its_texts and the
    # corpus tests, which compare the facts of moved findings with a fresh scan's)
    "Finding": ("code", "name", "message", "fix_hint", "severity", "confidence", "fingerprint", "facts", "in_tests"),
    "Location": ("path", "column", "end_column", "symbol"),  # columns stay: a mapped line keeps its text
    "Related": ("message",),
    "Fix": ("message", "applicability"),
    "Edit": ("path", "column", "end_column", "content"),
    "Concept": ("name", "origin", "canonical", "canonical_reason", "factories", "per_user", "importers", "rejected",
                "warnings"),  # fmt: skip
    "ConceptMember": ("qualname", "role", "public_methods", "async_methods", "importers", "public_name", "names"),
    "ImportRef": ("importer", "path", "column", "source", "name", "bound", "target", "scope"),
    "SourceExcerpt": ("path", "lines"),
    "SuppressedFinding": ("reason",),
    "BaselineComparison": ("path", "unchanged", "fixed", "stale"),
    "BaselineEntry": ("code", "path", "symbol", "fingerprint", "count", "name"),
    "RuleInfo": ("code", "name", "summary", "default_severity", "doc", "options", "fix"),
    "RuleOption": ("name", "type", "default", "help"),
}


def _reachable_fields(cls: type, seen: set[type]) -> set[tuple[str, str]]:
    """(class name, field name) of every dataclass field reachable from ``cls`` through its type hints."""
    if cls in seen or not dataclasses.is_dataclass(cls):
        return set()
    seen.add(cls)
    found = set()
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        found.add((cls.__name__, field.name))
        stack = [hints[field.name]]
        while stack:
            hint = stack.pop()
            if isinstance(hint, type) and dataclasses.is_dataclass(hint):
                found |= _reachable_fields(hint, seen)
            stack.extend(typing.get_args(hint))  # tuple[X, ...], X | None, dict[K, V]
    return found


def test_every_field_of_a_result_is_moved_or_holds_no_position() -> None:
    reachable = _reachable_fields(AuditResult, set())
    moved = {(cls, name) for cls, names in MOVED_FIELDS.items() for name in names}
    without = {(cls, name) for cls, names in WITHOUT_POSITIONS.items() for name in names}
    assert moved & without == set()
    assert reachable - moved - without == set(), "a new field: move it (model/moved.py) or say why it holds no position"
    assert (moved | without) - reachable == set(), "a field that is gone"
    assert {"Edit", "BaselineEntry", "RuleOption"} <= {cls for cls, _ in reachable}  # the walk reaches the leaves


@dataclasses.dataclass(frozen=True)
class _Extra:
    line: int


@dataclasses.dataclass(frozen=True)
class _Holder:
    extras: tuple[_Extra, ...] | None


def test_the_walk_finds_a_field_added_later() -> None:
    assert _reachable_fields(_Holder, set()) == {("_Holder", "extras"), ("_Extra", "line")}


def _loc(path: str, line: int, end: int | None = None, column: int = 5) -> Location:
    return Location(path, line, column, end, 9 if end else None, "mod.func")


def _rel(path: str, line: int, end: int | None = None) -> Related:
    return Related(_loc(path, line, end), f"see {path}")


def _ref(path: str, line: int) -> ImportRef:
    return ImportRef(path.removesuffix(".py"), path, line, 1, "m", "A", "A", "a.A")


def _finding(code: str, location: Location, related: tuple[Related, ...] = (), fix: Fix | None = None) -> Finding:
    return Finding(code, "name", "message", "hint", Severity.ERROR, Confidence.HIGH, location,
                   f"fp-{code}-{location.path}", related, {"callee": "x.y"}, False, fix)  # fmt: skip


def _fix(path: str, line: int) -> Fix:
    return Fix("drop the await", Applicability.SAFE, (Edit(path, line, 3, line, 9, ""),))


def _result(findings: tuple[Finding, ...], lines: int = 100, **fields: Any) -> AuditResult:
    return AuditResult("1.0", "root", ScanStats(3, lines, 3, 0), findings, **fields)


SHIFT = {"a.py": lambda line: line + 10 if line >= 3 else line}  # 10 lines inserted above line 3 of a.py


def test_every_position_in_a_moved_file_moves_and_nothing_else_changes() -> None:
    in_b = _finding("SSOT401", _loc("b.py", 4), (_rel("a.py", 7, 8), _rel("c.py", 2)), _fix("b.py", 4))
    in_a = _finding("SSOT401", _loc("a.py", 5, 6), (_rel("b.py", 9), _rel("a.py", 2)), _fix("a.py", 5))
    untouched = _finding("SSOT101", _loc("c.py", 1), (_rel("c.py", 3),))
    member_c = ConceptMember("c.C", _loc("c.py", 4), "duplicate")
    concept_c = Concept("other", "discovered", "c.C", "why", (member_c,))
    silenced = _finding("SSOT101", _loc("c.py", 8))
    result = _result(
        (in_a, in_b, untouched),
        concepts=(Concept("ws", "configured", "a.A", "why", (ConceptMember("a.A", _loc("a.py", 4), "canonical"),
                                                             member_c)), concept_c),  # fmt: skip
        symbol_imports=(_ref("a.py", 3), _ref("b.py", 3)),
        excerpts=(SourceExcerpt("a.py", 3, ("x",)), SourceExcerpt("b.py", 3, ("y",))),
        suppressed=(SuppressedFinding(silenced, _loc("a.py", 12), "why"),),
        baseline=BaselineComparison("base.json", 1, unchanged_findings=(_finding("SSOT102", _loc("a.py", 20)),)),
    )
    moved = moved_result(result, SHIFT, 110)
    assert moved == _result(
        (
            _finding("SSOT401", _loc("a.py", 15, 16), (_rel("b.py", 9), _rel("a.py", 2))),  # its fix: rebuilt
            _finding("SSOT401", _loc("b.py", 4), (_rel("a.py", 17, 18), _rel("c.py", 2)), _fix("b.py", 4)),
            untouched,
        ),
        lines=110,
        concepts=(Concept("ws", "configured", "a.A", "why", (ConceptMember("a.A", _loc("a.py", 14), "canonical"),
                                                             member_c)), concept_c),  # fmt: skip
        symbol_imports=(_ref("a.py", 13), _ref("b.py", 3)),
        excerpts=(SourceExcerpt("b.py", 3, ("y",)),),
        suppressed=(SuppressedFinding(silenced, _loc("a.py", 22), "why"),),
        baseline=BaselineComparison("base.json", 1, unchanged_findings=(_finding("SSOT102", _loc("a.py", 30)),)),
    )
    assert moved is not None
    # only what holds a position in a.py is rebuilt: the rest is the same objects
    assert moved.findings[2] is untouched and moved.concepts[1] is concept_c
    assert moved.concepts[0].members[1] is member_c and moved.symbol_imports[1] is result.symbol_imports[1]
    assert moved.findings[1].fix is in_b.fix  # a fix of another file is kept as it is


def test_no_moves_only_sets_the_line_count() -> None:
    result = _result((_finding("SSOT101", _loc("a.py", 3)),), excerpts=(SourceExcerpt("a.py", 2, ("x",)),))
    moved = moved_result(result, {}, 120)
    assert moved == dataclasses.replace(result, stats=ScanStats(3, 120, 3, 0))


def _one(finding: Finding, **fields: Any) -> AuditResult:
    return _result((finding,), **fields)


_B2 = _finding("SSOT101", _loc("b.py", 2))
_A3 = _loc("a.py", 3)


@pytest.mark.parametrize(
    ("result", "why"),
    [
        (_one(_finding("SSOT401", _loc("a.py", 3))), "its line changed"),
        (_one(_finding("SSOT401", _loc("a.py", 2, 3))), "its last line changed"),
        (_one(_finding("SSOT101", _loc("b.py", 2), (_rel("a.py", 3),))), "a related line changed"),
        (_one(_B2, concepts=(Concept("c", "d", "a.A", "r", (ConceptMember("a.A", _A3, "canonical"),)),)),
         "a member's line changed"),
        (_one(_B2, symbol_imports=(_ref("a.py", 3),)), "an import's line changed"),
        (_one(_B2, suppressed=(SuppressedFinding(_finding("SSOT101", _loc("b.py", 3)), _A3),)),
         "a suppression comment's line changed"),
        (_one(_finding("SSOT201", _loc("a.py", 0))), "a line below 1"),
        (_one(_finding("SSOT201", _loc("b.py", 2), (Related(_loc("a.py", 1), "a.py has no X"),))),
         "line 1 (a rule's 'no line' constant) would move"),
        (_one(_finding(PARSE_ERROR_CODE, _loc("a.py", 5))), "a parse error's message and position come from the text"),
    ],
)  # fmt: skip
def test_what_cannot_be_moved_soundly_gives_none(result: AuditResult, why: str) -> None:
    moves = {"a.py": lambda line: None if line == 3 else line + 1}  # line 3 changed; one line inserted above line 1
    assert moved_result(result, moves, 101) is None, why


def test_line_one_moves_when_the_map_keeps_it() -> None:
    result = _one(_finding("SSOT201", _loc("b.py", 2), (Related(_loc("a.py", 1), "a.py has no X"),)))
    moved = moved_result(result, {"a.py": lambda line: line if line < 4 else line + 2}, 102)
    assert moved == _result(result.findings, lines=102)


def test_line_one_of_an_import_a_member_or_a_comment_moves() -> None:
    """Only rules write a "no line" 1: import sites, concept members and suppression comments come from facts."""
    down = {"a.py": lambda line: line + 1}  # a line inserted above line 1
    result = _result((_B2,), concepts=(Concept("c", "d", "a.A", "r", (ConceptMember("a.A", _loc("a.py", 1), "canonical"),)),),
                     symbol_imports=(_ref("a.py", 1),), suppressed=(SuppressedFinding(_B2, _loc("a.py", 1)),))  # fmt: skip
    assert moved_result(result, down, 101) == _result(
        (_B2,), lines=101, concepts=(Concept("c", "d", "a.A", "r", (ConceptMember("a.A", _loc("a.py", 2), "canonical"),)),),
        symbol_imports=(_ref("a.py", 2),), suppressed=(SuppressedFinding(_B2, _loc("a.py", 2)),))  # fmt: skip
    assert moved_result(_result((_finding("SSOT201", _loc("a.py", 1)),)), down, 101) is None  # a rule's line 1


def test_a_map_that_is_not_monotone_gives_none() -> None:
    findings = (_finding("SSOT401", _loc("a.py", 4)), _finding("SSOT402", _loc("a.py", 6)))
    swap = {"a.py": {4: 9, 6: 7}.get}
    assert moved_result(_result(findings), swap, 100) is None
    silenced = tuple(SuppressedFinding(f, _loc("b.py", 1)) for f in findings)
    assert moved_result(_result((), suppressed=silenced), swap, 100) is None
    refs = (_ref("a.py", 4), _ref("a.py", 6))
    assert moved_result(_result((), symbol_imports=refs), swap, 100) is None
    assert moved_result(_result(findings), {"a.py": {4: 6, 6: 9}.get}, 100) is not None


def test_the_parse_error_code_is_the_rules() -> None:
    assert PARSE_ERROR_CODE == parse_error.INFO.code


def _names(node: ast.AST) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr
            for n in ast.walk(node) if isinstance(n, ast.Name | ast.Attribute)}  # fmt: skip


POSITION_WORDS = frozenset({"line", "lines", "lineno", "col", "column", "offset", "pos", "position", "span", "start",
                            "end"})  # fmt: skip


def _positional(node: ast.AST) -> bool:
    """Whether ``node`` reads a name or attribute that names a position (``call.line``, ``end_col``, ``lineno``)."""
    return any(part in POSITION_WORDS for name in _names(node) for part in name.lower().split("_"))


def test_no_rule_formats_a_position_into_its_texts() -> None:
    """A message, hint, related message or fact that says "line 12" would be stale after a move: no rule, nor the
    suppression pass (SSOT901's texts), nor the analysis (a concept's warnings and rejections, the parse failures)
    formats a name of a line or column into a string, nor puts one in facts. (A decoding failure's message holds a
    byte offset, from the exception's text: ``moved_result`` refuses parse errors.)"""
    found = []
    analysis = [*sorted((PACKAGE / "analysis").glob("*.py")), PACKAGE / "api.py", PACKAGE / "project.py"]
    for path in [*sorted((PACKAGE / "rules").glob("*.py")), PACKAGE / "suppressions.py", *analysis]:
        # the analysis' facts (``ModuleFacts``) are positions by design: only its strings are checked
        for value in _texts_and_facts(ast.parse(path.read_text(encoding="utf-8")), facts=path not in analysis):
            if _positional(value):
                found.append(f"{path.name}:{value.lineno}: {ast.unparse(value)}")
    assert found == []


def _texts_and_facts(tree: ast.AST, facts: bool = True) -> list[ast.expr]:
    """What a module formats into strings (f-string fields) and (``facts``) gives as facts (``facts=...``,
    ``facts = ...``)."""
    values = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) or (facts and isinstance(node, ast.keyword) and node.arg == "facts"):
            values.append(node.value)
        elif facts and isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any("facts" in _names(t) for t in targets):
                values.append(node.value)
    return values


def test_the_position_check_sees_a_line_in_a_message() -> None:
    assert _positional(ast.parse("call.line + 1")) and _positional(ast.parse("fact.end_col"))
    assert not _positional(ast.parse("key.startswith('name')")) and not _positional(ast.parse("callee.fullname"))
    planted = ast.parse('make(message=f"at {site.lineno}", facts={"callee": c})\nfacts = {"at": call.col}')
    assert sorted(ast.unparse(v) for v in _texts_and_facts(planted) if _positional(v)) == ["site.lineno", "{'at': call.col}"]


def test_fixes_built_from_a_moved_files_text_are_dropped_and_listed() -> None:
    edits = (Edit("b.py", 2, 1, 2, 5, "X"), Edit("a.py", 7, 1, 7, 5, "X"))  # an alias's fix rewrites its importer
    alias = _finding("SSOT102", _loc("b.py", 2), fix=Fix("import it by its name", Applicability.SAFE, edits))
    inside = _finding("SSOT401", _loc("a.py", 9), fix=_fix("a.py", 9))
    kept = _finding("SSOT401", _loc("c.py", 4), (_rel("a.py", 9),), _fix("c.py", 4))
    result = _result((alias, inside, kept, _finding("SSOT101", _loc("a.py", 12))))
    moved = moved_result(result, SHIFT, 130)
    assert fixes_to_rebuild(result, SHIFT) == (0, 1, 3)  # 3: in a.py, without a fix (one may be built now)
    assert moved == _result((dataclasses.replace(alias, fix=None), _finding("SSOT401", _loc("a.py", 19)),
                             _finding("SSOT401", _loc("c.py", 4), (_rel("a.py", 19),), _fix("c.py", 4)),
                             _finding("SSOT101", _loc("a.py", 22))), lines=130)  # fmt: skip
    assert fixes_to_rebuild(result, {"d.py": SHIFT["a.py"]}) == ()
