"""The scan after an interface edit: which judgements of the last scan the edit can change, found in the dependency
record the scans keep (``analysis.trace``), and what the scan keeps of that record for the next one.

An interface edit of a module E (``analysis.interface_change``, accepted by ``analysis.edits``: module-level names
or functions added, removed or renamed, nothing the concept model, the import sites or graph, or the call readers'
tables read of E directly) changes the answers of a few questions about E: its namespace for the changed names, the
changed functions' facts, E read as a whole (``interface_change.fired_leaves``). The judgements that asked one of
them, directly or through a memoised answer, are the units reached from those leaves in the record. If the concept
model is among them, the whole scan runs. Otherwise the scan keeps the model (``rerun.restored_project``), runs the
reached judgements and E's own, and keeps every other finding of the last result (``rerun.reused_findings``).

The record grows with each scan after the full one: a calls-only or interface scan records what its own judgements
read (its resolver is fresh, so its memo nodes are its own) and keeps that as a *delta* beside the full scan's
record. The record of a judgement run again is the union of its old and new edges: an edge too many only makes a
later scan judge more. Past ``MAX_DELTAS`` scans, or ``MAX_DELTA_EDGES`` edges in the deltas (a scan whose rule ran
whole records as much as the full scan), the deltas are dropped and so is the record: the next interface
edit takes the whole scan, whose record starts anew.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from ssot_audit.analysis.kept_judgements import class_sites_unread
from ssot_audit.analysis.edits import Moved
from ssot_audit.analysis.interface_change import fired_leaves, import_leaves
from ssot_audit.analysis.record import RecordWalk, Recorded, State, reached, taken
from ssot_audit.analysis.trace import (
    ATTR_ROWS, BOUND, CLASS_SITES, IMPORTERS, LEAF_KINDS, MODEL, NAMED, OF_EVERY_MODULE, SITE_ROWS, SITES,
    STORES, UNIT, Trace, namesake_leaf,
)
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.kept_state import Imports, Restored
from ssot_audit.analysis.roles import with_parents
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.usage import ATTRIBUTE_SITES, SitesChanged, attribute_sites_after, sites_leaf
from ssot_audit.rules.units import GROUP_KEYED, keys_after_imports

if TYPE_CHECKING:  # ``kept_scan`` and ``rerun`` import this module
    from ssot_audit.config import ConceptConfig
    from ssot_audit.kept_scan import Kept

MAX_DELTAS = 50
BOUND_NODE: tuple[int, str] = (BOUND, "")  # every answer of ``names_bound_to`` (``trace.BOUND``)
_AT_BOUND = (BOUND_NODE,)
MAX_DELTA_EDGES = 2_000_000  # 8 MB of edges, about twice a full scan's at 4M lines


def _names(tree: TreeCache) -> tuple[str, str]:
    """The entries of the full scan's record ({"token", "trace"}, written by ``kept_scan.keep_state``) and of the later
    scans' deltas ({"token", "deltas"})."""
    scope = tree.store.scope
    return f"interface trace {scope}", f"interface deltas {scope}"


@dataclass(frozen=True, slots=True)
class Traces:
    """The dependency record of the kept state named ``token``: the full scan's, then each later scan's delta."""

    token: str
    records: tuple[Recorded, ...]
    deltas: tuple[State, ...]  # the later scans' records as kept (written back with one more by ``keep_delta``)
    walk: RecordWalk | None = None  # the records made ready to walk (None: no records read)

    def reached(self, leaves: Iterable[Hashable], stop: Collection[Hashable] = ()) -> set[Hashable]:
        """The units ``leaves`` reach in the records (``record.reached``)."""
        return self.walk.reached(leaves, stop) if self.walk is not None else reached(self.records, leaves, stop)

    def reached_at_bound(self, leaves: Iterable[Hashable]) -> tuple[frozenset[Hashable], frozenset[Hashable]]:
        """The units ``leaves`` reach, the walk stopped at ``BOUND`` (reported when reached); and, when it is, the
        units ``BOUND`` reaches (``Rerun.past_bound``)."""
        found = frozenset(self.reached(leaves, _AT_BOUND))
        return found, frozenset(self.reached(_AT_BOUND)) if BOUND_NODE in found else frozenset()

    def without_records(self) -> Traces:
        """The same, its records let go (only their kept bytes are needed further)."""
        return replace(self, records=(), walk=None)


