"""Import sites: every ``from X import name`` in the project, with the project definition it reaches.

Computed once per scan; the divergent-import rule, concept ranking (most importers) and the planner read it. Built
from every module's imports while the model is built; a read of a target's sites records the leaf of the module
defining it (``trace.SITES`` for a function, ``trace.CLASS_SITES`` for a class): an interface edit that changes a
module's imports changes its rows (``module_sites``), and the sites of the targets they name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple, cast

from ssot_audit.analysis.facts import B_IMPORT, AttrUse, Expr
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.members import Values
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.trace import ATTR_ROWS, CLASS_SITES, SITE_ROWS, SITES, UNIT, Trace
from ssot_audit.analysis.values import ClassValue, FunctionValue, ModuleValue


class ImportSite(NamedTuple):
    """One imported name and the definition it resolves to. A named tuple: a frozen dataclass costs three times as
    much to make (a ``object.__setattr__`` per field), and a scan makes one per import of a project definition."""

    importer: str  # module that imports
    line: int
    col: int
    source: str  # absolute module the name is imported from (the path used)
    name: str  # name as imported
    bound: str  # local name it is bound to
    target: ClassValue | FunctionValue
    scope: str  # "" for module level
    type_checking: bool
    # False when the import runs only under TYPE_CHECKING, or the source module itself binds the name only under
    # TYPE_CHECKING (an ImportError at run time): a path type checkers see, not a working one.
    runtime: bool = True


_new_site = tuple.__new__  # every field given, in order: what ``ImportSite(...)`` makes, without its Python frame


def _type_checking_only(index: ProjectIndex, module: str, name: str) -> bool:
    """``module`` binds ``name`` only through imports under ``if TYPE_CHECKING:``."""
    if index.trace is not None:
        index.trace.read((module, name))  # the module's namespace for the name (``analysis.trace``), nothing else
    info = index.modules.get(module)
    bindings = info.facts.bindings.get(name) if info is not None else None
    if not bindings or info is None:
        return False
    return all(b.kind == B_IMPORT and info.facts.imports[b.value].type_checking for b in bindings)


def _reached(index: ProjectIndex, resolver: Resolver, source: str, name: str) -> tuple[list[ClassValue | FunctionValue], bool]:
    """The module-level project classes and functions ``from source import name`` reaches (by repr), and whether
    ``source`` binds the name only under TYPE_CHECKING."""
    found = [v for v in resolver.module_attr(source, name) if isinstance(v, ClassValue | FunctionValue) and "." not in v.qualname]
    if len(found) > 1:  # a sort calls its key even for one item: a dataclass ``repr`` per import was half of this
        found.sort(key=repr)
    return found, bool(found) and _type_checking_only(index, source, name)


class ImportSites:
    """All import sites that reach a module-level project class or function."""

    def __init__(self, index: ProjectIndex, resolver: Resolver) -> None:
        sites: list[ImportSite] = []
        # What ``from source import name`` reaches, and whether only under TYPE_CHECKING: the same for every
        # importer (``from django.db import models`` is written in thousands of modules), worked out once.
        reached: Reached = {}
        trace = resolver.trace
        for info in index.iter_modules():
            if trace is None:
                sites.extend(module_sites(index, resolver, info.name, reached))
                continue
            with trace.unit((UNIT, SITE_ROWS, info.name)):  # what its rows read (``trace``): the scan after an
                sites.extend(module_sites(index, resolver, info.name, reached))  # edit makes them again if need be
        if trace is not None:
            trace.sites_made()
        self._sites: tuple[ImportSite, ...] = tuple(sites)
        self._by_target = _by_target(self._sites)
        self._trace: Trace | None = trace

    @classmethod
    def of_sites(cls, sites: tuple[ImportSite, ...], *, trace: Trace | None = None) -> ImportSites:
        """Import sites made from ``sites`` as ``__init__`` found them (in its order), without reading any module's
        facts: the import sites the last scan found, their lines moved (``analysis.kept_state``); ``trace``: the
        dependency record the reads are recorded in."""
        made = cls.__new__(cls)
        made._sites, made._by_target, made._trace = sites, _by_target(sites), trace
        return made

    @property
    def sites(self) -> tuple[ImportSite, ...]:
        """Every site, by importer and line: a read of them all (``(SITES, "")``)."""
        if self._trace is not None:
            self._trace.read((SITES, ""))
        return self._sites

    def unrecorded(self) -> tuple[ImportSite, ...]:
        """Every site, read for a table whose reads are recorded per target (``names.Names``) or not needed: the
        kept state, which an import edit patches, and a rule's setup whose units an import edit names by what it
        changed (``rules.units.keys_after_imports``)."""
        return self._sites

    def unrecorded_targets(self) -> Iterable[ClassValue | FunctionValue]:
        """Every target some site imports, each once (see ``unrecorded``)."""
        return self._by_target.keys()

    def unrecorded_of(self, target: ClassValue | FunctionValue) -> list[ImportSite]:
        """``find_sites``, not recorded (see ``unrecorded``)."""
        return self._by_target.get(target, [])

    def _of(self, target: ClassValue | FunctionValue) -> list[ImportSite]:
        """``target``'s sites, the read recorded by the module defining it (``sites_leaf``)."""
        if self._trace is not None:
            self._trace.read(sites_leaf(target))
        return self._by_target.get(target, [])

    def find_sites(self, target: ClassValue | FunctionValue) -> tuple[ImportSite, ...]:
        """Every import of ``target``, in module/line order."""
        return tuple(self._of(target))

    def count_importers(self, target: ClassValue | FunctionValue) -> int:
        """Distinct modules, other than its own, that import ``target``."""
        return len({s.importer for s in self._of(target) if s.importer != target.module})

    def reexport_hops(self, target: ClassValue | FunctionValue, *, record: bool = True) -> frozenset[str]:
        """Modules other modules import ``target`` through without defining it (package ``__init__``, compat);
        ``record=False``: see ``unrecorded``."""
        sites = self._of(target) if record else self.unrecorded_of(target)
        return frozenset(s.source for s in sites if s.source != target.module and s.source != s.importer)


