"""The dependency record (``trace``) as the cache keeps it and as a scan after an interface edit walks it.

A full scan at 4M lines records about 350,000 leaf and unit keys over 630,000 nodes and 1.4 million edges; a scan
after an edit needs a few dozen of those keys (its fired leaves, the units it reaches). So the keys are never
decoded all at once (that took 0.14 CPU-s a scan at 4M lines, numbering the kept deltas' keys as the full record's
0.04 more): each is kept as one integer, its *code* (its tag and the numbers of its one or two strings in the
record's table of distinct strings), in two sorted columns, one by code (a key's node: a bisection; a kind's or a
module's leaves: a range) and one by node (a node's key: a bisection).

``RecordWalk`` goes up each record's own edges from the fired leaves' nodes, and crosses from one record to another
at a kept key only: leaves and units are one node across records, by key, and memo nodes are each record's own.
"""

from __future__ import annotations

import pickle
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

from ssot_audit.analysis.trace import BOUND, LEAF_KINDS, MODEL, OF_EVERY_MODULE, UNIT, Trace, is_kept_key

# A record as the cache keeps it: the distinct strings of its keys joined by NULs, the keys' codes sorted with their
# nodes, the nodes sorted with their keys' codes (``array`` bytes), the keys of another shape as they are, the node
# count, the import sites' end and the model's, and the edges by child (the parents last: ``keep_delta`` counts them).
State = tuple[str, bytes, bytes, bytes, bytes, list[tuple[Hashable, int]], int, int, int, bytes, bytes]
_PAIR, _UNIT_WHOLE, _UNIT_NAMED = -1, -2, -3  # tags of keys that are not ``(kind, string[, string])``
_TAG_BIAS = 4  # a tag plus this is positive
_SHIFT = 24  # a code: tag + bias << 48 | first string's number << 24 | second string's number + 1 (0: none)
_MASK = (1 << _SHIFT) - 1