def find_traces(tree: TreeCache, token: str, *, read: bool = True) -> Traces | None:
    """The record kept with the state ``token``, when the full scan that kept the state kept one and fewer than
    ``MAX_DELTAS`` scans added to it since; ``read=False``: its records not unpickled (a calls-only scan only adds a
    delta to it)."""
    base_name, deltas_name = _names(tree)
    base = tree.load_kept(base_name)
    state = base.get("trace")
    if base.get("token") != token or not isinstance(state, tuple):
        return None
    entry = tree.load_kept(deltas_name)
    deltas = entry.get("deltas") if entry.get("token") == token else None
    if not isinstance(deltas, tuple) or len(deltas) >= MAX_DELTAS or not all(isinstance(d, tuple) for d in deltas):
        return None
    if not read:
        return Traces(token, (), deltas)
    try:
        records = (Recorded.of_state(state), *map(Recorded.of_state, deltas))
        return Traces(token, records, deltas, RecordWalk(records))
    except Exception:  # noqa: BLE001 - a record that does not load is no record: the whole scan runs
        return None


def keep_trace(tree: TreeCache, token: str, trace: Trace) -> None:
    """After a full scan: keep its record beside its state ``token`` (and no delta yet)."""
    base_name, deltas_name = _names(tree)
    tree.save_kept(base_name, {"token": token, "trace": taken(trace)})
    tree.save_kept(deltas_name, {"token": token, "deltas": ()})


def keep_delta(tree: TreeCache, traces: Traces, trace: Trace) -> None:
    """After a calls-only or interface scan of the state kept with ``traces``: keep what its judgements read (``trace``)
    beside the record."""
    deltas = (*traces.deltas, taken(trace))
    edges = sum(len(delta[-1]) for delta in deltas) // 4  # ``State``'s last column: the edges' parents, 4 bytes each
    if edges > MAX_DELTA_EDGES:
        deltas, token = (), ""  # the record is dropped: no later scan finds it
    else:
        token = traces.token
    tree.save_kept(_names(tree)[1], {"token": token, "deltas": deltas})


@dataclass(frozen=True, slots=True)
class Rerun:
    """Which judgements a scan after interface edits runs again: rules whole, and rules on some units only."""

    whole: frozenset[str]
    units: Mapping[str, frozenset[Hashable]]
    # the kept answers of ``names_bound_to`` read a fired leaf: computed again; what reads them (``past_bound``) is
    # judged again only if one changed (``rerun._after_bound``): an early cutoff, as a build system's
    bound: bool = False
    # the modules whose import rows read a fired leaf (``SITE_ROWS``): what a function they import resolves to may
    # have changed (renamed, removed, added), and their rows are made again like an edited file's
    resolving: frozenset[str] = frozenset()
    # the modules whose rows of SSOT204's table of ``M.n`` reads read a fired leaf (``ATTR_ROWS``): made again
    attr_rows: frozenset[str] = frozenset()
    reached: frozenset[Hashable] = frozenset()  # the units the walk reached (``more_to_rerun`` adds to them)
    past_bound: frozenset[Hashable] = frozenset()  # with ``bound``: the units that read ``names_bound_to``'s answers


ImportsNamed = Mapping[str, tuple[Collection[str], Collection[Hashable]]]  # per module: imported modules, sites' leaves


