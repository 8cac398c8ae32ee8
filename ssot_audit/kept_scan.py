"""What a full scan keeps for the scans after edits, and how a later scan finds it again: the whole-program state
(``analysis.kept_state``), the tables the call readers build from every module (``CallTables``), the modules whose
calls each judgement read and the edits made since (``Kept``); and the entries that say which result the kept fixes
hold for (``fixes_hold``).

A full scan keeps the state in two steps around its rules (``keep_snapshot`` before them, ``keep_state`` after).
Every later scan whose result the state still holds for writes the small entry that says so (``keep_inputs``, through
``rerun.state_still_holds``), and the next scan checks that entry against the last saved result (``kept_inputs``,
``find_kept``). What a scan after edits takes from it, and which rules it runs again, is ``rerun``'s.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ssot_audit.analysis.edits import Moved
from ssot_audit.analysis.facts import Expr
from ssot_audit.analysis.kept_state import Imports, KeptState, read_state, snapshot_state
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.interface_scan import keep_trace
from ssot_audit.kept_calls import keep_callers
from ssot_audit.kept_definers import keep_definers
from ssot_audit.model import AuditResult
from ssot_audit.model.moved import NewLine, fixes_to_rebuild
from ssot_audit.project import Project
from ssot_audit.rules.base import async_functions
from ssot_audit.rules.duplicate_factory import duplicated_factories

Reads = dict[str, set[str]]  # ``RuleContext.call_reads``
# Per file, the line maps of the edits made since the state was kept, in order. The kept state holds lines (import
# sites, graph edges, aliases); scans after unseen or calls-only edits do not keep it again (0.8 CPU-s at 4M lines),
# so each restore moves it by every edit since (``rerun.composed``; past ``rerun.MAX_PENDING`` maps it is dropped).
Pending = dict[str, tuple[NewLine, ...]]
# The files whose imports interface edits changed since the state was kept: their import sites and edges are made
# again at each restore (``kept_state.restore_state``'s ``patched``), and what they name is kept for the next edit.
Patched = dict[str, Imports]


@dataclass(frozen=True, slots=True)
class CallTables:
    """What call readers build from every module's definitions, reading no call: made once by a full scan for its
    rules (``RuleContext.async_defs``, ``factory_groups``, ``bound_names``) and kept for the calls-only scans after
    it."""

    async_defs: tuple[FunctionValue, ...]  # ``rules.base.async_functions``
    factory_groups: dict[str, tuple[FunctionValue, ...]]  # ``duplicate_factory.duplicated_factories``
    bound_names: dict[frozenset[ClassValue | FunctionValue], frozenset[str]]  # filled by the full scan's rules
    # ``RuleContext.shared``: filled by the full scan's rules (SSOT203's table of every module's attribute stores,
    # SSOT204's of every module's ``M.n`` reads), taken by the rules of an interface scan narrowed to a few units
    shared: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> CallTables:
        """The tables of ``project`` (read every module's functions); ``bound_names`` empty, for its rules to fill."""
        return cls(async_functions(project.index), duplicated_factories(project.index, project.concepts), {})


@dataclass(frozen=True, slots=True)
class Kept:
    """What a full scan keeps for the calls-only scans after it (``keep_state``): the whole-program state, the
    project's ``async def``s, duplicated factories and module-level aliases (tables call readers build from every
    module), and the modules whose calls each call reader's judgements read (``reads``, updated by every scan)."""

    token: str
    state: KeptState
    tables: CallTables
    aliases: list[tuple[str, str, Expr]]  # ``ProjectIndex.module_aliases``
    reads: Reads
    pending: Pending
    patched: Patched = field(default_factory=dict)
    # the files added since the state was kept, by module name (in ``state.module_names`` too: ``find_kept``)
    added: dict[str, str] = field(default_factory=dict)
    # the files removed since (still in ``state.module_names``: their modules, emptied, left the project,
    # ``kept_removed``)
    removed: frozenset[str] = frozenset()


def _entries(tree: TreeCache) -> tuple[str, str, str]:
    """The names the kept state is under: the state ({"token", "state"}, written by full scans before their rules),
    the tables ({"token", "async_defs", "factories", "bound", "aliases"}, written by full scans after their rules) and
    what they hold for ({"token", "key", "reads", "pending"}: the key of the result whose inputs they match, written
    by every scan). One set per scope of scan (the JSON scans and the hook's text scans each follow their own); the
    dependency record is beside them (``interface_scan``)."""
    scope = tree.store.scope
    return f"calls-only state {scope}", f"calls-only inputs {scope}", f"calls-only tables {scope}"


def _misses_entry(tree: TreeCache) -> str:
    """The name of the module names the scans of the kept state missed ({"token", "missed"}: ``keep_missed``)."""
    return f"module misses {tree.store.scope}"


def keep_missed(tree: TreeCache, token: str, missed: set[str], *, full: bool) -> None:
    """After a scan of the state ``token``, its finish included: the module names it looked up and found no module
    under, with those of the earlier scans of the state (``full``: a full scan, which made the state: its own
    alone). A scan after edits that finds no entry of the token keeps none: a file added after it takes the whole
    scan."""
    name = _misses_entry(tree)
    if full:
        tree.save_kept(name, {"token": token, "missed": frozenset(missed)})
        return
    kept = tree.load_kept(name)
    before = kept.get("missed")
    if kept.get("token") == token and isinstance(before, frozenset) and not missed <= before:
        tree.save_kept(name, {"token": token, "missed": before | missed})


def keep_snapshot(project: Project, tree: TreeCache) -> str:
    """Before a full scan's rules: keep its whole-program state (``snapshot_state``), and return the token that names
    it (``keep_state`` completes it after the rules). The snapshot reads only what the project's constructors
    computed, and asks the resolver nothing new, so it is the same taken before the rules as after them
    (``tests/test_rerun_keep.py``); taken before, the state and its pickled copy (40 MB at 4M lines) come and go
    below the rules' memory instead of on top of it, at the scan's peak."""
    token = uuid.uuid4().hex
    index = project.index
    names = {info.relpath: info.name for info in index.iter_modules()}
    blob = snapshot_state(index, project.sites, project.graph, project.concepts, names)
    tree.save_kept(_entries(tree)[0], {"token": token, "state": blob})
    return token


def keep_state(project: Project, tree: TreeCache, token: str, reads: Reads, tables: CallTables) -> None:
    """After a full scan's rules: keep the tables they filled beside the state ``keep_snapshot`` kept as ``token``,
    under the key the scan's result is saved with."""
    trace = project.resolver.trace
    if trace is not None:  # first: its table of nodes is let go before the tables are pickled
        keep_trace(tree, token, trace)
    keep_tables(tree, token, tables, project.index.module_aliases())
    keep_definers(tree, token, project.index)
    keep_callers(tree, token, project.index)
    keep_inputs(tree, Inputs(token, reads, {}, {}, {}))  # no line map pending: ``rerun.MAX_PENDING`` cannot drop it


def tables_after(tables: CallTables, edits: Mapping[str, Moved],
                 made: Mapping[str, object] | None = None) -> CallTables:  # fmt: skip
    """``tables`` without the answers of ``find_definers`` (kept in ``shared``) for the names the interface ``edits``
    changed: which modules define a name changes only with a module's module-level bindings of it, which any other
    edit the path takes leaves as they were (a file added is an empty module given all its names, ``kept_added``; one
    removed a module emptied of them, ``kept_removed``); with the shared tables ``made`` again in part by the scan
    (``rerun.Reused.shared``). New tables are kept again after the scan."""
    if made:
        tables = replace(tables, shared={**tables.shared, **made})
    definers = tables.shared.get("definers")
    names: set[str] = set().union(*(m.interface.names for m in edits.values() if m.interface is not None))
    if not isinstance(definers, dict) or names.isdisjoint(definers):
        return tables
    kept = {name: found for name, found in definers.items() if name not in names}
    return replace(tables, shared={**tables.shared, "definers": kept})


def keep_tables(tree: TreeCache, token: str, tables: CallTables, aliases: list[tuple[str, str, Expr]]) -> None:
    """Keep the tables of the state ``token`` (after a full scan, or after a scan whose rule built a shared table
    again: ``RuleContext.shared_table``)."""
    tree.save_kept(_entries(tree)[2], {"token": token, "async_defs": tables.async_defs,
                                       "factories": tables.factory_groups, "bound": tables.bound_names,
                                       "shared": tables.shared, "aliases": aliases})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Inputs:
    """The inputs the kept state ``token`` holds for besides the tree it was built from (the entry ``keep_inputs``
    writes): the kept reads, the edits since the state was kept (line maps by file), the files whose imports they
    changed and the files added and removed since (``Kept.added``, ``Kept.removed``)."""

    token: str
    reads: Reads
    pending: Pending
    patched: Patched
    added: dict[str, str]
    removed: frozenset[str] = frozenset()


def kept_inputs(tree: TreeCache) -> Inputs | None:
    """The inputs of the kept state when it holds for the inputs of the last scan's saved result (read before this
    scan saves its own), else None."""
    inputs = tree.load_kept(_entries(tree)[1])
    token, key, reads, pending = inputs.get("token"), inputs.get("key"), inputs.get("reads"), inputs.get("pending")
    patched, added, removed = inputs.get("patched"), inputs.get("added"), inputs.get("removed")
    if isinstance(token, str) and key and key == tree.previous.result_key and isinstance(reads, dict) \
            and isinstance(pending, dict) and isinstance(patched, dict) and isinstance(added, dict) \
            and isinstance(removed, frozenset):  # fmt: skip
        return Inputs(token, reads, pending, patched, added, removed)
    return None


def find_kept(tree: TreeCache) -> Kept | None:
    """The kept state when ``kept_inputs`` finds its inputs, else None."""
    found = kept_inputs(tree)
    if found is None:
        return None
    names = _entries(tree)
    entry, more = tree.load_kept(names[0]), tree.load_kept(names[2])
    blob = entry.get("state")
    defs, factories, bound, shared, aliases = (more.get(k) for k in ("async_defs", "factories", "bound", "shared",
                                                                     "aliases"))  # fmt: skip
    if entry.get("token") != found.token or more.get("token") != found.token or not isinstance(blob, bytes) \
            or not isinstance(defs, tuple) or not isinstance(factories, dict) or not isinstance(bound, dict) \
            or not isinstance(shared, dict) or not isinstance(aliases, list):
        return None
    state, added = read_state(blob), found.added
    if added:  # the files added since: named as the scan that took them named them
        state = replace(state, module_names={**state.module_names, **added})
    return Kept(found.token, state, CallTables(defs, factories, bound, shared), aliases, found.reads, found.pending,
                found.patched, added, found.removed)  # fmt: skip


def kept_missed(tree: TreeCache, token: str) -> frozenset[str] | None:
    """Every module name the scans of the kept state ``token`` asked for and found no module under
    (``keep_missed``); None when not known (a file added is then judged by the whole scan). Read only when a file
    was added: 45k names at 4M lines."""
    kept = tree.load_kept(_misses_entry(tree))
    missed = kept.get("missed") if kept.get("token") == token else None
    return missed if isinstance(missed, frozenset) else None


def keep_inputs(tree: TreeCache, inputs: Inputs) -> None:
    """The entry ``kept_inputs`` reads: the kept state of ``inputs.token`` holds for the inputs of the result this
    scan saves, with its reads, once moved by the pending line maps, with the imports of the patched files made again
    and the files added named so, the files removed gone (written by ``keep_state``, and by
    ``rerun.state_still_holds`` while few enough maps are pending)."""
    tree.save_kept(_entries(tree)[1], {"token": inputs.token, "key": tree.result_key(), "reads": inputs.reads,
                                       "pending": inputs.pending, "patched": inputs.patched,
                                       "added": inputs.added, "removed": inputs.removed})  # fmt: skip


def finish_kept_for(tree: TreeCache, finish_name: str) -> str:
    """The key of the result whose scan left the finish's kept entries as they are (``finish_still_holds``): a scan of
    another configuration, or one that failed before saving its result, may have written them since."""
    key = tree.load_kept(f"{finish_name} for").get("key")
    return key if isinstance(key, str) else ""


def finish_still_holds(tree: TreeCache, finish_name: str) -> None:
    """The finish's kept entries hold for the result this scan saves (a small entry: the fixes' is megabytes)."""
    tree.save_kept(f"{finish_name} for", {"key": tree.result_key()})


def fixes_hold(tree: TreeCache, finish_name: str, last: AuditResult, moving: Mapping[str, NewLine]) -> bool:
    """True when no fix of the last result was built from a changed file, so all are kept as they are: no finding
    there is fixable, no fix edits one (``model.moved.fixes_to_rebuild``), and the kept record of what each file's
    fixes read (``fix.memo.Trace``) names none of them (their bytes, importers or import uses)."""
    from ssot_audit.fix.build import FIXERS  # here: a scan without fixes never imports the fix layer (libcst)
    from ssot_audit.fix.memo import trace_reads

    if finish_kept_for(tree, finish_name) != tree.previous.result_key:
        return False  # the kept fixes may not be the last scan's: only those are trusted without being checked
    rebuilt = fixes_to_rebuild(last, moving)
    if any(last.findings[i].fix is not None or last.findings[i].code in FIXERS for i in rebuilt):
        return False
    traces = tree.load_kept(finish_name).get("fixes")
    if not isinstance(traces, dict):
        return not any(f.fix is not None for f in last.findings)
    return not any(path in moving or trace_reads(trace, moving.keys()) for path, trace in traces.items())
