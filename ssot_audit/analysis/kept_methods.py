"""``Roles.methods`` of a kept concept model: each class's public methods worked out when first asked.

A built ``Roles`` works out the public methods of every class, bases first (``Roles.public_methods_of``), and keeps
each distinct set once: a class's set is the first equal set built before it (its own names' set or the whole set of
an earlier class), or its only base's set when it adds no public name. A set iterates in an order that follows how
it was built; a restored model hands out, for every class, a set built by the same steps as the one the built model
holds (in this process: string hashes differ between processes, so the order cannot be carried, only the steps), so
its sets iterate as a built model's do. (Nothing read of a set follows that order any longer: the similarity's sums
of weights are exact, ``Similarity.weigh``, so a class of test code added or removed beside one with an equal set,
which a built model would have built otherwise, keeps the kept model.)

``method_columns`` records, after a full scan, what those steps read (each class's own public names and project
bases) and which step made the set each class ends up with (its *source*: the own names of class ``j``, or the whole
set of class ``j``). ``KeptMethods`` replays, for an asked class, only the steps its set depends on: a calls-only scan
asks about a handful of the 85,000 classes of 4M lines, and restoring no longer works out all of them (0.46 CPU-s).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from ssot_audit.analysis.values import ClassValue

NOT_A_KEY = 0xFFFFFFFF  # the rank of a class ``Roles.methods`` does not hold
_OWN, _WHOLE = 0, 1  # a source's kind: a class's own public names, or its whole set (own and inherited)


def own_public(methods: Iterable[str]) -> set[str]:
    """The public names of ``methods``, inserted in their order: the first step of every class's set."""
    return {m for m in methods if not m.startswith("_")}


@dataclass(frozen=True, slots=True)
class MethodColumns:
    """What replaying ``Roles.methods`` reads, as flat columns over class numbers (``ConceptSnapshot``'s)."""

    order: array[int]  # class numbers in ``Roles.methods``' order: bases before their subclasses
    rank: array[int]  # class number -> its position in ``order`` (``NOT_A_KEY`` for a class that is not a key)
    source: array[int]  # per position: 2 * the position of the class whose step made its set + ``_OWN``/``_WHOLE``
    public_at: array[int]  # per position, where its own public names start in ``public`` (one more: the end)
    public: tuple[str, ...]  # each class's own public method names, in its facts' order
    bases_at: array[int]  # per position, where its project bases start in ``bases`` (one more: the end)
    bases: array[int]  # each class's ``Resolver.base_classes``, as class numbers


def method_columns(order: array[int], classes: int, own: Sequence[tuple[str, ...]], bases: Sequence[Sequence[int]],
                   whole: Sequence[frozenset[str]]) -> MethodColumns:  # fmt: skip
    """The columns of a built ``Roles.methods``: ``order`` its keys (class numbers, ``classes`` numbered in all),
    and per position the class's own public names, its project bases (class numbers) and its set (``whole``). The
    sources follow ``Roles.public_methods_of``'s steps: its own names' set is kept first, then its base's set is
    taken when it is its only base (worked out before it) and adds no name, else the first equal set kept."""
    rank = array("I", [NOT_A_KEY]) * classes
    for position, number in enumerate(order):
        rank[number] = position
    first: dict[frozenset[str], int] = {}  # a set's content -> the source of the first equal set kept
    source, public_at, bases_at, flat_bases = array("I"), array("I", [0]), array("I", [0]), array("I")
    public: list[str] = []
    for k, (names, found) in enumerate(zip(own, bases)):
        mine = frozenset(names)
        first.setdefault(mine, 2 * k + _OWN)
        base = rank[found[0]] if len(found) == 1 else NOT_A_KEY
        if base < k and mine <= whole[base]:
            source.append(source[base])  # adds no public name: its base's set
        else:
            source.append(first.setdefault(whole[k], 2 * k + _WHOLE))
        public += names
        flat_bases.extend(found)
        public_at.append(len(public))
        bases_at.append(len(flat_bases))
    return MethodColumns(order, rank, source, public_at, tuple(public), bases_at, flat_bases)