def judgements_to_rerun(edits: Mapping[str, Moved], module_names: Mapping[str, str], traces: Traces,
                        codes: Iterable[str], removed: Iterable[str] = (),
                        added: Iterable[str] = ()) -> Rerun | None:  # fmt: skip
    """What the interface ``edits`` (repo-relative path -> how it moved; ``module_names``: path -> module) can change,
    by the record: None when the concept model read a fired leaf (the whole scan runs; not the leaves of names whose
    bindings only moved, ``InterfaceChange.placed``: the model keeps no position). Every rule of ``codes``
    judged module by module judges the edited modules again (a rule judged by groups, ``units.GROUP_KEYED``, the
    groups reached only, and none when none is: it does not run); a rule whose work outside any unit read a fired
    leaf runs whole; the modules whose import rows read one are ``resolving``. Of an edit of imports, only the
    leaves every import edit fires (``more_to_rerun`` adds what its rows name once they are made again). The files
    ``removed`` (repo-relative paths, among ``edits``: their modules emptied) fire what their absence does too
    (``removed_leaves``), and the files ``added`` (as empty modules edited, ``kept_added``) what their presence does
    to their namesakes' (``trace.namesake_leaf``)."""
    leaves: list[Hashable] = [namesake_leaf(path) for path in added]
    placed: list[Hashable] = []  # the leaves of names that only moved: the model's reads of them are not reached
    gone = {module_names[path] for path in removed}
    for path in removed:
        for record in traces.records:
            leaves.extend(removed_leaves(module_names[path], record, path))
    for path, moved in edits.items():
        module = module_names.get(path)
        if module is None:
            return None
        change = moved.interface
        if change is not None:
            if change.placed:
                placed.extend(leaf for name in change.placed for leaf in ((module, name), (NAMED, name)))
                change = replace(change, names=change.names - change.placed)
            for record in traces.records:  # the names the records have of it, when ``__all__`` appeared or went
                leaves.extend(fired_leaves(module, change, record, imported=(), sites=(),  # ``_model_holds``: of
                                           aliases=moved.aliases, private=moved.private))  # a file removed alone
    if gone:  # what the model read of a removed module itself was of its own classes (``kept_removed``)
        placed.extend(leaf for leaf in leaves if _of_module(leaf) in gone)
        leaves = [leaf for leaf in leaves if _of_module(leaf) not in gone]
    return _rerun_of(*_reached(traces, leaves, placed), edits, module_names, codes)


# the kinds of leaf keyed by a module (``STORES`` is keyed by an attribute)
_OF_ONE_MODULE = LEAF_KINDS - OF_EVERY_MODULE - {STORES}


def _of_module(leaf: Hashable) -> str | None:
    """The module a leaf of one module's facts is of (its namespace's, or of a kind of one module's); None for a leaf
    of a table of every module (``trace.OF_EVERY_MODULE``) or of an attribute's stores."""
    key = cast(tuple[object, ...], leaf)
    if len(key) == 2 and isinstance(key[0], str):
        return key[0]
    return cast(str, key[1]) if key[0] in _OF_ONE_MODULE else None


def removed_leaves(module: str, recorded: Recorded, relpath: str) -> list[Hashable]:
    """The leaves the absence of ``module`` (of file ``relpath``) fires besides those of its module emptied
    (``kept_removed``): its package's namespace for its last name (an attribute chain, a string ``importlib``
    imports), every leaf recorded of it (a name it never bound, asked of it), its importers, and what the directories
    of its directory's last name hold of its stem (a plugin loader may merge them: ``namespace._replaced``)."""
    package, _, stem = module.rpartition(".")
    return [(package, stem), (IMPORTERS, module), *recorded.leaves_of(module), namesake_leaf(relpath)]