class Keys(Mapping[Hashable, int]):
    """A record's leaf and unit keys by node number, read from their columns one at a time (see the module's
    docstring); iterating decodes them all (the tests, and a scan after ``__all__`` appeared or went)."""

    __slots__ = ("_columns", "_codes", "_code_nodes", "_numbers", "_number_codes", "_other", "_strings", "_index",
                 "_other_at")  # fmt: skip

    def __init__(self, joined: str, codes: bytes, code_nodes: bytes, numbers: bytes, number_codes: bytes,
                 other: Iterable[tuple[Hashable, int]]) -> None:  # fmt: skip
        self._columns = (joined, codes, code_nodes, numbers, number_codes)
        if len(codes) != 2 * len(code_nodes) or len(number_codes) != 2 * len(numbers) or len(codes) != len(number_codes):
            raise ValueError("damaged key columns")
        self._codes, self._code_nodes = memoryview(codes).cast("q"), memoryview(code_nodes).cast("i")
        self._numbers, self._number_codes = memoryview(numbers).cast("i"), memoryview(number_codes).cast("q")
        self._other = dict(other)
        self._strings: list[str] | None = None
        self._index: dict[str, int] | None = None
        self._other_at: dict[int, list[Hashable]] | None = None

    @classmethod
    def of(cls, pairs: Iterable[tuple[Hashable, int]]) -> Keys:
        """The keys of ``pairs`` (key, node)."""
        return cls(*_encoded(pairs))

    def columns(self) -> tuple[str, bytes, bytes, bytes, bytes, list[tuple[Hashable, int]]]:
        """As the cache keeps them (``State``'s first six items)."""
        return (*self._columns, list(self._other.items()))

    def with_more(self, more: Mapping[Hashable, int]) -> Keys:
        """These keys and ``more`` (kept as they are: several keys may name one node, as the tests' probes do)."""
        return Keys(*self._columns, [*self._other.items(), *more.items()])

    def __getitem__(self, key: Hashable) -> int:
        node = self.node_of(key)
        if node is None:
            raise KeyError(key)
        return node

    def __contains__(self, key: object) -> bool:
        return self.node_of(key) is not None

    def __len__(self) -> int:
        return len(self._codes) + len(self._other)

    def __iter__(self) -> Iterator[Hashable]:
        for code in self._number_codes:
            yield self._key(code)
        yield from self._other

    def node_of(self, key: Hashable) -> int | None:
        """The node of ``key``; None when the record has no such key."""
        found = self._other.get(key) if self._other else None
        if found is not None:
            return found
        columns = _columns(key)
        if columns is None:
            return None
        tag, x, y = columns
        index = self._string_index()
        first, second = index.get(x), None if y is None else index.get(y)
        if first is None or second is None and y is not None:
            return None
        code = _code(tag, first, second)
        codes = self._codes
        at = bisect_left(codes, code)
        return self._code_nodes[at] if at < len(codes) and codes[at] == code else None

    def keys_at(self, node: int) -> list[Hashable]:
        """The keys of ``node`` (none for a memo node)."""
        numbers = self._numbers
        at = bisect_left(numbers, node)
        found = [self._key(self._number_codes[at])] if at < len(numbers) and numbers[at] == node else []
        if self._other:
            found.extend(self._other_nodes().get(node, ()))
        return found

    def of_kind(self, kind: int) -> list[Hashable]:
        """The keys of leaf kind ``kind`` (``trace.LEAF_KINDS``)."""
        low = _code(kind, 0, None)
        return [*self._in_range(low, low + (1 << 2 * _SHIFT)), *(k for k in self._other if k[0] == kind)]  # type: ignore[index]

    def of_module(self, module: str) -> list[Hashable]:
        """The leaves of ``module``: its namespace's, and every kind's of one module (``trace.OF_EVERY_MODULE`` aside)."""
        found: list[Hashable] = [k for k in self._other if (len(k) == 2 and k[0] == module)  # type: ignore[arg-type,index]
                                 or (k[0] in LEAF_KINDS and k[0] not in OF_EVERY_MODULE and k[1] == module)]  # type: ignore[index]
        first = self._string_index().get(module)
        if first is None:
            return found
        for tag in (_PAIR, *sorted(LEAF_KINDS - OF_EVERY_MODULE)):
            low = _code(tag, first, None)
            found.extend(self._in_range(low, low + (1 << _SHIFT)))
        return found

    def _in_range(self, low: int, high: int) -> Iterator[Hashable]:
        codes = self._codes
        for at in range(bisect_left(codes, low), bisect_left(codes, high)):
            yield self._key(codes[at])

    def _key(self, code: int) -> Hashable:
        strings = self._string_list()
        tag, x, y = (code >> 2 * _SHIFT) - _TAG_BIAS, strings[code >> _SHIFT & _MASK], (code & _MASK) - 1
        if tag == _PAIR:
            return (x, strings[y])
        if tag == _UNIT_WHOLE:
            return (UNIT, x, None)
        if tag == _UNIT_NAMED:
            return (UNIT, x, strings[y])
        return (tag, x) if y < 0 else (tag, x, strings[y])

    def _string_list(self) -> list[str]:
        strings = self._strings
        if strings is None:
            strings = self._strings = self._columns[0].split("\0")  # one empty string is "" too
        return strings

    def _string_index(self) -> dict[str, int]:
        index = self._index
        if index is None:
            strings = self._string_list()
            index = self._index = dict(zip(strings, range(len(strings))))
        return index

    def _other_nodes(self) -> dict[int, list[Hashable]]:
        found = self._other_at
        if found is None:
            found = self._other_at = {}
            for key, node in self._other.items():
                found.setdefault(node, []).append(key)
        return found


def _encoded(pairs: Iterable[tuple[Hashable, int]]) -> tuple[str, bytes, bytes, bytes, bytes, list[tuple[Hashable, int]]]:
    """``Keys``' columns of the keys of ``pairs`` (key, node): ``_by_code`` of ``_coded``."""
    return _by_code(*_coded(pairs))


def _coded(pairs: Iterable[tuple[Hashable, int]]) -> tuple[str, array[int], array[int], list[tuple[Hashable, int]]]:
    """The keys of ``pairs`` (key, node) as codes by node: the joined strings, the nodes (ascending) and their keys'
    codes; keys of another shape (a unit keyed by a tuple), and any past the strings a code can number, as they
    are. Compact (12 bytes a key): ``taken`` lets the trace's table of nodes go before ``_by_code`` sorts them."""
    strings: dict[str, int] = {}
    number = strings.setdefault
    nodes, codes = array("i"), array("q")
    other: list[tuple[Hashable, int]] = []
    for key, node in pairs:
        columns = _columns(key)
        if columns is None or len(strings) >= _MASK - 2:
            other.append((key, node))
            continue
        tag, x, y = columns
        nodes.append(node)
        codes.append(_code(tag, number(x, len(strings)), None if y is None else number(y, len(strings))))
    if any(a > b for a, b in zip(nodes, nodes[1:])):  # a trace numbers them in order; a mapping may not
        order = sorted(range(len(nodes)), key=nodes.__getitem__)
        nodes, codes = array("i", map(nodes.__getitem__, order)), array("q", map(codes.__getitem__, order))
    return "\0".join(strings), nodes, codes, other