@dataclass(frozen=True, slots=True)
class SitesChanged:
    """After edits of some modules' imports (a scan on the interface path): the sites added or removed, each as its
    ``ImportSite`` fields but the importer and the line (``kept_state.Imports``)."""

    rows: frozenset[tuple[object, ...]]

    def targets(self) -> set[ClassValue | FunctionValue]:
        return {cast(ClassValue | FunctionValue, row[4]) for row in self.rows}

    def names(self) -> set[str]:
        """The names imported by the sites added or removed."""
        return {cast(str, row[2]) for row in self.rows}


Reached = dict[tuple[str, str], tuple[list[ClassValue | FunctionValue], bool]]  # (source, name) -> ``_reached``


def module_sites(index: ProjectIndex, resolver: Resolver, module: str, reached: Reached) -> list[ImportSite]:
    """The sites of ``module``'s imports, in their order (``reached``: what each ``(source, name)`` reaches, filled
    as met; a hit is read as the namespace's leaf, which is the key of the answer it holds): the module's run of
    ``ImportSites``, which a scan after an edit of its imports, or of what they name, makes again for that module."""
    sites: list[ImportSite] = []
    read = resolver.trace.read if resolver.trace is not None else None
    for imp, source in zip(index.modules[module].facts.imports, index.import_sources(module)):
        name = imp.name
        if name is None or name == "*":
            continue
        known = reached.get((source, name))
        if known is None:
            known = reached[source, name] = _reached(index, resolver, source, name)
        elif read is not None and index.is_project_module(source):
            read((source, name))
        targets, checking_only = known
        if not targets:
            continue  # most imports: an external name, a module, a constant
        runtime = not imp.type_checking and not checking_only
        for value in targets:  # made in C (``tuple.__new__``): the named tuple's ``__new__`` is a Python call
            sites.append(_new_site(ImportSite, (module, imp.line, imp.col, source, name, imp.bound, value, imp.scope,
                                                imp.type_checking, runtime)))  # fmt: skip
    return sites


def _by_target(sites: tuple[ImportSite, ...]) -> dict[ClassValue | FunctionValue, list[ImportSite]]:
    by_target: dict[ClassValue | FunctionValue, list[ImportSite]] = defaultdict(list)
    for site in sites:
        by_target[site.target].append(site)
    return dict(by_target)


def sites_leaf(target: ClassValue | FunctionValue) -> tuple[int, str]:
    """The leaf of the dependency record (``trace``) a read of ``target``'s import sites records: a leaf per module
    (a leaf per target was 28k more nodes at 4M lines, 5 MB of the scan's peak; a module's targets are mostly asked
    in a row, one edge), classes apart from functions (the concept model reads every class's)."""
    return (CLASS_SITES if isinstance(target, ClassValue) else SITES, target.module)


AttributeSite = tuple[str, str, str, ClassValue | FunctionValue]  # importer, module read from, name, definition
ATTRIBUTE_SITES = "attribute sites"  # the name SSOT204 keeps its table of them under (``RuleContext.shared_table``)
# What a chain from a module reaches, with the answers it read (``(module, name)``: their keys in the dependency
# record), by (the module it starts at, the chain)
Chains = dict[tuple[Values, Expr], tuple[tuple[str, str, ClassValue | FunctionValue] | None, tuple[tuple[str, str], ...]]]