def more_to_rerun(first: Rerun, edits: Mapping[str, Moved], module_names: Mapping[str, str], traces: Traces,
                  codes: Iterable[str], imports: ImportsNamed, *,
                  sites_unread: bool = False) -> Rerun | None:  # fmt: skip
    """``first`` (``judgements_to_rerun`` of ``edits``) with what the import rows made again name (``imports``: of
    each module whose rows changed, an edited one or one of ``Rerun.resolving``, the modules its old or new
    imports reach and the leaves of what its old or new sites reach, ``kept_state.Imports``): an edited module's
    import edges and sites, a resolving module's sites alone (its edges read its own imports and the set of
    modules, which the path keeps: ``graph.module_edges``). What is reached from some leaves is the union of what
    each reaches: only these are walked. ``sites_unread``: the kept model holds for what it read of the
    sites of the classes the rows name (``kept_judgements.class_sites_unread``), so ``MODEL`` reached from their
    leaves (``CLASS_SITES``) is not (what else those leaves reach is)."""
    importing = {module_names[path] for path, moved in edits.items()
                 if moved.interface is not None and moved.interface.imports and path in module_names}  # fmt: skip
    leaves: list[Hashable] = []
    for module, (imported, sites) in imports.items():
        if module in importing:
            for record in traces.records:
                leaves.extend(import_leaves(imported, sites, record))
        elif sites:
            leaves.append((SITES, ""))
            leaves.extend(sites)
    apart = [sites_unread and leaf[0] == CLASS_SITES for leaf in leaves]  # type: ignore[index]
    found, past = _reached(traces, [leaf for leaf, a in zip(leaves, apart) if not a],
                           [leaf for leaf, a in zip(leaves, apart) if a])  # fmt: skip
    return _rerun_of(first.reached | found, first.past_bound | past, edits, module_names, codes)


def _reached(traces: Traces, leaves: list[Hashable],
             unread: list[Hashable]) -> tuple[frozenset[Hashable], frozenset[Hashable]]:  # fmt: skip
    """``Traces.reached_at_bound`` of ``leaves`` and ``unread`` together, ``MODEL`` left out of what ``unread``
    reaches (leaves whose change the kept model judged it reads nothing of: what rules read of them is reached)."""
    found, past = traces.reached_at_bound(leaves)
    if unread:
        more, beyond = traces.reached_at_bound(unread)
        found, past = found | (more - {MODEL}), past | beyond
    return found, past


def _rerun_of(found: frozenset[Hashable], past: frozenset[Hashable], edits: Mapping[str, Moved],
              module_names: Mapping[str, str], codes: Iterable[str]) -> Rerun | None:  # fmt: skip
    """The ``Rerun`` of the units ``found`` reached (``judgements_to_rerun``), and of those ``BOUND`` reaches
    (``past``: ``Rerun.past_bound``)."""
    if MODEL in found:
        return None
    edited = {module_names[path] for path in edits if path in module_names}
    judged = [cast(tuple[int, str, Hashable], unit) for unit in found if unit[0] == UNIT]  # type: ignore[index]
    whole = frozenset(code for _, code, key in judged if key is None)
    units: dict[str, set[Hashable]] = {code: set() if code in GROUP_KEYED else set(edited) for code in codes
                                       if code not in whole}  # fmt: skip
    for _, code, key in judged:
        if code in units and key is not None:
            units[code].add(key)
    return Rerun(whole, {code: frozenset(keys) for code, keys in units.items()}, BOUND_NODE in found,
                 frozenset(cast(str, key) for _, code, key in judged if code == SITE_ROWS),
                 frozenset(cast(str, key) for _, code, key in judged if code == ATTR_ROWS), found, past)  # fmt: skip


def past_bound(rerun: Rerun) -> Rerun | None:
    """``rerun`` with the judgements that read ``names_bound_to``'s answers (``Rerun.past_bound``): when one of them
    changed. Those are the setups of the rules that call it (each then runs whole) and what reads them; None when
    the model or an import row is among them (never: the rules alone ask it), the whole scan runs."""
    past = [cast(tuple[int, str, Hashable], unit) for unit in rerun.past_bound if unit[0] == UNIT]  # type: ignore[index]
    if MODEL in rerun.past_bound or any(code in (SITE_ROWS, ATTR_ROWS) for _, code, _ in past):
        return None
    whole = rerun.whole | {code for _, code, key in past if key is None}
    units = {code: set(keys) for code, keys in rerun.units.items() if code not in whole}
    for _, code, key in past:
        if code in units and key is not None:
            units[code].add(key)
    return replace(rerun, whole=frozenset(whole), units={code: frozenset(keys) for code, keys in units.items()},
                   reached=rerun.reached | rerun.past_bound, past_bound=frozenset())  # fmt: skip


