"""The scan after a calls-only edit: which findings of the last scan still hold, which rules run again, and on which
modules, with the state a full scan kept (``kept_scan``) restored so that this scan reads the facts of only the
modules it looks at.

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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ssot_audit.analysis.kept_judgements import members_unread, patched_test_classes, public_members_unread
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.edits import Moved
from ssot_audit.analysis.facts import Expr, is_alias_binding
from ssot_audit.analysis.kept_state import restore_state
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex, alias_rows
from ssot_audit.analysis.names import Names
from ssot_audit.analysis.namespace import PATCHED, stores_after
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.trace import MODEL, Trace
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.analysis.usage import ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue, Value
from ssot_audit.analysis.walkcache import Walk
from ssot_audit.interface_scan import (
    Rerun, Traces, find_traces, judgements_to_rerun, past_bound, rerun_after_attribute_reads, rerun_after_imports,
)
from ssot_audit.config import ConceptConfig, Config
from ssot_audit.kept_scan import CallTables as CallTables, find_kept as find_kept, kept_inputs as kept_inputs
from ssot_audit.kept_scan import Inputs, Kept, Patched, Pending, Reads, keep_inputs
from ssot_audit.kept_added import with_added
from ssot_audit.kept_removed import with_removed
from ssot_audit.model import AuditResult, Concept, Finding
from ssot_audit.model.moved import NewLine, moved_result
from ssot_audit.project import Project, kept_cycles, kept_importers, load_lazy
from ssot_audit.rules import CALL_READERS, FOLLOWING_CALL_READERS, LOCAL_CALL_READERS, GROUPED_CALL_READERS
from ssot_audit.rules.base import bound_answer
from ssot_audit.rules.units import unit_of

NARROWED = LOCAL_CALL_READERS | FOLLOWING_CALL_READERS | GROUPED_CALL_READERS  # asked about the judged modules
RERUN = CALL_READERS  # what the calls-only scan finds again: SSOT901 whole, the narrowed ones on the judged modules

# Past ``MAX_PENDING`` line maps kept (``kept_scan.Pending``) the state is dropped: the next scan that needs it is a
# whole one, and keeps it anew. Looked up here at each call of ``state_still_holds``: tests lower it on this module.
MAX_PENDING = 200


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

    def edited_modules(self) -> frozenset[str]:
        """This scan's edited files by module name (a file the kept state has no name for is left out)."""
        names = self.kept.state.module_names
        return frozenset(names[path] for path in self.edited if path in names)

    def edited_since_full_scan(self) -> frozenset[str]:
        """The modules edited since the full scan of the kept state, by module name: the files whose moves are
        pending (``Kept.pending``: edited by the scans after it) and this scan's. Only their facts can differ from
        what the tables the full scan kept of every module say (``KeptDefiners``, ``kept_calls``, the kept model's
        classes: ``kept_judgements.public_members_unread``)."""
        names = self.kept.state.module_names
        return frozenset(names[path] for path in self.kept.pending.keys() | self.edited if path in names)


def state_still_holds(tree: TreeCache, inputs: Inputs) -> None:
    """The kept state of ``inputs.token`` holds for this scan's inputs too (it was built from them, or they changed
    only where it never reads), with the reads, line maps, patched files and added files of ``inputs``: the next scan
    finds it. Only the small entry is written; nothing when too many line maps are pending (the next scan does not
    find it)."""
    if sum(map(len, inputs.pending.values())) <= MAX_PENDING:
        keep_inputs(tree, inputs)


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