def module_attribute_sites(index: ProjectIndex, resolver: Resolver) -> list[AttributeSite]:
    """``import pkg.mod as m`` then ``m.Name``: (importer, module read from, name, the module-level class or
    function it resolves to) for every such read outside ``TYPE_CHECKING``; once per importer, module and name. Each
    module's rows are a unit of the dependency record (``trace.ATTR_ROWS``): a scan after an edit that changes what
    they read makes those rows again (``attribute_sites_after``); a module without attribute reads has none."""
    found: list[AttributeSite] = []
    # What a chain from a module reaches does not depend on who reads it (``models.Model`` in thousands of modules)
    reached: Chains = {}
    trace = resolver.trace
    for info in index.iter_modules():
        if trace is None:
            found.extend(module_attribute_rows(resolver, info.name, reached))
            continue
        if not info.facts.attr_uses:  # no rows, nor a unit: an edit that adds one makes its rows (edited: always)
            continue
        with trace.unit((UNIT, ATTR_ROWS, info.name)):
            found.extend(module_attribute_rows(resolver, info.name, reached))
    found.sort(key=_row_key)
    return found


def _row_key(row: AttributeSite) -> tuple[str, str, str]:
    return row[0], row[1], row[2]


def module_attribute_rows(resolver: Resolver, module: str, reached: Chains) -> list[AttributeSite]:
    """``module``'s rows of ``module_attribute_sites`` (``reached``: what each chain reaches, filled as met; a hit
    reads again the answers the chain read, so that the record links them to this module's rows too)."""
    found: dict[tuple[str, str], ClassValue | FunctionValue] = {}
    read = resolver.trace.read if resolver.trace is not None else None
    for use, values in resolver.module_reads(module):
        key = (values, use.expr)
        known = reached.get(key)
        if known is None:
            known = reached[key] = _first_definition(resolver, values, use)
        elif read is not None:
            for answer in known[1]:
                read(answer)
        hit = known[0]
        if hit is not None:
            found.setdefault((hit[0], hit[1]), hit[2])
    return [(module, source, name, target) for (source, name), target in sorted(found.items(), key=itemgetter(0))]


def attribute_sites_after(table: list[AttributeSite], resolver: Resolver,
                          modules: Iterable[str]) -> tuple[list[AttributeSite], frozenset[str]]:  # fmt: skip
    """``table`` (``module_attribute_sites`` of the last scan) with the rows of ``modules`` made again, each as a unit
    of this scan's record (none of a module no longer in the project); and the names of the rows added or removed
    (what SSOT204 judges by)."""
    trace = resolver.trace
    made: dict[str, list[AttributeSite]] = {}
    reached: Chains = {}
    for module in sorted(set(modules)):
        if module not in resolver.index.modules:  # a file removed (``kept_removed``): its rows are gone
            made[module] = []
            continue
        if trace is None:
            made[module] = module_attribute_rows(resolver, module, reached)
            continue
        with trace.unit((UNIT, ATTR_ROWS, module)):
            made[module] = module_attribute_rows(resolver, module, reached)
    old = {row for row in table if row[0] in made}
    new = {row for rows in made.values() for row in rows}
    if old == new:
        return table, frozenset()
    rows = [row for row in table if row[0] not in made]
    rows.extend(new)
    rows.sort(key=_row_key)
    return rows, frozenset(row[2] for row in old ^ new)


def _first_definition(resolver: Resolver, values: Values,
                      use: AttrUse) -> tuple[tuple[str, str, ClassValue | FunctionValue] | None, tuple[tuple[str, str], ...]]:  # fmt: skip
    """(module, attribute, definition) for the first attribute of a chain that is a module-level project class or
    function, following modules from ``values``, the module the chain starts at; with the answers read on the way
    (``(module, attribute)``, the keys of the resolver's memo)."""
    asked: list[tuple[str, str]] = []
    for attr in use.parts()[1]:
        if len(values) != 1 or not isinstance(next(iter(values)), ModuleValue):
            return None, tuple(asked)
        module = next(iter(values)).name  # type: ignore[union-attr]
        asked.append((module, attr))
        values = resolver.module_attr(module, attr)
        target = next(iter(values)) if len(values) == 1 else None
        if isinstance(target, ClassValue | FunctionValue) and "." not in target.qualname:
            return (module, attr, target), tuple(asked)
    return None, tuple(asked)
