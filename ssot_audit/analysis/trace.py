"""What each whole-program answer of a full scan read: the dependency graph the scans after an interface edit use.

An interface edit (``interface_change``: a module-level name renamed, added or removed) changes what a few
questions about the edited module answer. A scan after it needs to know which of the last scan's rule judgements
asked those questions, directly or through a memoised answer some other judgement computed first. So the full scan
records, as it runs, who read what:

- *leaves* name a piece of one module's facts: ``(module, name)`` the module's namespace for one name (its
  bindings of it, a submodule of that name, whether ``__all__`` lists it: the key of the resolver's memoised
  ``module_attr``, whose node is thus its own leaf), ``(FUNCTION, module, qualname)`` one function's facts (a
  class's facts are not recorded: ``interface_change`` refuses every change of a class or method, which feeds the
  concept model, and recording them cost 10% of the record; ``CLASS`` is kept for the day it lets them differ),
  ``(STAR, module)`` the module's star imports, ``(MODULE,
  module)`` anything else of its facts (the coarse leaf: every interface edit of the module fires it),
  ``(NAMED, name)`` which modules bind a name at module level (``namespace.find_definers`` asks every module),
  ``(IMPORTERS, module)`` which modules import the module (``graph.find_importers``; ``(IMPORTERS, "")`` every
  import edge of the project, ``graph.find_cycles``), ``(ALIASES, "")`` every module's ``name = other``
  bindings (``index.module_aliases``, a table of them all), and ``(SITES, module)`` the import sites of the
  module's classes and functions (``usage.ImportSites``; ``(SITES, "")`` all of them);
- *nodes* are memoised answers (the resolver's memo keys as they are, a class for its method resolution order,
  the caches outside the resolver as ``(NODE, tag, key)``);
- *units* are judgements: ``(UNIT, code, key)`` one rule's judgement of one module or group key (a key of None:
  the rule's work outside any unit), and ``MODEL`` everything built before the rules (import sites, concept model).

Each read made while a node or unit is being computed (a memo hit as well as a miss) appends one edge (child,
parent) to two integer arrays: no set per answer, no union on hits (``python/mypy``'s fine-grained dependencies,
``mypy/server/deps.py``, as edges). The units an edit can change are those reached upward from its fired leaves
(``Recorded.reached``). Two kinds of edge are left out, which changes no answer of ``reached``: the model's (every
node numbered before the rules began was first read while the model was built, so the model is reached when any
of them is: its reads of them, a quarter of all edges, are not needed), and a read repeating the one just made. An edge too many only makes a scan judge more again; an edge missing would keep a stale
finding, which is why every read of another module's facts goes through a recording accessor (the guard test lists
the rest) and every cache outside the memo tables is a node.

The record is valid for the run that made it: which queries get memoised can depend on the order they were asked
in (and that on string hashing), so a scan merges its own edges for what it computed again rather than reuse
another run's.
"""

from __future__ import annotations

import io
import pickle
from array import array
from collections import deque
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# The first item of a leaf's, unit's or outside node's key: an int, so that none equals a memo key (tuples of strings
# and values, or values).
FUNCTION, CLASS, STAR, MODULE, NAMED, IMPORTERS, ALIASES = 1, 2, 3, 4, 5, 6, 7
UNIT = 8
NODE = 9
SITES = 10
LEAF_KINDS = frozenset({FUNCTION, CLASS, STAR, MODULE, NAMED, IMPORTERS, ALIASES, SITES})
MODEL: tuple[int, str, None] = (UNIT, "", None)  # everything built before the rules run
_OF_EVERY_MODULE = frozenset({NAMED, IMPORTERS, ALIASES, SITES})  # leaves of a table over every module: no module's own


def is_kept_key(key: Hashable) -> bool:
    """Leaves and units are kept between scans by key; memo nodes only by number."""
    if type(key) is not tuple:
        return False
    if len(key) == 2:  # a namespace leaf: no other key is a pair
        return True
    head = key[0]
    return type(head) is int and (head in LEAF_KINDS or head == UNIT)