def reused_after(last: AuditResult, edits: Mapping[str, Moved], tree: TreeCache, codes: Iterable[str],
                 configs: Iterable[ConceptConfig] = ()) -> tuple[Reused | None, Traces | None]:  # fmt: skip
    """What holds of the last result after ``edits`` (calls-only or interface ones: ``reused_findings``), with the
    dependency record kept beside the state, which this scan's own record is added to (None: none kept). None when
    the state is not kept, or an interface edit has no record or reaches the concept model (the whole scan runs)."""
    state = find_kept(tree)
    if state is not None:
        state = with_added(state, tree)  # the files added, as empty modules this scan edited (when they are)
    if state is not None:
        state = with_removed(state, tree, configs)  # and removed, as modules emptied and gone (when they are)
    if state is None:
        return None, None
    rerun = None
    if any(m.interface is not None for m in edits.values()) or tree.removed or tree.added:
        traces = find_traces(tree, state.token)
        if traces is None:
            return None, None
        rerun = judgements_to_rerun(edits, state.state.module_names, traces, codes, tree.removed, tree.added)
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
    if not (importing or tree.added or tree.removed) or all(loaded.names.get(path) == name for path, name
                                                             in names.items() if path not in kept.removed):  # an
        # import can change the name a module gets (``discovery.assign_module_names`` reads the top-level names
        # imported), and a file added is named as ``kept_added`` named it only when the scan names it so too
        restored = restore_state(kept.state, index, resolver, moves, unparsed=loaded.skipped(),
                                 kept_cycles=kept_cycles(tree), kept_importers=kept_importers(tree),
                                 patched={names[path] for path in patched},
                                 gone={names[path] for path in kept.removed})  # fmt: skip
    gone = {(names[path], qualname): (scope, bases) for path, moved in edits.items() if path in names
            for qualname, scope, bases in moved.gone}  # fmt: skip
    removed = {names[path] for path in kept.removed}
    if restored is not None and not patched_test_classes(restored.concepts, reused.edited_since_full_scan(),
                                                         config.concepts, gone, removed,
                                                         _bases_as_they_were(index, edits, names)):  # fmt: skip
        restored = None  # the model may read a class of test code added or removed since the full scan
    classes = [ClassValue(names[path], qualname) for path, moved in edits.items() if moved.interface is not None
               for qualname in moved.interface.classes - moved.private - moved.attrs
               - {q for q, _, _ in moved.public}]  # fmt: skip
    if restored is not None and classes and not members_unread(restored.concepts, classes):
        restored = None  # the model may read the members of a class the edits changed
    if restored is not None and not _public_unread(restored.concepts, reused, edits):
        restored = None  # or the public methods of a production class
    if restored is not None and not new_aliases_unnamed(index, trace, edits, names):
        restored = None  # or an alias of a class or function of the project (the model's table of names holds it)
    holding: Reused | None = reused
    if restored is not None and importing:  # what the old and new import rows name is judged again too
        first = reused.rerun
        rerun = rerun_after_imports(first, restored, index, edits, importing, kept, traces, codes, config.concepts) \
            if traces is not None and first is not None else None  # fmt: skip
        holding = reused_findings(last, edits, kept, rerun) if rerun is not None and last is not None else None
    if restored is None or holding is None:
        return None, None
    index.keep_module_aliases(_module_aliases(index, kept.aliases, removed, reused.edited_since_full_scan()))
    holding = _after_bound(holding, edits, trace, restored.sites, restored.concepts.names, last)
    if holding is None:
        return None, None
    holding = _after_attribute_reads(holding, edits, names, resolver, last)
    if holding is None:
        return None, None
    holding = _after_stores(holding, edits, index)
    made, before = restored.made, restored.kept
    reused = replace(holding, patched={path: made[names[path]] for path in patched  # rows made again as they were
                                       if path in kept.patched or path in edited  # kept are left to the state
                                       or made[names[path]] != before[names[path]]})  # fmt: skip
    return loaded.project(root, config, resolver=resolver, graph=restored.graph, sites=restored.sites,
                          concepts=restored.concepts, indexed=time.perf_counter() - began), reused  # fmt: skip


def new_aliases_unnamed(index: ProjectIndex, trace: Trace, edits: Mapping[str, Moved],
                        names: Mapping[str, str]) -> bool:  # fmt: skip
    """Whether no module-level alias the ``edits`` added or retargeted (``Moved.new_aliases``) names a class or
    function of the project: the kept model's table of names (``names.Names``) then holds none of them, as a full
    scan's would not. What resolving them reads goes to ``trace`` as read by the model (``MODEL``), as a full scan's
    model reads it: a later edit that makes one name a class of the project reaches the model. (Resolved with a
    resolver of their own, whose record is copied: a read of the model while the rules are judged is no edge.)"""
    wanted = [(names[path], name) for path, moved in edits.items() for name in sorted(moved.new_aliases)]
    if not wanted:
        return True
    probe = Trace()
    resolver = Resolver(index, probe)  # (it sets ``index.trace``: given back below)
    try:
        with probe.unit(_PROBED):
            for module, name in wanted:
                for binding in index.modules[module].facts.bindings.get(name, ()):
                    if is_alias_binding(binding) and any(isinstance(value, ClassValue | FunctionValue) for value
                                                    in resolver.resolve_expr(module, "", binding.value)):  # fmt: skip
                        return False
    finally:
        index.trace = trace
    keys = {number: key for key, number in probe.ids.items()}
    keys[probe.ids.get(_PROBED, -1)] = MODEL
    for child, parent in zip(probe.children, probe.parents):
        trace.edge(keys[child], keys[parent])
    return True


# the unit ``new_aliases_unnamed`` records under, its reads then given to ``MODEL`` (under ``MODEL`` itself, node 0,
# a read records no edge: while the model is built every node read is the model's)
_PROBED = ("new aliases",)


