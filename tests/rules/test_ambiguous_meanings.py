"""SSOT204's ``_meanings`` groups paths with a union-find; the plain definition (kept here) merges each path, in
sorted order, into every meaning that shares a target with it and puts the merged meaning last. Both run on random
sites, with many paths and copies of targets, and must give the same meanings in the same order."""

from __future__ import annotations

import random

import pytest

from ssot_audit.analysis.values import ClassValue
from ssot_audit.rules.ambiguous_name import _meanings, _Meaning

Site = tuple[str, str, ClassValue]


def plain_meanings(sites: list[Site]) -> list[_Meaning]:
    """The first definition: a merge of every meaning the path touches, for each path."""
    by_path: dict[str, tuple[set[ClassValue], set[str]]] = {}
    for source, importer, target in sites:
        targets, importers = by_path.setdefault(source, (set(), set()))
        targets.add(target)
        importers.add(importer)
    meanings: list[_Meaning] = []
    for source in sorted(by_path):
        targets, importers = by_path[source]
        joined = [m for m in meanings if m.targets & targets]
        merged = _Meaning(set(targets), {source: set(importers)})
        for other in joined:
            merged.targets |= other.targets
            merged.paths.update(other.paths)
            meanings.remove(other)
        meanings.append(merged)
    return meanings


def _sites(rng: random.Random) -> list[Site]:
    targets = [ClassValue(f"copy{rng.randint(0, 7)}.app.m{rng.randint(0, 5)}", "Name") for _ in range(rng.randint(1, 12))]
    sources = [f"copy{rng.randint(0, 7)}.app.s{i}" for i in range(rng.randint(1, 25))]
    # each path leads to one target, sometimes two (a conditional binding)
    leads = {s: rng.sample(targets, min(len(targets), 1 + (rng.random() < 0.25))) for s in sources}
    return [(s, f"copy{rng.randint(0, 7)}.app.i{rng.randint(0, 30)}", t) for s in sources for t in leads[s]
            for _ in range(rng.randint(1, 3))]  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_meanings_are_the_plain_definition(seed: int) -> None:
    sites = _sites(random.Random(seed))
    expected = plain_meanings(sites)
    assert [(m.targets, m.paths) for m in _meanings(None, "Name", sites)] == [(m.targets, m.paths) for m in expected]  # type: ignore[arg-type]


def test_a_path_to_two_targets_joins_their_meanings_last() -> None:
    a, b, c = (ClassValue(f"app.{m}", "Name") for m in "abc")
    sites = [("app.p1", "x", a), ("app.p2", "y", b), ("app.p3", "z", c), ("app.p4", "w", a), ("app.p4", "w", b)]
    found = _meanings(None, "Name", sites)  # type: ignore[arg-type]
    assert [(m.targets, m.paths) for m in found] == [
        ({c}, {"app.p3": {"z"}}),
        ({a, b}, {"app.p1": {"x"}, "app.p2": {"y"}, "app.p4": {"w"}}),
    ]