def _by_code(joined: str, nodes: array[int], codes: array[int],
             other: list[tuple[Hashable, int]]) -> tuple[str, bytes, bytes, bytes, bytes, list[tuple[Hashable, int]]]:  # fmt: skip
    """The columns of ``_coded``'s keys: by code (sorted here) and by node."""
    order = sorted(range(len(codes)), key=codes.__getitem__)
    by_code = array("q", map(codes.__getitem__, order))
    code_nodes = array("i", map(nodes.__getitem__, order))
    return joined, by_code.tobytes(), code_nodes.tobytes(), nodes.tobytes(), codes.tobytes(), other


def _code(tag: int, first: int, second: int | None) -> int:
    """A key's code: its tag, the number of its first string and of its second (None: it has one)."""
    return (tag + _TAG_BIAS) << 2 * _SHIFT | first << _SHIFT | (0 if second is None else second + 1)


def _columns(key: Hashable) -> tuple[int, str, str | None] | None:
    """``key`` as (tag, string, string or None) for a code; None when it has another shape."""
    if type(key) is not tuple or not 2 <= len(key) <= 3 or not all(type(k) is str and "\0" not in k for k in key[1:]
                                                                   if k is not None):  # fmt: skip
        return None
    head, x, *rest = key
    y = rest[0] if rest else None
    if type(head) is str and "\0" not in head and not rest:
        return _PAIR, head, x
    if head == UNIT and rest:
        return (_UNIT_WHOLE, x, None) if y is None else (_UNIT_NAMED, x, y)
    if type(head) is int and head in LEAF_KINDS and (y is not None or not rest):
        return head, x, y
    return None


@dataclass(frozen=True, slots=True)
class Recorded:
    """A scan's dependency edges as kept in the cache: leaf and unit keys by node number, the node count, the numbers
    of the nodes first read while the import sites were made (below ``sites_end``) and while the rest of the model
    was (from there to ``model_end``), and the edges by child (``array('i')`` bytes: node n's readers are
    ``parents[starts[n]:starts[n + 1]]``, so a walk reads the edges of the nodes it reaches only)."""

    keys: Keys
    nodes: int
    sites_end: int
    model_end: int
    starts: bytes
    parents: bytes

    @classmethod
    def of_trace(cls, trace: Trace) -> Recorded:
        """What ``trace`` recorded so far (it is not emptied)."""
        return cls.of_state(taken(trace, keep=True))

    @classmethod
    def of_keys(cls, keys: Mapping[Hashable, int], nodes: int, sites_end: int, model_end: int, starts: bytes,
                parents: bytes) -> Recorded:  # fmt: skip
        """A record of these keys and edges."""
        return cls(Keys.of(keys.items()), nodes, sites_end, model_end, starts, parents)

    def state(self) -> State:
        """As the cache keeps it (``taken``)."""
        return (*self.keys.columns(), self.nodes, self.sites_end, self.model_end, self.starts, self.parents)

    @classmethod
    def of_state(cls, state: State) -> Recorded:
        """What ``state`` gave; raises ``ValueError`` (or ``TypeError``) on a damaged one."""
        joined, codes, code_nodes, numbers, number_codes, other, nodes, sites_end, model_end, starts, parents = state
        return cls(Keys(joined, codes, code_nodes, numbers, number_codes, other), nodes, sites_end, model_end, starts,
                   parents)  # fmt: skip

    def with_keys(self, more: Mapping[Hashable, int]) -> Recorded:
        """The same record with ``more`` keys (of nodes it has)."""
        return Recorded(self.keys.with_more(more), self.nodes, self.sites_end, self.model_end, self.starts, self.parents)

    def dumps(self) -> bytes:
        """Pickled (the tests' round trip: the cache pickles ``state()`` with what else it keeps)."""
        return pickle.dumps(self.state(), protocol=5)

    @classmethod
    def loads(cls, blob: bytes) -> Recorded:
        """What ``dumps`` gave."""
        return cls.of_state(pickle.loads(blob))

    def reached(self, leaves: Iterable[Hashable]) -> set[Hashable]:
        """The units reached upward from ``leaves`` (keys; those never read are ignored): the judgements that read
        one, directly or through memoised answers (``MODEL`` for the model's)."""
        return reached((self,), leaves)

    def leaves_of(self, module: str) -> list[Hashable]:
        """Every recorded leaf of ``module``."""
        return self.keys.of_module(module)


