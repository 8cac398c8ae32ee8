"""``pairs_sharing`` counts shared names once per pair of distinct shapes; the plain definition counts them per pair
of positions. Both run on random families with many copies (equal shapes), and must give the same list."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from ssot_audit.analysis.class_profile import pairs_sharing


def plain_pairs_sharing(rare: list[list[str]], cap: int, least: int) -> list[tuple[int, int]]:
    """What ``similar_pairs`` did: every pair of positions holding a name counted, then kept at ``least``."""
    holders: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(rare):
        for name in names:
            holders[name].append(i)
    counts: Counter[tuple[int, int]] = Counter()
    for members in holders.values():
        if 1 < len(members) <= cap:
            counts.update(combinations(members, 2))
    return sorted(pair for pair, n in counts.items() if n >= least)


def _family(rng: random.Random) -> list[list[str]]:
    """Classes drawn from a few originals, each copied several times, some with a name added or dropped."""
    vocabulary = [f"m{i}" for i in range(rng.randint(3, 30))]
    originals = [rng.sample(vocabulary, rng.randint(0, min(8, len(vocabulary)))) for _ in range(rng.randint(1, 8))]
    family = []
    for _ in range(rng.randint(0, 60)):
        names = list(rng.choice(originals))
        if names and rng.random() < 0.2:
            names.remove(rng.choice(names))
        if rng.random() < 0.2:
            names.append(rng.choice(vocabulary))
        rng.shuffle(names)
        family.append(list(dict.fromkeys(names)))  # a class's names are distinct
    return family


@pytest.mark.parametrize("seed", range(300))
def test_pairs_sharing_is_the_plain_count(seed: int) -> None:
    rng = random.Random(seed)
    family = _family(rng)
    cap, least = rng.choice([2, 3, 5, 40]), rng.choice([1, 2, 3])
    assert pairs_sharing(family, cap, least) == plain_pairs_sharing(family, cap, least)


def test_copies_of_one_class_pair_with_each_other_and_with_their_partners() -> None:
    # three copies of a class, a partner sharing two of its names, one sharing only one, one sharing none
    family = [["a", "b", "c"], ["c", "b", "a"], ["a", "b", "c"], ["a", "b", "x"], ["a", "y"], ["z", "w"]]
    assert pairs_sharing(family, 5, 2) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    # "a" (5 holders) is too common at a cap of 4: the partner keeps only "b" in common with the copies
    assert pairs_sharing(family, 4, 2) == [(0, 1), (0, 2), (1, 2)]
