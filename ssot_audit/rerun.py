"""The scan after a calls-only edit: which findings of the last scan still hold, which rules run again, on which
modules, and what a full scan keeps so that this scan reads the facts of only the modules it looks at.

A *calls-only* edit (``analysis.unseen.calls_only_change``) changes, in the edited files, only calls inside function
bodies and the names functions read. Of everything ``api._audit`` computes, only the rules that read those
(``rules.CALL_READERS``) can see it: the index, resolver, import sites, graph and concept model never read them, and
neither does any other rule. So the scan loads the project lazily (``project.load_lazy``: a module's facts are read
when something asks), restores the import sites, graph and concept model the last full scan kept
(``analysis.kept_state``: no module's facts read), runs the call readers on the modules whose findings can have
changed, and takes every other finding from the last result, positions in the edited files moved (``model.moved``).

Which modules the call readers judge again (``rules.CALL_READERS``' three kinds): the edited ones, and those whose
last judgement read an edited module's calls (``RuleContext.call_reads``, kept between scans: SSOT401 follows a base
method's calls into its module). A whole-project reader (SSOT104) runs again only when it read an edited module's
calls. Suppression comments are applied to the whole set again (SSOT901 judges every comment against every finding).

The last result holds the findings *after* suppression: those kept, and those a comment silenced
(``AuditResult.suppressed``). Together they are what the rules gave, with two exceptions that change nothing: a
kept finding a ``per-file-ignores`` glob dropped is missing (it would be dropped again, and a kept finding marks no
comment as used), and the SSOT901 findings, which are the suppression step's own and are made again.
"""

from __future__ import annotations

import pickle
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ssot_audit.analysis.concept_snapshot import members_unread
from ssot_audit.analysis.edits import Moved
from ssot_audit.analysis.facts import Expr
from ssot_audit.analysis.kept_state import Imports, KeptState, read_state, restore_state, snapshot_state
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.trace import Trace
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.analysis.walkcache import Walk
from ssot_audit.interface_scan import (
    Rerun, Traces, find_traces, judgements_to_rerun, keep_trace, rerun_after_attribute_reads, rerun_after_imports,
)
from ssot_audit.config import Config
from ssot_audit.kept_calls import keep_callee_names
from ssot_audit.kept_definers import keep_definers
from ssot_audit.model import AuditResult, Concept, Finding
from ssot_audit.model.moved import NewLine, fixes_to_rebuild, moved_result
from ssot_audit.project import Project, kept_cycles, load_lazy
from ssot_audit.rules import CALL_READERS, FOLLOWING_CALL_READERS, LOCAL_CALL_READERS, GROUPED_CALL_READERS
from ssot_audit.rules.base import async_functions
from ssot_audit.rules.units import unit_of
from ssot_audit.rules.duplicate_factory import duplicated_factories

NARROWED = LOCAL_CALL_READERS | FOLLOWING_CALL_READERS | GROUPED_CALL_READERS  # asked about the judged modules
RERUN = CALL_READERS  # what the calls-only scan finds again: SSOT901 whole, the narrowed ones on the judged modules

Reads = dict[str, set[str]]  # ``RuleContext.call_reads``
# Per file, the line maps of the edits made since the state was kept, in order. The kept state holds lines (import
# sites, graph edges, aliases); scans after unseen or calls-only edits do not keep it again (0.8 CPU-s at 4M lines),
# so each restore moves it by every edit since. Past ``MAX_PENDING`` maps the state is dropped: the next scan that
# needs it is a whole one, and keeps it anew.
Pending = dict[str, tuple[NewLine, ...]]
MAX_PENDING = 200
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


@dataclass(frozen=True, slots=True)
class Reused:
    """What a scan after calls-only edits takes from the last one: the findings that still hold, as the rules gave
    them (before suppression and fixes), the concept table (positions moved), the edited files (repo-relative
    paths), the modules the call readers judge again, and what was kept."""

    findings: tuple[Finding, ...]
    concepts: tuple[Concept, ...]
    edited: frozenset[str]
    judged: frozenset[str]  # module names
    kept: Kept
    rerun: Rerun | None = None  # after interface edits: the judgements the dependency record says may change
    patched: Patched = field(default_factory=dict)  # after this scan: ``Kept.patched``, with its own import edits
    shared: dict[str, object] = field(default_factory=dict)  # kept tables this scan made again in part (its rules'
    # ``RuleContext.shared``, kept after them): ``interface_scan.rerun_after_attribute_reads``


