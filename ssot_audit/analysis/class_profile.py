"""What role similarity (``similarity``) asks of one class whatever the other one is, and the tests between two
classes' names and modules: kept apart so ``similarity`` stays readable."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

from ssot_audit.analysis.values import ClassValue

# Directories whose sub-packages (or modules) are plugins loaded by name: a storage vendor's driver, a database
# backend, an integration. Two of them define the same kind of class on purpose.
PLUGIN_DIRS = frozenset({"drivers", "backends", "plugins", "providers", "integrations", "components", "dialects",
                         "connectors"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Profile:
    """What ``Similarity.compare`` asks of one class whatever the other one is, worked out once per class: a class meets
    dozens of others (each copy of a tree multiplies its family), and these answers were computed again each time."""

    order: tuple  # type: ignore[type-arg]  # ``Resolver.mro``: the class first
    ancestors: frozenset[ClassValue]  # the project classes of ``mro[1:]``
    words: tuple[str, ...]  # ``Similarity.words``
    word_set: frozenset[str]
    own_words: tuple[str, ...]  # the words of the name it is defined under (what ``interface`` compares)
    packages: frozenset[str]  # the words of its module's package names (see ``same_name``)
    methods: frozenset[str]  # ``Roles.methods``
    weight: float  # the weight of ``methods``, summed in the order ``compare`` sums it


def related_names(pa: Profile, pb: Profile) -> bool:
    """See ``Similarity.related_names``."""
    words_a, words_b = pa.words, pb.words
    common = len(pa.word_set & pb.word_set)
    if words_a[-1] == words_b[-1]:
        return common > 1 or len(words_a) == len(words_b) == 1
    return common >= 2  # ``ClickHouseClient`` ~ ``ClickHouseService``: the same thing under another noun


def local_words(cls: Profile, other: tuple[str, ...]) -> tuple[str, ...]:
    """``cls``'s words without the leading ones that only name its package (and that ``other`` lacks)."""
    words = cls.words
    start = 0
    while start < len(words) - 1 and words[start] in cls.packages and words[start] not in other:
        start += 1
    return words[start:]


_ASYNC_MARKERS = frozenset({"async", "sync", "aio", "asyncio", "blocking"})


def async_twins(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> bool:
    """``AsyncResult``/``Result``, ``SyncBackendMixin``/``AsyncBackendMixin``: names that differ only by a sync/async
    marker are the two faces of one API, written twice by design."""
    rest_a = [w for w in words_a if w not in _ASYNC_MARKERS]
    rest_b = [w for w in words_b if w not in _ASYNC_MARKERS]
    return rest_a == rest_b and words_a != words_b


def pairs_sharing(rare: list[list[str]], cap: int, least: int) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, sorted, of the positions of ``rare`` (each class's rare method names) that
    share at least ``least`` names held by more than one and at most ``cap`` positions.

    Positions whose counted names are equal (their "shape") share the same number with any other, so the names are
    counted once per pair of distinct shapes, and the pairs of positions are spelt out only for the shapes that share
    enough: copies of a class (vendored trees, backups, K copies of a project) are one shape, and counting every pair
    of their positions that shares a single name grew with the square of the copies (0.8 CPU-s of similar_pairs' 1.6
    at 4M lines of django copies)."""
    holders = Counter(name for names in rare for name in names)
    by_shape: dict[frozenset[str], list[int]] = {}
    for i, names in enumerate(rare):
        shape = frozenset(name for name in names if 1 < holders[name] <= cap)
        if len(shape) >= least:  # a pair shares at most the smaller shape
            by_shape.setdefault(shape, []).append(i)
    shapes = list(by_shape)
    shape_holders: dict[str, list[int]] = defaultdict(list)
    for s, shape in enumerate(shapes):
        for name in shape:
            shape_holders[name].append(s)
    counts: Counter[tuple[int, int]] = Counter()
    for members in shape_holders.values():
        if len(members) > 1:
            counts.update(combinations(members, 2))
    pairs = [pair for positions in by_shape.values() for pair in combinations(positions, 2)]  # a shape shares itself
    for (s, t), n in counts.items():
        if n >= least:
            pairs.extend((i, j) if i < j else (j, i) for i in by_shape[shapes[s]] for j in by_shape[shapes[t]])
    pairs.sort()
    return pairs


def plugin_directory(a: str, b: str) -> str:
    """The plugin directory (``PLUGIN_DIRS``) whose two different children hold modules ``a`` and ``b``:
    ``manila.share.drivers`` for ``manila.share.drivers.huawei.v3.helper`` and ``manila.share.drivers.macrosan.
    rest_helper`` ("" when there is none)."""
    pa, pb = a.split("."), b.split(".")
    common = 0
    for x, y in zip(pa, pb):
        if x != y:
            break
        common += 1
    if 0 < common < min(len(pa), len(pb)) and pa[common - 1] in PLUGIN_DIRS:
        return ".".join(pa[:common])
    return ""
