"""Rules judge in units (``RuleContext.unit``), can be narrowed to some of them (``RuleContext.units``), and
``unit_of`` names the unit that made each finding: a rule narrowed to units U gives exactly the findings of its
whole run whose unit is in U, and each finding was made while its unit was being judged.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.model import Finding
from ssot_audit.rules import (
    ALL_RULES, FOLLOWING_CALL_READERS, LOCAL_CALL_READERS, Rule, RuleContext, base, module_names, parse_error, unit_of,
)

from tests.helpers import fixable_project, incremental_project, write_project

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
JUDGED = [r for r in ALL_RULES if r.info.code != "SSOT901"]  # SSOT901 is the suppression step's, not a check's


def _project(tmp_path: Path, which: str) -> api.Project:
    files = {"incremental": incremental_project, "fixable": fixable_project}
    root = SAMPLE if which == "sample_repo" else write_project(tmp_path / "proj", files[which]())
    return api.load_project(root, load_config(root), jobs=1)


def _context(project: api.Project, rule: Rule, units: frozenset[Hashable] | None = None,
             calls_in: frozenset[str] | None = None) -> RuleContext:  # fmt: skip
    options = api._rule_options(project.config, ALL_RULES)[rule.info.code]
    return RuleContext(project.index, project.resolver, project.graph, project.sites, project.concepts,
                       project.failures, options, calls_in, code=rule.info.code, units=units)  # fmt: skip


def _shown(findings: list[Finding]) -> list[str]:
    return sorted(map(repr, findings))


@pytest.mark.parametrize("which", ["sample_repo", "incremental", "fixable"])
def test_a_rule_narrowed_to_units_gives_exactly_their_findings(tmp_path: Path, which: str) -> None:
    project = _project(tmp_path, which)
    module_of = module_names(project.index)
    rng = random.Random(28)
    judged_some = set()
    for rule in JUDGED:
        full = list(rule.check(_context(project, rule)))
        keys = sorted({unit_of(f, module_of) for f in full} | set(project.index.modules), key=repr)
        for size in (0, 1, 1, 2, len(keys) // 3, len(keys) // 2, len(keys)):
            chosen = frozenset(rng.sample(keys, size))
            narrowed = list(rule.check(_context(project, rule, chosen)))
            assert _shown(narrowed) == _shown([f for f in full if unit_of(f, module_of) in chosen]), (rule, chosen)
        if full:
            judged_some.add(rule.info.code)
    expected = {"sample_repo": {r.info.code for r in JUDGED},  # every rule has findings to lose
                "incremental": {"SSOT101", "SSOT103", "SSOT202", "SSOT401", "SSOT402"},
                "fixable": {"SSOT101", "SSOT102", "SSOT103", "SSOT201", "SSOT202", "SSOT401", "SSOT402"}}[which]  # fmt: skip
    assert judged_some == expected


def test_narrowed_to_units_after_a_calls_only_edit_the_readers_judge_the_modules_in_both(tmp_path: Path) -> None:
    """A call reader judging module by module, asked about ``calls_in`` and narrowed to ``units``, judges the
    modules in both (``RuleContext.judged_names``)."""
    project = _project(tmp_path, "sample_repo")
    module_of = module_names(project.index)
    names = sorted(project.index.modules)
    rng = random.Random(10)
    for rule in (r for r in JUDGED if r.info.code in LOCAL_CALL_READERS | FOLLOWING_CALL_READERS):
        full = list(rule.check(_context(project, rule)))
        for _ in range(4):
            calls_in, units = (frozenset(rng.sample(names, len(names) // 2)) for _ in range(2))
            both = list(rule.check(_context(project, rule, units, calls_in)))
            assert _shown(both) == _shown([f for f in full if unit_of(f, module_of) in calls_in & units]), rule


def test_a_failed_file_is_its_own_unit(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "def f(:\n", "b.py": "print 'x'\n", "c.py": "X = 1\n"})
    project = api.load_project(root, load_config(root), jobs=1)
    rule = parse_error.RULE
    full = list(rule.check(_context(project, rule)))
    assert sorted(unit_of(f, {}) for f in full) == ["a.py", "b.py"]
    assert [unit_of(f, {}) for f in rule.check(_context(project, rule, frozenset({"b.py"})))] == ["b.py"]


def _recording(made: list[tuple[Finding, Hashable]]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """A ``RuleContext.unit`` that keeps a stack of the units being judged, and a ``Finding`` that records the
    innermost one when made."""
    stack: list[Hashable] = []

    @contextmanager
    def unit(self: RuleContext, key: Hashable) -> Iterator[None]:
        stack.append(key)
        try:
            yield
        finally:
            stack.pop()

    def finding(*args: Any, **fields: Any) -> Finding:
        made.append((found := Finding(*args, **fields), stack[-1] if stack else "outside any unit"))
        return found

    return unit, finding


@pytest.mark.parametrize("which", ["sample_repo", "fixable"])
def test_each_finding_is_made_inside_the_unit_unit_of_names(tmp_path: Path, which: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    project = _project(tmp_path, which)
    made: list[tuple[Finding, Hashable]] = []
    unit, finding = _recording(made)
    monkeypatch.setattr(RuleContext, "unit", unit)
    monkeypatch.setattr(base, "Finding", finding)
    monkeypatch.setattr(parse_error, "Finding", finding)
    module_of = module_names(project.index)
    for rule in JUDGED:
        yielded = list(rule.check(_context(project, rule)))
        assert len(yielded) == len([f for f, _ in made if f.code == rule.info.code])
    assert made
    assert [(f.code, key) for f, key in made] == [(f.code, unit_of(f, module_of)) for f, _ in made]