def _entries(tree: TreeCache) -> tuple[str, str, str]:
    """The names the kept state is under: the state ({"token", "state"}, written by full scans before their rules),
    the tables ({"token", "async_defs", "factories", "bound", "aliases"}, written by full scans after their rules) and
    what they hold for ({"token", "key", "reads", "pending"}: the key of the result whose inputs they match, written
    by every scan). One set per scope of scan (the JSON scans and the hook's text scans each follow their own); the
    dependency record is beside them (``interface_scan``)."""
    scope = tree.store.scope
    return f"calls-only state {scope}", f"calls-only inputs {scope}", f"calls-only tables {scope}"


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
    keep_callee_names(tree, token, project.index)
    state_still_holds(tree, token, reads, {}, {})


def tables_after(tables: CallTables, edits: Mapping[str, Moved], made: Mapping[str, object] | None = None) -> CallTables:
    """``tables`` without the answers of ``find_definers`` (kept in ``shared``) for the names the interface ``edits``
    changed: which modules define a name changes only with a module's module-level bindings of it, which any other
    edit the path takes leaves as they were (and a file added or removed takes the whole scan); with the shared
    tables ``made`` again in part by the scan (``Reused.shared``). New tables are kept again after the scan."""
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


def kept_token(tree: TreeCache) -> tuple[str, Reads, Pending, Patched] | None:
    """The token of the kept state, the kept reads, the edits since the state was kept and the files whose imports
    they changed, when it holds for the inputs of the last scan's saved result (read before this scan saves its
    own), else None."""
    inputs = tree.load_kept(_entries(tree)[1])
    token, key, reads, pending = inputs.get("token"), inputs.get("key"), inputs.get("reads"), inputs.get("pending")
    patched = inputs.get("patched")
    if isinstance(token, str) and key and key == tree.previous.result_key and isinstance(reads, dict) \
            and isinstance(pending, dict) and isinstance(patched, dict):
        return token, reads, pending, patched
    return None


def find_kept(tree: TreeCache) -> Kept | None:
    """The kept state when ``kept_token`` finds it, else None."""
    found = kept_token(tree)
    if found is None:
        return None
    names = _entries(tree)
    entry, more = tree.load_kept(names[0]), tree.load_kept(names[2])
    blob = entry.get("state")
    defs, factories, bound, shared, aliases = (more.get(k) for k in ("async_defs", "factories", "bound", "shared",
                                                                     "aliases"))  # fmt: skip
    if entry.get("token") != found[0] or more.get("token") != found[0] or not isinstance(blob, bytes) \
            or not isinstance(defs, tuple) or not isinstance(factories, dict) or not isinstance(bound, dict) \
            or not isinstance(shared, dict) or not isinstance(aliases, list):
        return None
    return Kept(found[0], read_state(blob), CallTables(defs, factories, bound, shared), aliases, *found[1:])


def state_still_holds(tree: TreeCache, token: str, reads: Reads, pending: Pending, patched: Patched) -> None:
    """The kept state of ``token`` holds for this scan's inputs too (it was built from them, or they changed only where
    it never reads), with ``reads``, once moved by ``pending`` and with the imports of the ``patched`` files made
    again: the next scan finds it. Only the small entry is written; nothing when ``pending`` holds too many maps
    (the next scan does not find it)."""
    if sum(map(len, pending.values())) <= MAX_PENDING:
        tree.save_kept(_entries(tree)[1], {"token": token, "key": tree.result_key(), "reads": reads, "pending": pending,
                                           "patched": patched})  # fmt: skip


def with_moves(pending: Pending, moves: Mapping[str, NewLine]) -> Pending:
    """``pending`` and then ``moves`` (this scan's edits)."""
    return {**pending, **{path: (*pending.get(path, ()), move) for path, move in moves.items()}}


@dataclass(frozen=True, slots=True)
class _Composed:
    """Line maps applied one after another (None as soon as one drops the line)."""

    maps: tuple[NewLine, ...]

    def __call__(self, line: int) -> int | None:
        for move in self.maps:
            moved = move(line)
            if moved is None:
                return None
            line = moved
        return line


def composed(pending: Pending) -> dict[str, NewLine]:
    """Per file, its maps of ``pending`` as one."""
    return {path: maps[0] if len(maps) == 1 else _Composed(maps) for path, maps in pending.items()}