def _module_aliases(index: ProjectIndex, kept: list[tuple[str, str, Expr]], removed: Collection[str],
                    edited: Collection[str]) -> list[tuple[str, str, Expr]]:  # fmt: skip
    """The table of every module's aliases (``ProjectIndex.module_aliases``) as the full scan kept it (``kept``),
    without the rows of the modules of files removed since (``kept_removed``) and with those of the modules edited
    or added since made again from their facts (an edit may add, remove or retarget one: ``Moved.aliases``), in the
    order the table lists modules."""
    made = [row for module in sorted(edited) if module in index.modules for row in alias_rows(index.modules[module])]
    dropped = {*removed, *edited}
    rows = [row for row in kept if row[0] not in dropped] if dropped else kept
    if not made:
        return rows
    order = {name: number for number, name in enumerate(index.modules)}
    return sorted([*rows, *made], key=lambda row: order[row[0]])


def _bases_as_they_were(index: ProjectIndex, edits: Mapping[str, Moved],
                        names: Mapping[str, str]) -> dict[tuple[str, str], frozenset[Value]]:  # fmt: skip
    """What the bases of each class of a file this scan removed resolve to, in its module's facts as they were
    (``Moved.before``): the module is no longer in ``index``, so they are resolved in an index that has it."""
    before = {names[path]: ModuleInfo(names[path], path, False, True, moved.before) for path, moved in edits.items()
              if moved.before is not None}  # all of them: a base may be named through another removed module
    if not any(moved.gone for moved in edits.values() if moved.before is not None):
        return {}
    resolver = Resolver(index.with_modules(before))
    return {(module, qualname): frozenset(v for base in bases for v in resolver.resolve_expr(module, scope, base))
            for module in before for path, moved in edits.items() if names[path] == module
            for qualname, scope, bases in moved.gone}  # fmt: skip


def _after_bound(reused: Reused, edits: Mapping[str, Moved], trace: Trace, sites: ImportSites, names: Names,
                 last: AuditResult | None) -> Reused | None:  # fmt: skip
    """``reused`` after interface edits that reached the kept answers of ``names_bound_to`` (``Rerun.bound``): each
    computed again (under its node of the record: what it reads now is linked to it). All as they were: what reads
    them is not judged again (their rules' setups: SSOT303 and SSOT402 ran whole after any rename of a function
    other modules import, 2.3 CPU-s at 4M lines), and the rules take the kept ones. One changed: what reads them is
    (``interface_scan.past_bound``), and the rules compute them again. None when that cannot be found."""
    rerun = reused.rerun
    if rerun is None or not rerun.bound:
        return reused
    kept = reused.kept.tables.bound_names
    fresh: dict[frozenset[ClassValue | FunctionValue], frozenset[str]] = {}
    if all(bound_answer(trace, sites, names, fresh, key) == answer for key, answer in kept.items()):
        return replace(reused, rerun=replace(rerun, bound=False, past_bound=frozenset()))
    wider = past_bound(rerun)
    return reused_findings(last, edits, reused.kept, wider) if wider is not None and last is not None else None


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


def _after_stores(reused: Reused, edits: Mapping[str, Moved], index: ProjectIndex) -> Reused:
    """``reused`` with the kept table of every module's attribute stores (``Namespaces._is_patched``'s, kept among
    the shared tables when a judgement asked it) made again at the rows of the modules whose stores the edits
    changed (``InterfaceChange.stores``, whose ``trace.STORES`` leaves fired): the table to run the rules with."""
    table = reused.kept.tables.shared.get(PATCHED)
    names = reused.kept.state.module_names
    changed = [names[path] for path, moved in edits.items()
               if moved.interface is not None and moved.interface.stores and path in names]  # fmt: skip
    if not isinstance(table, dict) or not changed:
        return reused
    return replace(reused, shared={**reused.shared, PATCHED: stores_after(table, index, changed)})


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


def _public_unread(model: ConceptModel, reused: Reused, edits: Mapping[str, Moved]) -> bool:
    """Whether ``model`` holds after the public methods of the production classes ``edits`` changed
    (``Moved.public``), each judged by ``kept_judgements.public_members_unread`` against the other classes as they
    are now (``Reused.edited_since_full_scan``, read from their facts)."""
    kept = reused.kept
    names = kept.state.module_names
    changed = [(ClassValue(names[path], qualname), before, after) for path, moved in edits.items()
               for qualname, before, after in moved.public]  # fmt: skip
    if not changed:
        return True
    edited = reused.edited_since_full_scan()
    return all(public_members_unread(model, kept.state.concepts, value, before, after, edited)
               for value, before, after in changed)  # fmt: skip
