"""What each whole-program answer of a full scan read: the dependency graph the scans after an interface edit use.

An interface edit (``interface_change``: a module-level name renamed, added or removed) changes what a few
questions about the edited module answer. A scan after it needs to know which of the last scan's rule judgements
asked those questions, directly or through a memoised answer some other judgement computed first. So the full scan
records, as it runs, who read what:

- *leaves* name a piece of one module's facts: ``(module, name)`` the module's namespace for one name (its bindings of
  it, a submodule of that name, whether ``__all__`` lists it: the key of the resolver's memoised ``module_attr``,
  whose node is thus its own leaf), ``(FUNCTION, module, qualname)`` one function's facts, ``(HEAD, module,
  qualname)`` only what the concept model reads of one (``member_change.MODEL_READS``: its decorators, ``async``,
  whether it always raises...: a method whose parameters or return values alone changed fires its ``FUNCTION`` leaf,
  not this one, and a lookup that asked whether it is a property is not reached; ``(SCOPE, module, qualname)`` less
  again, what a name read in it resolves through beside its locals: whether it exists, its class, its parent, its
  ``global`` names (``member_change.SCOPE_READS``: a decorator added to a test method whose nested class the model
  resolved the bases of leaves the model as it was); ``(LOCAL, module, "scope name")`` a method's local bindings of
  one name, which a name read in the method resolves through: read instead of its ``FUNCTION`` leaf (with its
  ``SCOPE``) while the model is built (its attribute types: ``self.x = ...`` in a method), so that a parameter added
  to a method the model resolved names in reaches it only when a name it read changed; ``(CLASS, module, qualname)`` a
  class's members (its methods, conditional definitions and instance attributes: ``member_change.MEMBERS``), read by
  every member lookup of a name that is not private for each class of the MRO it passes
  (``members.MemberLookup._class_member``) and by what reads its public methods, dunders and instance attributes as a
  whole (``Roles.methods_with``, ``Similarity.held``...), but not by what reads its bases and order, which is the
  class's own node (``interface_change`` refuses an edit of them); ``(MEMBER, module, "qualname name")`` the rows of
  one private name (``_name``, no dunder) of a class's members, read instead of the class's ``CLASS`` leaf by a lookup
  of that name (``read_member``): a private method added to a class the model compared reaches the lookups of its name
  alone, and none of the model's (nothing reads private names as a whole), ``(STAR, module)`` the module's star
  imports, ``(MODULE_CALLS, module)`` its calls outside function bodies (module level, class bodies, decorators: what
  ``namespace._edited_at_import`` resolves, whether the module fills other namespaces at import time; the call readers
  judge a module's calls in its own judgements), ``(STORES, attr)`` every module's stores into an attribute ``attr``
  of an imported name (``mod.attr = ...``, ``setattr``; ``*`` for a computed name:
  ``namespace.Namespaces._is_patched``, whether some module patches a name in), ``(MODULE, module)`` anything else of
  its facts (the coarse leaf: every interface edit of the module fires it), ``(NAMED, name)`` which modules bind a
  name at module level (``namespace.find_definers`` asks every module), ``(IMPORTERS, module)`` which modules import
  the module (``graph.find_importers``; ``(IMPORTERS, "")`` every import edge of the project, ``graph.find_cycles``),
  ``(ALIASES, "")`` every module's ``name = other`` bindings (``index.module_aliases``, a table of them all),
  ``(NAMESAKE, last, stem)`` whether a directory of the last name ``last`` that a plugin loader may merge holds a
  module ``stem`` (``namespace.Namespaces._replaced``, read by the answer of whether a module's namespace is open; a
  module added or a test module removed fires it, ``trace.namesake_leaf``), ``(SITES, module)`` the import
  sites of the module's functions (``usage.ImportSites``; ``(SITES, "")`` all of them) and ``(CLASS_SITES, module)``
  those of its classes (apart: the concept model reads the sites of every class, rules those of functions, and an
  import edit that changes only a function's sites then leaves the model as it was);
- what ``edits._model_holds`` never lets an interface edit change is not recorded either: factory-named functions added
  or removed outside tests, ``async`` ones added, removed or made sync; nor the module-level aliases (``X = Y``) the
  model's table of names lists by reading every module's (an alias an edit adds or retargets is resolved once the
  project is restored, and the scan is whole when it names a class or function of the project:
  ``rerun.new_aliases_unnamed``, which records what it read as the model's reads; the edited modules' rows of the table
  of every module's aliases are made again); nor a module's attribute uses (``module_reads`` reads them without a leaf,
  else every edit of the module reached SSOT204's table of every module's reads): the scan after an edit makes the
  edited module's rows of that table again (``interface_scan.rerun_after_attribute_reads``);
- *nodes* are memoised answers (the resolver's memo keys as they are, a class for its method resolution order,
  the caches outside the resolver as ``(NODE, tag, key)``);
- *units* are judgements: ``(UNIT, code, key)`` one rule's judgement of one module or group key (a key of None:
  the rule's work outside any unit), ``(UNIT, SITE_ROWS, module)`` the import sites of one module (what its rows
  resolve to: ``usage.ImportSites``, made first), ``(UNIT, ATTR_ROWS, module)`` its rows of a rule's table of every
  module's ``M.n`` reads (``usage.module_attribute_sites``), ``(UNIT, CONCEPT_TABLE, None)`` the result's concept
  table (``capture.concept_table``: importer counts and public names of the concepts' classes, read from the
  import sites), and ``MODEL`` everything else built before the rules (the graph, the concept model).

Each read made while a node or unit is being computed (a memo hit as well as a miss) appends one edge (child,
parent) to two integer arrays: no set per answer, no union on hits (``python/mypy``'s fine-grained dependencies,
``mypy/server/deps.py``, as edges). The units an edit can change are those reached upward from its fired leaves
(``record.Recorded.reached``; ``record`` keeps and walks what this module records). Two kinds of edge are left out, which changes no answer of ``reached``: the model's reads of
the nodes it numbered (every node numbered after the import sites and before the rules was first read while the
model was built, so the model is reached when any of them is: its reads of them, a quarter of all edges, are not
needed), and a read repeating the one just made. The model's reads of what the import sites numbered are edges to
``MODEL``: an edit that changes what a function others import resolves to reaches those modules' import rows, which
the scan makes again (``interface_scan``), and the model only when it read that name itself.
An edge too many only makes a scan judge more again; an edge missing would keep a stale finding, which is why every
read of another module's facts goes through a recording accessor (the guard tests list the rest) and every cache
outside the memo tables is a node.

The record is valid for the run that made it: which queries get memoised can depend on the order they were asked
in (and that on string hashing), so a scan merges its own edges for what it computed again rather than reuse
another run's.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import TypeVar, cast

from ssot_audit.analysis.facts import is_private

# The first item of a leaf's, unit's or outside node's key: an int, so that none equals a memo key (tuples of strings
# and values, or values).
FUNCTION, CLASS, STAR, MODULE, NAMED, IMPORTERS, ALIASES = 1, 2, 3, 4, 5, 6, 7
UNIT = 8
NODE = 9
SITES = 10
# Not a leaf but a node kept by key: ``(BOUND, "")``, every answer of ``rules.base.names_bound_to``, which a full
# scan's rules compute and later scans reuse (``kept_scan.CallTables.bound_names``): a scan that reaches it computes
# them again (``reached`` reports it with the units, and stops there when asked), and judges again what reads them
# only if one changed (``rerun._after_bound``).
BOUND = 11
CLASS_SITES = 12
HEAD = 13  # what the model reads of a function (see the module's docstring)
LOCAL = 14  # ``(LOCAL, module, "scope name")``: a method's local bindings of one name (see the module's docstring)
MEMBER = 15  # ``(MEMBER, module, "qualname name")``: a class's rows of one private name (see the module's docstring)
MODULE_CALLS = 16  # ``(MODULE_CALLS, module)``: the module's calls outside function bodies (see the module's docstring)
STORES = 17  # ``(STORES, attr)``: every module's stores into an attribute ``attr`` of an imported name (see above)
SCOPE = 18  # ``(SCOPE, module, qualname)``: a function as a scope names are resolved in (see the module's docstring)
NAMESAKE = 19  # ``(NAMESAKE, last, stem)``: what the directories of a last name hold of a stem (module's docstring)
SITE_ROWS = "import sites"  # the code of the units of one module's import rows: ``(UNIT, SITE_ROWS, module)``
ATTR_ROWS = "attribute sites"  # of one module's rows of SSOT204's table of ``M.n`` reads (``usage``)
CONCEPT_TABLE = "concept table"  # ``capture.concept_table``: ``(UNIT, CONCEPT_TABLE, None)``, made after the rules
LEAF_KINDS = frozenset({FUNCTION, CLASS, STAR, MODULE, NAMED, IMPORTERS, ALIASES, SITES, BOUND, CLASS_SITES, HEAD,
                        LOCAL, MEMBER, MODULE_CALLS, STORES, SCOPE, NAMESAKE})
MODEL: tuple[int, str, None] = (UNIT, "", None)  # everything built before the rules run
# leaves of a table over every module: no module's own
OF_EVERY_MODULE = frozenset({NAMED, IMPORTERS, ALIASES, SITES, BOUND, CLASS_SITES, NAMESAKE})


def namesake_leaf(relpath: str) -> Hashable:
    """The ``(NAMESAKE, last name, stem)`` leaf of file ``relpath``: what the directories of its directory's last name
    hold of its stem (a package's ``__init__.py``: of its parent's, of the package's name), read by the answer of
    whether a module's namespace is open and fired by a file added or removed."""
    directory, _, filename = relpath.rpartition("/")
    stem = filename.removesuffix(".py")
    if stem == "__init__":
        directory, _, stem = directory.rpartition("/")
    return NAMESAKE, directory.rpartition("/")[2], stem


def member_leaf(module: str, qualname: str, name: str) -> tuple[int, str, str]:
    """The ``MEMBER`` leaf of private name ``name`` of class ``qualname`` of ``module`` (see the module's docstring)."""
    return MEMBER, module, f"{qualname} {name}"


def is_kept_key(key: Hashable) -> bool:
    """Leaves and units are kept between scans by key; memo nodes only by number."""
    if type(key) is not tuple:
        return False
    if len(key) == 2:  # a namespace leaf: no other key is a pair
        return True
    head = key[0]
    return type(head) is int and (head in LEAF_KINDS or head == UNIT)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_ABSENT = object()


def node_answer(trace: Trace | None, table: MutableMapping[K, V], key: K, node: Hashable,
                compute: Callable[[], V]) -> V:  # fmt: skip
    """``table[key]``, made by ``compute()`` when missing: a cache outside the resolver's memo tables, as the node
    ``node`` of ``trace`` (computed under it, so its reads are recorded there; read as it on every hit, so a
    judgement served by another's answer is linked to what that answer read). None: no record, the cache alone."""
    found = table.get(key, _ABSENT)
    if found is not _ABSENT:
        if trace is not None:
            trace.read(node)
        return cast(V, found)
    reader = trace.enter(node) if trace is not None else 0
    try:
        made = table[key] = compute()
    finally:
        if trace is not None:
            trace.leave(reader)
    return made


class Trace:
    """The edges one scan records (see the module's docstring); ``current`` is the node or unit being computed."""

    __slots__ = ("ids", "children", "parents", "current", "_last", "sites_end", "model_end", "_unit", "_by_model")

    def __init__(self) -> None:
        self.ids: dict[Hashable, int] = {MODEL: 0}
        self.children = array("i")
        self.parents = array("i")
        self.current = 0  # the node being computed; -1: the unit ``_unit``, numbered at its first read
        self._last = -1  # the child of the last edge appended
        self.sites_end = 0  # the number of nodes when the import sites were made (``sites_made``); 0 until then
        self._by_model = bytearray()  # of those, the ones the model read (linked to it once)
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
        elif not current and child < self.sites_end and not self.model_end and not self._by_model[child]:
            self._by_model[child] = 1  # the model reads what the import sites numbered: an edge to ``MODEL``, once
            self.children.append(child)
            self.parents.append(0)
            self._last = child

    def read_members(self, module: str, qualname: str) -> None:
        """What is being computed now reads the members of class ``qualname`` of ``module`` (``CLASS``)."""
        self.read((CLASS, module, qualname))

    def read_member(self, module: str, qualname: str, name: str) -> None:
        """What is being computed now reads whether class ``qualname`` of ``module`` defines ``name``, and how: its
        ``MEMBER`` leaf for a private name, else the class's members (``CLASS``)."""
        self.read(member_leaf(module, qualname, name) if is_private(name) else (CLASS, module, qualname))

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

    def sites_made(self) -> None:
        """The import sites are made, each module's rows as a unit (``SITE_ROWS``): what is read from now until the
        rules begin is read by the model (see the module's docstring)."""
        self.sites_end = len(self.ids)
        self._by_model = bytearray(self.sites_end)

    @property
    def building_model(self) -> bool:
        """Between ``sites_made`` and ``rules_begin``: what is read now is read by the model."""
        return self.sites_end > 0 and not self.model_end

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