def reused_findings(last: AuditResult, edits: Mapping[str, Moved], kept: Kept,
                    rerun: Rerun | None = None) -> Reused | None:  # fmt: skip
    """What holds of the last result after the calls-only ``edits``: the findings of the rules outside ``RERUN``; of
    the call readers, those outside the judged modules (of SSOT104, those of the factories without a copy there);
    and the concept table; positions in the edited files moved. None when one cannot be moved (``moved_result``).
    After interface edits too (``rerun``), the findings of the judgements it names are not kept either."""
    names = kept.state.module_names
    edited = {names[path] for path in edits if path in names}
    judged = frozenset(edited | {m for m, read in kept.reads.items() if read & edited})
    judged_paths = {path for path, name in names.items() if name in judged}
    groups = {name for name, copies in kept.tables.factory_groups.items() if any(d.module in judged for d in copies)}
    if rerun is not None:  # the call readers judge again what the calls-only part of the edits asks too
        rerun = replace(rerun, units={code: keys | (groups if code in GROUPED_CALL_READERS else judged)
                                      if code in CALL_READERS else keys for code, keys in rerun.units.items()})

    def holds(finding: Finding) -> bool:
        code = finding.code
        if rerun is not None and not _outside(finding, rerun, names):
            return False
        if code in GROUPED_CALL_READERS:
            return finding.facts.get("factory") not in groups
        if code in NARROWED:
            return finding.location.path not in judged_paths
        return code not in RERUN

    found = tuple(f for f in last.findings if holds(f))
    quiet = tuple(s for s in last.suppressed if holds(s.finding))
    # the stats and import tables are computed again from the loaded project; the concept table is the last one
    # (it reads member classes' lines and methods, which a calls-only edit leaves as they were, ``kept_state``)
    partial = replace(last, findings=found, suppressed=quiet, symbol_imports=(), excerpts=())
    moved = moved_result(partial, {p: m.new_line for p, m in edits.items()}, last.stats.lines)
    if moved is None:
        return None
    every = [*moved.findings, *(s.finding for s in moved.suppressed)]
    findings = tuple(sorted((f if f.fix is None else replace(f, fix=None) for f in every), key=lambda f: f.sort_key))
    return Reused(findings, moved.concepts, frozenset(edits), judged, kept, rerun)


def _outside(finding: Finding, rerun: Rerun, module_of: Mapping[str, str]) -> bool:
    """Whether ``finding`` was made by a judgement ``rerun`` does not run again (``module_of``: module names by
    repo-relative path)."""
    if finding.code in rerun.whole:
        return False
    units = rerun.units.get(finding.code)
    if units is None:
        return True
    key = unit_of(finding, module_of)
    return key is not None and key not in units


def reused_after(last: AuditResult, edits: Mapping[str, Moved], tree: TreeCache,
                 codes: Iterable[str]) -> tuple[Reused | None, Traces | None]:  # fmt: skip
    """What holds of the last result after ``edits`` (calls-only or interface ones: ``reused_findings``), with the
    dependency record kept beside the state, which this scan's own record is added to (None: none kept). None when
    the state is not kept, or an interface edit has no record or reaches the concept model (the whole scan runs)."""
    state = find_kept(tree)
    if state is None:
        return None, None
    rerun = None
    if any(m.interface is not None for m in edits.values()):
        traces = find_traces(tree, state.token)
        if traces is None:
            return None, None
        rerun = judgements_to_rerun(edits, state.state.module_names, traces, codes)
        if rerun is None:
            return None, None
        if not rerun.resolving and not any(m.interface is not None and m.interface.imports for m in edits.values()):
            traces = traces.without_records()  # read: only their kept bytes are needed further (an import edit
            # reads them again once the project is restored: ``restored_project``)
    else:
        traces = find_traces(tree, state.token, read=False)
    return reused_findings(last, edits, state, rerun), traces


def merged_reads(reused: Reused, fresh: Reads) -> Reads:
    """The reads after this scan: the kept ones but those of the modules judged again, replaced by what this scan's
    run recorded (``fresh``)."""
    return {**{m: r for m, r in reused.kept.reads.items() if m not in reused.judged}, **fresh}