def taken(trace: Trace, *, keep: bool = False) -> State:
    """What ``trace`` recorded as the cache keeps it (``Recorded.of_state``), the trace emptied as it goes (at 4M
    lines its table of nodes is 40 MB and its edges 8 MB, at the end of a scan whose peak of memory is near);
    ``keep``: not emptied."""
    nodes = len(trace.ids)
    coded = _coded((key, i) for key, i in trace.ids.items() if is_kept_key(key))
    if not keep:
        trace.ids = {}  # before the edges are sorted and the keys: the table is 40 MB at 4M lines
    starts, parents = _by_child(trace.children, trace.parents, nodes)
    if not keep:
        trace.children, trace.parents = array("i"), array("i")
    return (*_by_code(*coded), nodes, trace.sites_end, trace.model_end or nodes, starts.tobytes(), parents.tobytes())


def _by_child(children: array[int], parents: array[int], nodes: int) -> tuple[array[int], array[int]]:
    """The edges sorted by child, counting (two passes over the edges: 0.4 CPU-s at 4M lines' 900,000)."""
    counts = array("i", bytes(4 * (nodes + 1)))
    for child in children:
        counts[child + 1] += 1
    starts = array("i", accumulate(counts))
    fill = array("i", starts)
    by_child = array("i", bytes(4 * len(parents)))
    for child, parent in zip(children, parents):
        at = fill[child]
        by_child[at] = parent
        fill[child] = at + 1
    return starts, by_child


def reached(records: Sequence[Recorded], leaves: Iterable[Hashable], stop: Collection[Hashable] = ()) -> set[Hashable]:
    """The units reached upward from ``leaves`` in the records taken together (leaves and units are one node across
    records, by key; each record's memo nodes are its own), ``MODEL`` when a node the first record numbered while
    building the model (after the import sites) is reached, or one the model read (an edge to ``MODEL``). A node kept
    by a key of ``stop`` (``BOUND``) is reported when reached, and the walk goes no further up from it: what reads it
    is judged again only if its answers changed (``interface_scan.past_bound``)."""
    return RecordWalk(records).reached(leaves, stop)


class RecordWalk:
    """Records made ready to walk (``reached``): their edges read in place, for every walk of them."""

    def __init__(self, records: Sequence[Recorded]) -> None:
        self._records = tuple(records)
        self._edges = [(memoryview(r.starts).cast("i"), memoryview(r.parents).cast("i")) for r in records]
        self._ends = (records[0].sites_end, records[0].model_end) if records else (0, 0)

    def reached(self, leaves: Iterable[Hashable], stop: Collection[Hashable] = ()) -> set[Hashable]:
        """``reached`` of these records."""
        records, edges = self._records, self._edges
        seen: list[set[int]] = [set() for _ in records]
        queue: deque[tuple[int, int]] = deque()
        for leaf in leaves:
            self._arrive(leaf, -1, seen, queue)
        units: set[Hashable] = set()
        sites_end, model_end = self._ends
        while queue:
            r, node = queue.popleft()
            if not r and sites_end <= node < model_end:
                units.add(MODEL)
            stopped = False
            for key in records[r].keys.keys_at(node):
                head = key[0]  # type: ignore[index]
                if head == UNIT or head == BOUND:
                    units.add(key)
                if key in stop:
                    stopped = True
                elif head != UNIT:  # a leaf or ``BOUND``, which other records' nodes read too (a unit: none)
                    self._arrive(key, r, seen, queue)
            if stopped:
                continue
            starts, parents = edges[r]
            mine = seen[r]
            for parent in parents[starts[node]:starts[node + 1]]:
                if parent not in mine:
                    mine.add(parent)
                    queue.append((r, parent))
        return units

    def _arrive(self, key: Hashable, besides: int, seen: list[set[int]], queue: deque[tuple[int, int]]) -> None:
        """Queue the node of ``key`` in every record but ``besides`` that has it and has not seen it."""
        for r, record in enumerate(self._records):
            if r != besides:
                node = record.keys.node_of(key)
                if node is not None and node not in seen[r]:
                    seen[r].add(node)
                    queue.append((r, node))
