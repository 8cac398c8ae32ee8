"""What role similarity (``similarity``) asks of one class whatever the other one is, and the tests between two
classes' names: kept apart so ``similarity`` stays readable."""

from __future__ import annotations

from dataclasses import dataclass

from ssot_audit.analysis.values import ClassValue


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