def restored_project(root: Path, config: Config, found: Walk, tree: TreeCache, reused: Reused,
                     edits: Mapping[str, Moved], moves: Mapping[str, NewLine], started: float, *,
                     traces: Traces | None = None,
                     last: AuditResult | None = None,
                     codes: Iterable[str] = ()) -> tuple[Project, Reused] | tuple[None, None]:  # fmt: skip
    """The project after the calls-only or interface ``edits``, loaded lazily (``project.load_lazy``) with the kept
    state restored (``analysis.kept_state``), and what holds of the last scan (``reused``; after edits that changed
    imports, found again from what the old and new imports name: ``traces``, ``last``, ``codes`` as for
    ``reused_after``); its resolver records what it reads (``analysis.trace``): the judgements run again add to the
    dependency record. (None, None) when the state cannot be moved to it: the whole scan runs, which loads the
    project afresh (with what this one holds let go: a scan that found the model changed only after restoring it
    peaked 200 MB above a whole scan at 4M lines) and makes a new record."""
    loaded = load_lazy(root, config, found, tree=tree, started=started)
    began = time.perf_counter()
    index = loaded.index
    trace = Trace()
    resolver = Resolver(index, trace)
    kept = reused.kept
    names = kept.state.module_names
    importing = {path for path, moved in edits.items() if moved.interface is not None and moved.interface.imports}
    resolving = reused.rerun.resolving if reused.rerun is not None else frozenset()
    edited = set(importing)
    if resolving:  # rows that read what an edit changed: made again (``interface_scan.judgements_to_rerun``)
        importing |= {path for path, name in names.items() if name in resolving}
    patched = kept.patched.keys() | importing
    restored = None
    if not importing or all(loaded.names.get(path) == name for path, name in names.items()):  # an import can
        # change the name a module gets (``discovery.assign_module_names`` reads the top-level names imported)
        restored = restore_state(kept.state, index, resolver, moves, unparsed=loaded.skipped(),
                                 kept_cycles=kept_cycles(tree), patched={names[path] for path in patched})  # fmt: skip
    classes = [ClassValue(names[path], qualname) for path, moved in edits.items() if moved.interface is not None
               for qualname in moved.interface.classes]  # fmt: skip
    if restored is not None and classes and not members_unread(restored.concepts, classes):
        restored = None  # the model may read the members of a class the edits changed
    holding: Reused | None = reused
    if restored is not None and importing:  # what the old and new import rows name is judged again too
        first = reused.rerun
        rerun = rerun_after_imports(first, restored, index, edits, importing, kept, traces, codes) \
            if traces is not None and first is not None else None  # fmt: skip
        holding = reused_findings(last, edits, kept, rerun) if rerun is not None and last is not None else None
    if restored is None or holding is None:
        return None, None
    index.keep_module_aliases(kept.aliases)
    holding = _after_attribute_reads(holding, edits, names, resolver, last)
    if holding is None:
        return None, None
    made, before = restored.made, restored.kept
    reused = replace(holding, patched={path: made[names[path]] for path in patched  # rows made again as they were
                                       if path in kept.patched or path in edited  # kept are left to the state
                                       or made[names[path]] != before[names[path]]})  # fmt: skip
    return loaded.project(root, config, resolver=resolver, graph=restored.graph, sites=restored.sites,
                          concepts=restored.concepts, indexed=time.perf_counter() - began), reused  # fmt: skip


def _after_attribute_reads(reused: Reused, edits: Mapping[str, Moved], names: Mapping[str, str], resolver: Resolver,
                           last: AuditResult | None) -> Reused | None:  # fmt: skip
    """``reused`` after interface edits, with the rows of SSOT204's kept table of ``M.n`` reads made again where the
    edits may have changed them (``interface_scan.rerun_after_attribute_reads``): the table to run the rules with
    (``Reused.shared``) and the findings of the names whose rows changed not kept. None when those cannot be found
    again."""
    rerun = reused.rerun
    if rerun is None:
        return reused
    interface = [names[path] for path, moved in edits.items() if moved.interface is not None and path in names]
    widened, shared = rerun_after_attribute_reads(rerun, interface, reused.kept.tables.shared, resolver)
    if not shared:
        return reused
    if widened.units.get("SSOT204") != rerun.units.get("SSOT204"):
        found = reused_findings(last, edits, reused.kept, widened) if last is not None else None
        if found is None:
            return None
        reused = found
    return replace(reused, shared=shared)


@dataclass(frozen=True, slots=True)
class LastScan:
    """What the last scan of the tree saved (``TreeCache.saved_before_changes``: its result was computed from these
    inputs but for the content of the files that changed since), unpickled once for both edit paths."""

    notes: tuple[str, ...]
    paths: Mapping[str, bool]
    skipped: tuple[str, ...]
    result: AuditResult


def last_scan(saved: bytes) -> LastScan:
    """The last scan's saved blob (``scanned.save_scanned``'s layout), its result unpickled."""
    _, notes, paths, skipped, pickled = pickle.loads(saved)  # the summary is made again from the new result
    return LastScan(notes, paths, skipped, pickle.loads(pickled))


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