class Trace:
    """The edges one scan records (see the module's docstring); ``current`` is the node or unit being computed."""

    __slots__ = ("ids", "children", "parents", "current", "_last", "model_end", "_unit")

    def __init__(self) -> None:
        self.ids: dict[Hashable, int] = {MODEL: 0}
        self.children = array("i")
        self.parents = array("i")
        self.current = 0  # the node being computed; -1: the unit ``_unit``, numbered at its first read
        self._last = -1  # the child of the last edge appended
        self.model_end = 0  # the number of nodes when the rules began (``rules_begin``); 0 until then
        # Most judgements read nothing (a module without a call the rule asks about): a unit gets a number, and a
        # key in ``ids``, only once it reads something.
        self._unit: Hashable = None

    def read(self, key: Hashable) -> None:
        """What is being computed now reads ``key`` (a leaf or a node)."""
        ids = self.ids
        child = ids.get(key)
        if child is None:
            child = ids[key] = len(ids)
        current = self.current
        if current < 0:
            current = self._numbered_unit()
        if current and (child != self._last or self.parents[-1] != current):
            self.children.append(child)
            self.parents.append(current)
            self._last = child

    def _numbered_unit(self) -> int:
        """The unit being judged, numbered now (its first read)."""
        self.current = node = self._number(self._unit)
        return node

    def _number(self, key: Hashable) -> int:
        ids = self.ids
        node = ids.get(key)
        if node is None:
            node = ids[key] = len(ids)
        return node

    def rules_begin(self) -> None:
        """The model is built: what is read from now on is read by rules (see the module's docstring)."""
        self.model_end = len(self.ids)

    def enter(self, key: Hashable) -> int:
        """Compute ``key`` (a node, read by what is computed now) from here: returns what to ``leave`` back to."""
        self.read(key)
        outer = self.current
        self.current = self.ids[key]
        return outer

    def leave(self, outer: int) -> None:
        """``key`` entered last is computed: back to what read it."""
        self.current = outer

    def edge(self, child: Hashable, parent: Hashable) -> None:
        """``parent`` reads ``child``, recorded after the fact (a memo entry stored without being computed)."""
        self.children.append(self._number(child))
        self.parents.append(self._number(parent))
        self._last = self.children[-1]

    @contextmanager
    def unit(self, key: Hashable) -> Iterator[None]:
        """Record the reads of one judgement (a root: nothing reads a unit) under ``key``."""
        outer, outer_unit = self.current, self._unit
        self.current, self._unit = -1, key
        try:
            yield
        finally:
            self.current, self._unit = outer, outer_unit

    def recorded(self) -> Recorded:
        """What this scan recorded, with leaves and units by key (memo nodes by number only)."""
        kept = {key: i for key, i in self.ids.items() if is_kept_key(key)}
        return Recorded(kept, len(self.ids), self.model_end or len(self.ids), self.children.tobytes(),
                        self.parents.tobytes())  # fmt: skip

    def taken(self) -> bytes:
        """``recorded()`` pickled, this trace emptied first (at 4M lines its table of nodes is 40 MB, at the end of a
        scan whose peak of memory is near): what it keeps is what the scan's cache keeps."""
        recorded = self.recorded()
        self.ids, self.children, self.parents = {}, array("i"), array("i")
        return recorded.dumps()


@dataclass(frozen=True, slots=True)
class Recorded:
    """A scan's dependency edges as kept in the cache: leaf and unit keys by node number, the node count, the number
    of the nodes first read while the model was built, and the two edge arrays' bytes (``array('i')``)."""

    keys: dict[Hashable, int]
    nodes: int
    model_end: int
    children: bytes
    parents: bytes

    def dumps(self) -> bytes:
        """Pickled for the cache, without the pickler's memo of every object it wrote (flat data, no cycles: the
        memo of 200,000 keys' tuples and strings was 25 MB at 4M lines; a string met twice is written twice)."""
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5)
        pickler.fast = True
        pickler.dump((self.keys, self.nodes, self.model_end, self.children, self.parents))
        return out.getvalue()

    @classmethod
    def loads(cls, blob: bytes) -> Recorded:
        """What ``dumps`` gave."""
        return cls(*pickle.loads(blob))

    def reached(self, leaves: Iterable[Hashable]) -> set[Hashable]:
        """The units reached upward from ``leaves`` (keys; those never read are ignored): the judgements that read
        one, directly or through memoised answers."""
        children, parents = array("i"), array("i")
        children.frombytes(self.children)
        parents.frombytes(self.parents)
        by_child: dict[int, list[int]] = {}
        for child, parent in zip(children, parents):
            if child != parent:
                by_child.setdefault(child, []).append(parent)
        start = [self.keys[leaf] for leaf in leaves if leaf in self.keys]
        seen = set(start)
        queue = deque(start)
        while queue:
            for parent in by_child.get(queue.popleft(), ()):
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        units = {key for key, i in self.keys.items() if i in seen and key[0] == UNIT}  # type: ignore[index]
        if any(i < self.model_end for i in seen):
            units.add(MODEL)
        return units

    def leaves_of(self, module: str) -> list[Hashable]:
        """Every recorded leaf of ``module``."""
        return [k for k in self.keys if (len(k) == 2 and k[0] == module)  # type: ignore[arg-type,index]
                or (k[0] in LEAF_KINDS and k[0] not in _OF_EVERY_MODULE and k[1] == module)]  # type: ignore[index]