def rerun_after_imports(first: Rerun, restored: Restored, index: ProjectIndex, edits: Mapping[str, Moved],
                        importing: set[str], kept: Kept, traces: Traces, codes: Iterable[str],
                        configs: Iterable[ConceptConfig]) -> Rerun | None:  # fmt: skip
    """The judgements to run again after ``edits``, some of which changed the imports of the files ``importing``
    (repo-relative paths; with the files whose rows read what the edits changed, ``Rerun.resolving``): those the
    edits' leaves reach, with those that read what the old or new import rows of those files name (``restored``:
    the project's state with their rows made again; ``kept``: the state it was restored from, and the rows of the
    files patched by earlier scans; ``first``: ``judgements_to_rerun`` of the edits). None when the concept model
    may change: it
    read one of those, or a module that defines a class is imported by no module now, or by one now and by none
    before (the roles of its classes, ``roles.imported_modules``)."""
    names = kept.state.module_names
    before = {names[p]: kept.patched.get(p) or restored.kept[names[p]] for p in importing}
    after = {names[p]: restored.made[names[p]] for p in importing}
    if not _same_imported(restored, before, after, index):
        return None
    changed = {m: before[m].changed(after[m]) for m in before}
    named = {m: (imported, frozenset(sites_leaf(row[4]) for row in rows))  # type: ignore[arg-type]
             for m, (imported, rows) in changed.items()}  # fmt: skip
    unread = class_sites_unread(restored.concepts, kept.state.concepts,
                                {m: (before[m].sites, after[m].sites) for m in before}, configs)  # fmt: skip
    rerun = more_to_rerun(first, edits, names, traces, codes, named, sites_unread=unread)
    if rerun is None or not rerun.resolving <= before.keys():  # rows this scan did not make again
        return None
    sites = SitesChanged(frozenset().union(*(rows for _, rows in changed.values())))
    units = {code: keys | keys_after_imports(code, sites, restored.sites) for code, keys in rerun.units.items()}
    return replace(rerun, units=units)


def _same_imported(restored: Restored, before: Mapping[str, Imports], after: Mapping[str, Imports],
                   index: ProjectIndex) -> bool:  # fmt: skip
    """Whether a module some module imports (with its parents: ``roles.with_parents``) with the ``before`` rows of
    the modules whose imports changed is one with the ``after`` rows, for every module of production code that
    defines a class: the concept model reads whether a class's module is imported (``Roles.is_live_module``: a copy
    left behind in a file nothing imports), and of no other module (a class of test code is a double or test code
    whether its module is imported or not). (The kept model's set is then not a cold scan's for a module without
    classes, or of test code; a class added to one is refused but in test code, whose role does not read it:
    ``kept_judgements.patched_test_classes``.)"""
    edges = restored.graph.edge_records()
    rest = with_parents(target for module, targets in edges.items() if module not in after for target in targets)
    old = with_parents(target for rows in before.values() for target in rows.imported)
    new = with_parents(target for rows in after.values() for target in rows.imported)
    changed = (rest | old) ^ (rest | new)
    modules = index.modules
    return not any(modules[m].facts.classes for m in changed if m in modules and not modules[m].is_test)


def rerun_after_attribute_reads(rerun: Rerun, edited: Iterable[str], shared: Mapping[str, object],
                                resolver: Resolver) -> tuple[Rerun, dict[str, object]]:  # fmt: skip
    """``rerun`` with the units of SSOT204 that the rows of its kept table of ``M.n`` reads (``shared``, the kept
    tables) made again for the ``edited`` modules and for those whose rows read a fired leaf
    (``Rerun.attr_rows``) change: the names of the rows added or removed; and that table, when it changed. The
    rows of an edited module read its attribute uses, which have no leaf: an edit that changes them is judged
    here."""
    table = shared.get(ATTRIBUTE_SITES)
    modules = rerun.attr_rows | set(edited)
    if not isinstance(table, list) or not modules:
        return rerun, {}
    rows, names = attribute_sites_after(table, resolver, modules)
    if rows is table:
        return rerun, {}
    units = dict(rerun.units)
    if "SSOT204" in units:
        units["SSOT204"] = units["SSOT204"] | names
    return replace(rerun, units=units), {ATTRIBUTE_SITES: rows}