class KeptMethods(Mapping[ClassValue, frozenset[str]]):
    """``Roles.methods`` replayed from ``MethodColumns``: the same keys in the same order, and each class's set, when
    first asked, built by the steps the built model took (``walk``: ``Roles._walk_public``, for a base met before its
    own bases, which reads facts along its MRO as a built model does)."""

    def __init__(self, columns: MethodColumns, classes: Sequence[ClassValue],
                 walk: Callable[[ClassValue], set[str]]) -> None:  # fmt: skip
        self._columns, self._classes, self._walk = columns, classes, walk
        self._number: dict[tuple[str, str], int] | None = None  # (module, qualname) -> class number, made when asked
        self._made: dict[int, frozenset[str]] = {}  # by position: the sets worked out
        self._own: dict[int, frozenset[str]] = {}  # by position: own names' sets that are some class's set
        # classes of test code added since the full scan, with their sets, and the positions of those removed
        # (``kept_judgements.patched_test_classes``: no other class's set is built from theirs)
        self._added: dict[tuple[str, str], tuple[ClassValue, frozenset[str]]] = {}
        self._removed: set[int] = set()
        self._children: dict[int, list[int]] | None = None  # made when ``subclasses`` is first asked

    @property
    def worked_out(self) -> int:
        """How many classes' sets have been worked out (those asked, and the ones they were built from)."""
        return len(self._made)

    def __len__(self) -> int:
        return len(self._columns.order) - len(self._removed) + len(self._added)

    def __iter__(self) -> Iterator[ClassValue]:
        """The keys: the kept ones in their order (but those removed), then those added (which a built model puts
        among them by the length of their MRO: no reader of a restored model iterates it; ``take_snapshot`` reads a
        built one)."""
        kept = (self._classes[n] for k, n in enumerate(self._columns.order) if k not in self._removed) \
            if self._removed else map(self._classes.__getitem__, self._columns.order)  # fmt: skip
        yield from kept
        yield from (value for value, _ in self._added.values())

    def __contains__(self, value: object) -> bool:
        return self._position(value) is not None or self._added_set(value) is not None

    def __getitem__(self, value: ClassValue) -> frozenset[str]:
        position = self._position(value)
        if position is None:
            found = self._added_set(value)
            if found is None:
                raise KeyError(value)
            return found
        return self._at(position)

    def add(self, value: ClassValue, names: frozenset[str]) -> None:
        """``value``, a class the kept columns do not hold, with its set (worked out by ``Roles.public_methods_of``)."""
        self._added[value.module, value.qualname] = (value, names)

    def remove(self, value: ClassValue) -> None:
        """``value``, a kept class, no longer a key."""
        position = self._position(value)
        if position is not None:
            self._removed.add(position)

    def _added_set(self, value: object) -> frozenset[str] | None:
        if not self._added or not isinstance(value, ClassValue):
            return None
        found = self._added.get((value.module, value.qualname))
        return found[1] if found is not None else None

    def has_subclass(self, value: ClassValue) -> bool:
        """Whether some class names ``value`` as a project base (its set would be built from ``value``'s)."""
        number = self.number_of(value)
        return number is not None and number in self._columns.bases

    def subclasses(self, value: ClassValue) -> list[ClassValue] | None:
        """The kept classes (but those removed) whose project bases lead to ``value``, nearest first (the classes
        added since the full scan, ``added``, may too: the caller asks the resolver). None when ``value`` is not a
        kept class."""
        number = self.number_of(value)
        if number is None:
            return None
        c = self._columns
        if number not in c.bases:  # (a scan of the array in C: the map below is 0.1 s at 4M lines, most classes
            return []  # edited have no subclass)
        if self._children is None:  # class number -> the kept classes that name it as a project base
            self._children = {}
            for k, sub in enumerate(c.order):
                for base in c.bases[c.bases_at[k]:c.bases_at[k + 1]]:
                    self._children.setdefault(base, []).append(sub)
        found: dict[int, None] = {}
        todo = [number]
        while todo:
            for sub in self._children.get(todo.pop(), ()):
                if sub not in found and sub != number and c.rank[sub] not in self._removed:
                    found[sub] = None
                    todo.append(sub)
        return list(map(self._classes.__getitem__, found))

    def added(self) -> list[ClassValue]:
        """The classes added since the full scan (``add``)."""
        return [value for value, _ in self._added.values()]

    def number_of(self, value: ClassValue) -> int | None:
        """``value``'s number among the kept classes, if it is one."""
        return self._numbers().get((value.module, value.qualname))

    def lends_set(self, value: ClassValue) -> bool:
        """Whether another class holds the set built for ``value`` (its own names' or its whole set: an equal set is
        kept once, ``method_columns``' sources): were ``value``'s names to change, that class would hold a set built
        by other steps, which may iterate in another order (True for a class this does not hold: the safe answer)."""
        k = self._position(value)
        if k is None:
            return True
        source = self._columns.source
        return source.count(2 * k + _OWN) + source.count(2 * k + _WHOLE) > (source[k] // 2 == k)

    def defined_elsewhere(self, name: str, value: ClassValue, skip: Container[str]) -> bool:
        """Whether a class other than ``value``, of a module outside ``skip``, defines a public method ``name``
        (its own names as the full scan found them: a module edited since is the caller's to read, in ``skip``)."""
        return next(self.definers(name, value, skip), None) is not None

    def definers(self, name: str, value: ClassValue, skip: Container[str]) -> Iterator[ClassValue]:
        """The classes other than ``value``, of modules outside ``skip``, that define a public method ``name``, as
        ``defined_elsewhere`` reads them (those removed since the full scan left out)."""
        c = self._columns
        public, at = c.public, -1
        while True:
            try:
                at = public.index(name, at + 1)
            except ValueError:
                return
            k = bisect_right(c.public_at, at) - 1
            other = self._classes[c.order[k]]
            if other.module not in skip and (other.module, other.qualname) != (value.module, value.qualname) \
                    and k not in self._removed:  # fmt: skip
                yield other

    def _numbers(self) -> dict[tuple[str, str], int]:
        """(module, qualname) -> class number, made when first asked (keyed by the strings: a tuple hashes in C, a
        ``ClassValue`` by a Python call)."""
        if self._number is None:
            self._number = dict(zip(map(attrgetter("module", "qualname"), self._classes), range(len(self._classes))))
        return self._number

    def _position(self, value: object) -> int | None:
        if not isinstance(value, ClassValue):
            return None
        number = self._numbers().get((value.module, value.qualname))
        if number is None:
            return None
        position = self._columns.rank[number]
        return None if position == NOT_A_KEY or position in self._removed else position

    def _at(self, k: int) -> frozenset[str]:
        """The set at position ``k``, with every set it is built from first (a loop, not recursion: inheritance
        chains of thousands of classes exist)."""
        made = self._made
        if k in made:
            return made[k]
        stack = [k]
        while stack:
            top = stack[-1]
            if top in made:
                stack.pop()
                continue
            needed = [p for p in self._needs(top) if p not in made]
            if needed:
                stack += needed
                continue
            made[top] = self._make(top)
            stack.pop()
        return made[k]

    def _needs(self, k: int) -> list[int]:
        """The positions whose sets building position ``k``'s reads."""
        c = self._columns
        j, kind = divmod(c.source[k], 2)
        if kind == _OWN:
            return []
        if j != k:
            return [j]
        return [r for r in map(c.rank.__getitem__, c.bases[c.bases_at[k]:c.bases_at[k + 1]]) if r < k]

    def _make(self, k: int) -> frozenset[str]:
        c = self._columns
        j, kind = divmod(c.source[k], 2)
        if kind == _OWN:
            found = self._own.get(j)
            if found is None:
                found = self._own[j] = frozenset(own_public(c.public[c.public_at[j]:c.public_at[j + 1]]))
            return found
        if j != k:
            return self._made[j]
        names = own_public(c.public[c.public_at[k]:c.public_at[k + 1]])
        for base in c.bases[c.bases_at[k]:c.bases_at[k + 1]]:
            r = c.rank[base]
            # as ``public_methods_of``: a base worked out before it gives its set, any other is walked
            names.update(self._made[r] if r < k else self._walk(self._classes[base]))
        return frozenset(names)
