"""The one ranking every output reads: concepts and finding groups by impact, and concept importers."""

from __future__ import annotations

from pathlib import Path

from ssot_audit.model import AuditResult, Concept, ConceptMember, Confidence, Finding, Location, ScanStats, Severity
from ssot_audit.model.impact import implementations, rank
from ssot_audit.serialization import result_from_dict, result_to_dict

from tests.helpers import scan_project, write_project


def _finding(code: str, path: str, line: int, *, tests: bool = False, **facts: object) -> Finding:
    return Finding(code, code.lower(), "m", "f", Severity.ERROR, Confidence.HIGH, Location(path, line),
                   f"{code}-{path}-{line}", facts=dict(facts), in_tests=tests)  # fmt: skip


def _member(qualname: str, role: str) -> ConceptMember:
    return ConceptMember(qualname, Location("x.py", 1), role)


def _result(findings: list[Finding], concepts: list[Concept]) -> AuditResult:
    return AuditResult("0", "p", ScanStats(1, 1, 1, 0), tuple(findings), tuple(concepts))


SMALL = Concept("small", "discovered", "a.Small", "", (_member("a.Small", "canonical"), _member("b.Small2", "duplicate")),
                importers=50)  # fmt: skip
BIG = Concept("big", "configured", "m.Big", "", (
    _member("m.Big", "canonical"), _member("n.Big2", "duplicate"), _member("o.Big3", "duplicate"),
    _member("p.BigShim", "shim"), _member("t.FakeBig", "test-double"),
), factories=("m.get_big",), importers=3)  # fmt: skip


def test_implementations_count_only_live_implementations() -> None:
    assert implementations(BIG) == 3
    assert implementations(SMALL) == 2


def test_runtime_errors_in_production_rank_first_then_implementations() -> None:
    findings = [
        _finding("SSOT201", "a.py", 1, symbol="a.Small"),
        _finding("SSOT401", "c.py", 3, callee="m.get_big"),  # attributed to "big" through its factory
        _finding("SSOT401", "tests/t.py", 3, tests=True, callee="m.get_big"),
    ]
    ranking = rank(_result(findings, [SMALL, BIG]))
    assert [i.key for i in ranking.concepts] == ["big", "small"]
    big = ranking.concepts[0]
    assert (big.runtime_errors, big.implementations, big.importers, big.production_findings, big.test_findings) == (
        1, 3, 3, 1, 1)
    assert ranking.concept_of == {"SSOT401-c.py-3": "big", "SSOT401-tests/t.py-3": "big", "SSOT201-a.py-1": "small"}
    # without the production error, the concept with more implementations still leads; then importers decide
    ranking = rank(_result(findings[2:], [SMALL, BIG]))
    assert [i.key for i in ranking.concepts] == ["big", "small"]
    assert ranking.concepts[0].runtime_errors == 0


def test_findings_outside_concepts_group_by_rule_and_target() -> None:
    findings = [
        _finding("SSOT401", "a.py", 1, callee="lib.f"),
        _finding("SSOT401", "b.py", 1, callee="lib.f"),
        _finding("SSOT401", "c.py", 1, callee="lib.g"),
        _finding("SSOT202", "d.py", 1),
    ]
    ranking = rank(_result(findings, []))
    assert [(g.key, g.findings) for g in ranking.groups] == [
        ("SSOT401:lib.f", 2), ("SSOT401:lib.g", 1), ("SSOT202:d.py", 1)]
    assert [i.key for i in ranking.top(2)] == ["SSOT401:lib.f", "SSOT401:lib.g"]


def test_concept_importers_count_modules_through_every_name(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/core.py": """
            class StoreImpl:
                def get(self, k): ...
                def put(self, k, v): ...
                def drop(self, k): ...
            PublicStore = StoreImpl
            def get_store():
                return StoreImpl()
        """,
        "app/other.py": """
            class OtherStore:
                def get(self, k): ...
                def put(self, k, v): ...
                def drop(self, k): ...
        """,
        "app/u1.py": "from app.core import PublicStore\n",
        "app/u2.py": "from app.core import StoreImpl\n",
        "app/u3.py": "from app.core import get_store\n",
        "app/u4.py": "from app.other import OtherStore\nfrom app.core import StoreImpl\n",
    })
    result = scan_project(root, {"concepts": {"store": {"canonical": "app.core.StoreImpl",
                                                        "factories": ["app.core.get_store"],
                                                        "name-patterns": ["*Store*"]}}})
    (concept,) = result.concepts
    assert concept.importers == 4  # u1 (alias), u2, u3 (factory), u4 (both): each module once
    assert result_from_dict(result_to_dict(result)).concepts[0].importers == 4
