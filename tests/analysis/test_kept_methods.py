"""``kept_methods``: a restored model's ``Roles.methods`` hands out, for every class, a set built by the steps the
built model took (so equal sets iterate alike), and works out only the classes asked and what they are built from.

The sources ``method_columns`` records are checked against the built ``Roles`` itself: each class's set is the very
object its source names (a class's own-names set or another's whole set). The replayed sets are then compared with
the built ones in iteration order, asked in a shuffled order, and the count of sets worked out is exact on a small
hierarchy and on a 3,000-class inheritance chain (no recursion).
"""

from __future__ import annotations

import random
from itertools import permutations
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit.analysis.concept_snapshot import take_snapshot
from ssot_audit.analysis.kept_methods import NOT_A_KEY, KeptMethods
from ssot_audit.analysis.kept_state import read_state, restore_state, snapshot_state
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.similarity import Similarity
from ssot_audit.analysis.values import ClassValue
from ssot_audit.project import Project

from tests.analysis.test_concept_snapshot import DJANGO, SAMPLE, _copy, _load
from tests.helpers import incremental_project, write_project

HIERARCHY = {
    "app/__init__.py": "",
    "app/base.py": "class A:\n    def a1(self):\n        return 1\n\n\nclass B(A):\n    def b1(self):\n        return 2\n",
    "app/leaf.py": "from app.base import A, B\n\n\nclass C(B):\n    def c1(self):\n        return 3\n\n\n"
                   "class E(A):\n    def a1(self):\n        return 4\n\n\nclass D:\n    def d1(self):\n        return 5\n",
}  # fmt: skip


# F only overrides a method of B, whose whole set is no class's own names: F's set is B's ("another's" source), a
# kind the other small projects need not have (django's models have it)
OVERRIDING = {**HIERARCHY, "app/more.py": "from app.base import B\n\n\nclass F(B):\n    def b1(self):\n        return 6\n"}


def _classes(project: Project) -> list[ClassValue]:
    return list(project.concepts.roles.methods)


def _kept_methods(project: Project) -> KeptMethods:
    """``project``'s state kept and restored on itself (a new resolver), its ``Roles.methods``."""
    names = {info.relpath: info.name for info in project.index.iter_modules()}
    blob = snapshot_state(project.index, project.sites, project.graph, project.concepts, names)
    back = restore_state(read_state(blob), project.index, Resolver(project.index), {})
    assert back is not None
    methods = back.concepts.roles.methods
    assert isinstance(methods, KeptMethods) and methods.worked_out == 0
    return methods


def _projects(tmp_path: Path) -> list[Path]:
    generate(tmp_path / "mono", files=260, seed=5)
    roots = [_copy(SAMPLE, tmp_path / "sample"), write_project(tmp_path / "inc", incremental_project()),
             tmp_path / "mono", write_project(tmp_path / "override", OVERRIDING)]  # fmt: skip
    if DJANGO.is_dir():
        roots.append(_copy(DJANGO / "db" / "models", tmp_path / "slice" / "django" / "db" / "models"))
        for package in ("django", "django/db"):
            (tmp_path / "slice" / package / "__init__.py").write_text("", encoding="utf-8")
    return roots


def test_each_source_is_the_built_models_own_object(tmp_path: Path) -> None:
    """A class's set is the object its source names: the own-names set ``Roles`` kept for class ``j``, or class
    ``j``'s whole set (``j`` itself when it built its own). The three kinds all occur."""
    kinds = {"own": 0, "another's": 0, "its own whole set": 0}
    for root in _projects(tmp_path):
        project = _load(root)
        roles, snapshot = project.concepts.roles, take_snapshot(project.concepts)
        columns, by_position = snapshot.methods, _classes(project)
        for k, value in enumerate(by_position):
            j, kind = divmod(columns.source[k], 2)
            source = by_position[j]
            if kind == 0:
                assert roles.methods[value] is roles._own_public[source]
                kinds["own"] += 1
            else:
                assert roles.methods[value] is roles.methods[source] and j <= k
                kinds["another's" if j < k else "its own whole set"] += 1
    assert all(kinds.values()), kinds


def test_replayed_sets_iterate_as_the_built_ones(tmp_path: Path) -> None:
    """Asked in a shuffled order, every set iterates as the built one (same keys, same order of keys)."""
    for root in _projects(tmp_path):
        project = _load(root)
        built = project.concepts.roles.methods
        kept = _kept_methods(project)
        asked = list(built)
        random.Random(7).shuffle(asked)
        assert {v: tuple(kept[v]) for v in asked} == {v: tuple(built[v]) for v in asked}
        assert list(kept) == list(built) and len(kept) == len(built) and kept.worked_out == len(built)
        assert [tuple(s) for s in kept.values()] == [tuple(s) for s in built.values()]


def test_only_what_is_asked_is_worked_out(tmp_path: Path) -> None:
    """C(B(A)) works out C, B and A; E(A), adding no name, takes A's own set and works out itself alone; D is never
    worked out. Unknown classes are not keys and work nothing out."""
    project = _load(write_project(tmp_path, HIERARCHY))
    kept = _kept_methods(project)
    value = {v.qualname: v for v in _classes(project)}
    assert kept[value["E"]] == frozenset({"a1"}) and kept.worked_out == 1
    assert kept[value["C"]] == frozenset({"a1", "b1", "c1"}) and kept.worked_out == 4
    assert ClassValue("app.base", "Z") not in kept and kept.get(ClassValue("app.base", "Z")) is None
    assert value["D"] in kept and kept.worked_out == 4
    with pytest.raises(KeyError):
        kept[ClassValue("app.nowhere", "A")]


def test_a_3000_class_chain(tmp_path: Path) -> None:
    """The last of a 3,000-class chain, asked first, works out all 3,000 without recursing."""
    lines = ["class K0:\n    def m0(self):\n        return 0\n"]
    lines += [f"class K{i}(K{i - 1}):\n    def m{i}(self):\n        return {i}\n" for i in range(1, 3000)]
    project = _load(write_project(tmp_path, {"chain.py": "\n\n".join(lines)}))
    kept = _kept_methods(project)
    last = ClassValue("chain", "K2999")
    assert len(kept[last]) == 3000 and kept.worked_out == 3000
    assert tuple(kept[last]) == tuple(project.concepts.roles.methods[last])
    assert NOT_A_KEY not in kept._columns.rank  # every class numbered is a key here


def test_the_weight_of_a_set_of_names_does_not_follow_the_order_it_iterates_in() -> None:
    """Equal sets built by other steps may iterate in other orders (a class added beside an equal one, a copy's set
    held by the other copy): the similarity's sum of their weights is the same float whatever the order, names
    weighed before or not (a plain sum's last bit followed it)."""
    weights = {"open_stream": 0.1, "read_frame": 0.2, "close_stream": 0.3}
    orders = list(permutations(weights))
    assert len({_added_in_order([weights[name] for name in order]) for order in orders}) > 1  # their last bits differ
    weighed = SimpleNamespace(_weights=weights, weight=weights.__getitem__)
    unweighed = SimpleNamespace(_weights={}, weight=weights.__getitem__)
    sums = {Similarity.weigh(similarity, order) for order in orders  # type: ignore[arg-type]
            for similarity in (weighed, unweighed)}  # fmt: skip
    assert sums == {0.6}


def _added_in_order(values: list[float]) -> float:
    """``values`` added one after the other (what ``sum`` did before Python 3.12, which compensates its sum of
    floats: not exactly, and not in every order either)."""
    total = 0.0
    for value in values:
        total += value
    return total
