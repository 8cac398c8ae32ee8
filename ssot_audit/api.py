"""The one pipeline: discover -> parse -> index -> graph -> rules -> AuditResult. Never prints.

The CLI, the dashboard and the tests all call these functions. Loading a tree as a whole program (discovery,
parsing or the cache, index, concepts) is ``project``'s; auditing it, the cache-backed scan and rendering are here.
What a cached scan records (``Scanned``, its saved layout) and the scan after edits no rule sees are ``scanned``'s.
"""

from __future__ import annotations

import gc
import pickle
import time
from contextlib import nullcontext
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ssot_audit import __version__, capture
from ssot_audit.analysis.edits import Moved, judged_edits
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.loader import gc_paused, release_frozen, trim_heap
from ssot_audit.analysis.payload import FactsUnavailable
from ssot_audit.analysis.state import stamp_of
from ssot_audit.analysis.trace import CONCEPT_TABLE, UNIT, Trace
from ssot_audit.analysis.treecache import TreeCache
from ssot_audit.baseline import compare
from ssot_audit.config import Config, ConfigError, load_config
from ssot_audit.model import (
    AuditResult, BaselineEntry, Concept, ConsolidationPlan, Finding, ScanStats, SuppressedFinding,
)
from ssot_audit.model.escape import inert_output
from ssot_audit.planner import build_plan
from ssot_audit.project import Progress as Progress, Project as Project, load_project as load_project
from ssot_audit.project import discover_files, keep_cycles, load_walked, scope_key, walk_tree
from ssot_audit.interface_scan import Rerun, Traces, keep_delta
from ssot_audit.kept_calls import async_after
from ssot_audit.kept_definers import KeptDefiners
from ssot_audit.kept_scan import (
    CallTables, Inputs, Pending, Reads, finish_kept_for, finish_still_holds, keep_missed, keep_snapshot, keep_state,
    keep_tables, tables_after,
)
from ssot_audit.rerun import (
    NARROWED, RERUN, Reused, composed, last_scan, merged_reads, restored_project, reused_after, state_still_holds,
    with_moves,
)
from ssot_audit.rules import ALL_RULES
from ssot_audit.rules.base import AsyncChange, KeptTablesStale, Rule, RuleContext
from ssot_audit.rules.units import unit_of
from ssot_audit.rules.unawaited_coroutine import INFO as UNAWAITED_INFO
from ssot_audit.rules.unused_suppression import INFO as UNUSED_SUPPRESSION
from ssot_audit.scanned import ResultSummary as ResultSummary, Scanned as Scanned
from ssot_audit.scanned import excerpts_of, import_names, moved_scan, save_scanned
from ssot_audit.selection import build_per_file_ignores, build_selection
from ssot_audit.suppressions import apply_suppressions


def check_config(config: Config, rules: Sequence[Rule] = ALL_RULES) -> None:
    """Raise ``ConfigError`` for an unknown ``select``/``ignore`` entry or rule option now, before a single file
    is read (a typo must not cost a full parse of a large tree first)."""
    build_selection(config.select, config.ignore, [r.info for r in rules])
    _rule_options(config, rules)


def _rule_options(config: Config, rules: Sequence[Rule]) -> dict[str, dict[str, object]]:
    """Validate ``[tool.ssot-audit.rules.CODE]`` tables against each rule's declared options."""
    by_code = {r.info.code: r.info for r in rules}
    by_name = {r.info.name: r.info for r in rules}
    options: dict[str, dict[str, object]] = {code: {o.name: o.default for o in info.options} for code, info in by_code.items()}
    types = {"bool": bool, "int": int, "float": float, "str": str}
    for key, table in config.rule_options.items():
        info = by_code.get(key.upper()) or by_name.get(key)
        if info is None:
            raise ConfigError(f"unknown rule 'rules.{key}' (see `ssot-audit rules`)")
        declared = {o.name: o for o in info.options}
        for name, value in table.items():
            if name not in declared:
                raise ConfigError(f"unknown option 'rules.{key}.{name}' (options of {info.code}: {', '.join(declared) or 'none'})")
            expected = types.get(declared[name].type)
            if expected is not None and not isinstance(value, expected):
                raise ConfigError(f"'rules.{key}.{name}' must be {declared[name].type}, got {value!r}")
            options[info.code][name] = value
    return options


def run_rules(project: Project, *, rules: Sequence[Rule] = ALL_RULES, only: Collection[str] | None = None,
              calls_in: frozenset[str] | None = None, call_reads: Reads | None = None,
              tables: CallTables | None = None, rerun: Rerun | None = None,
              definers: Callable[[str], tuple[str, ...] | None] | None = None,
              async_change: AsyncChange | None = None) -> tuple[Finding, ...]:  # fmt: skip
    """Run the selected rules over a loaded project; findings sorted by file, line, column, code. ``only``: the codes
    to run of those (the configuration is still checked against all of ``rules``); ``calls_in``, ``call_reads``:
    see ``RuleContext``; ``tables``: what the call readers build from every module (``kept_scan.CallTables``), when the
    caller has it (its ``bound_names`` is filled); ``rerun``: after interface edits, the judgements to run again
    (each rule it names whole, or narrowed to its units: ``RuleContext.units``); ``definers``, ``async_change``: see
    ``RuleContext``."""
    config = project.config
    selection = build_selection(config.select, config.ignore, [r.info for r in rules])
    options = _rule_options(config, rules)
    findings: list[Finding] = []
    if project.resolver.trace is not None:
        project.resolver.trace.rules_begin()
    for rule in rules:
        if not selection.is_enabled(rule.info.code) or (only is not None and rule.info.code not in only):
            continue
        if rerun is not None and rule.info.code not in rerun.whole and not rerun.units.get(rule.info.code):
            continue  # no judgement of it to make (its setup alone would find nothing: ``RuleContext.units``)
        ctx = RuleContext(project.index, project.resolver, project.graph, project.sites, project.concepts,
                          project.failures, options[rule.info.code], calls_in, call_reads,
                          async_defs=tables.async_defs if tables else None,
                          factory_groups=tables.factory_groups if tables else None,
                          bound_names=tables.bound_names if tables else None, code=rule.info.code,
                          shared=tables.shared if tables else None,
                          units=rerun.units.get(rule.info.code) if rerun is not None else None,
                          definers=definers, async_change=async_change)  # fmt: skip
        with ctx.unit(None):  # what the rule reads outside its per-module (or per-key) judgements
            findings.extend(rule.check(ctx))
    project.resolver.forget_module_reads()  # only rules read them: not held past the rules (see there)
    if not config.include_tests:
        findings = [f for f in findings if not f.in_tests]
    return tuple(sorted(findings, key=lambda f: f.sort_key))


def enabled_codes(config: Config, rules: Sequence[Rule] = ALL_RULES) -> frozenset[str]:
    """Codes of the rules that ``config`` selects (``select``/``ignore``)."""
    selection = build_selection(config.select, config.ignore, [r.info for r in rules])
    return frozenset(r.info.code for r in rules if selection.is_enabled(r.info.code))


def _suppress(project: Project, rules: Sequence[Rule],
              findings: Sequence[Finding]) -> tuple[tuple[Finding, ...], tuple[SuppressedFinding, ...]]:  # fmt: skip
    """rules -> suppress: silence what comments name; add SSOT901 for comments that silence nothing."""
    enabled = enabled_codes(project.config, rules)
    outcome = apply_suppressions(findings, project.suppressions, rules=[r.info for r in rules],
                                 unused_rule=UNUSED_SUPPRESSION, enabled=enabled,
                                 require_reasons=project.config.require_reasons, is_test=project.paths)  # fmt: skip
    problems = [p for p in outcome.problems if p.code in enabled and (project.config.include_tests or not p.in_tests)]
    kept = sorted((*outcome.kept, *problems), key=lambda f: f.sort_key)
    suppressed = sorted((s for s in outcome.suppressed if s.finding.code in enabled), key=lambda s: s.finding.sort_key)
    return tuple(kept), tuple(suppressed)


def apply_baseline(result: AuditResult, project: Project | Scanned, entries: Sequence[BaselineEntry], *, label: str = "",
                   rules: Sequence[Rule] = ALL_RULES) -> AuditResult:  # fmt: skip
    """The result with only the findings the baseline does not absorb, and the comparison (fixed, stale)."""
    new, comparison = compare(result.findings, entries, scanned_paths=project.paths.keys(),
                              known_codes={r.info.code for r in ALL_RULES},
                              ran_codes=enabled_codes(project.config, rules), label=label)  # fmt: skip
    return replace(result, findings=new, baseline=comparison)


def audit(project: Project, *, rules: Sequence[Rule] = ALL_RULES, root_label: str | None = None) -> AuditResult:
    """Run the rules, apply suppression comments, and package everything a report needs."""
    with gc_paused():
        return _audit(project, rules=rules, root_label=root_label)


def _audit(project: Project, *, rules: Sequence[Rule], root_label: str | None, tree: TreeCache | None = None,
           reused: Reused | None = None, reads: Reads | None = None, tables: CallTables | None = None,
           async_change: AsyncChange | None = None) -> AuditResult:  # fmt: skip
    """``audit``; with ``tree``, the source lines of unchanged files are taken from the last scan of the tree.
    ``reused``: after calls-only edits, what holds of the last scan (``rerun``): only the rest is found. ``reads``:
    filled with the call readers' reads (``RuleContext.call_reads``) of the modules they judged; ``tables``: what
    they build from every module, when the caller has it (``kept_scan.CallTables``); ``async_change``: see
    ``RuleContext``."""
    if reused is None:
        raw = run_rules(project, rules=rules, call_reads=reads, tables=tables)
    elif reused.rerun is not None:  # after interface edits (``interface_scan``)
        definers = KeptDefiners(tree, reused, project.index) if tree is not None else None
        fresh = run_rules(project, rules=rules, call_reads=reads, tables=tables, rerun=reused.rerun, definers=definers,
                          async_change=async_change)  # fmt: skip
        held = reused.findings
        if async_change is not None and async_change.widened:  # modules SSOT402 judged again (``AsyncChange``)
            module_of = reused.kept.state.module_names
            held = tuple(f for f in held
                         if f.code != UNAWAITED_INFO.code or unit_of(f, module_of) not in async_change.widened)
        raw = tuple(sorted((*held, *fresh), key=lambda f: f.sort_key))
    else:
        found = (*reused.findings, *run_rules(project, rules=rules, only=RERUN - NARROWED),
                 *run_rules(project, rules=rules, only=NARROWED, calls_in=reused.judged, call_reads=reads,
                            tables=tables))  # fmt: skip
        raw = tuple(sorted(found, key=lambda f: f.sort_key))
    findings, suppressed = _suppress(project, rules, raw)
    per_file = build_per_file_ignores(project.config.per_file_ignores, [r.info for r in rules])
    findings = tuple(f for f in findings if not per_file.ignores(f.location.path, f.code))
    runtime_edges = tuple(sorted(project.graph.runtime_edges()))
    return AuditResult(
        tool_version=__version__,
        root=root_label if root_label is not None else project.root.resolve().name,  # `scan .` names the directory
        stats=ScanStats(project.files, project.lines, len(project.index.modules), len(project.failures)),
        findings=findings,
        concepts=_concept_table(project, reused),
        rules=tuple(r.info.code for r in rules),
        import_edges=runtime_edges,
        modules=capture.module_table(project.index),
        symbol_imports=capture.symbol_imports(project.index, project.sites, project.concepts),
        excerpts=excerpts_of(project.root, findings, tree),
        suppressed=suppressed,
        rule_info=tuple(r.info for r in rules if r.info.code in enabled_codes(project.config, rules)),
    )


def _concept_table(project: Project, reused: Reused | None) -> tuple[Concept, ...]:
    """The result's concept table: the last one after calls-only edits (it reads nothing they change) and after
    interface edits whose leaves do not reach it; else made (under its unit of the dependency record, ``trace``)."""
    if reused is not None and (reused.rerun is None or CONCEPT_TABLE not in reused.rerun.whole):
        return reused.concepts
    trace = project.resolver.trace
    with trace.unit((UNIT, CONCEPT_TABLE, None)) if trace is not None else nullcontext():
        return capture.concept_table(project.index, project.sites, project.concepts)


def scan(root: Path | str, *, config: Config | None = None, jobs: int | None = None,
         progress: Progress | None = None) -> AuditResult:  # fmt: skip
    """Scan ``root`` with its own configuration (nearest pyproject.toml) unless ``config`` is given."""
    root = Path(root)
    config = config if config is not None else load_config(root)
    return audit(load_project(root, config, jobs=jobs, progress=progress))


@dataclass(frozen=True, slots=True)
class Loaded:
    """What ``scan_tree``'s ``finish`` gets of the loaded project: where it is and its modules' facts. The resolver,
    concepts, import sites and graph are let go before it runs (the fixes are built at a scan's peak of memory)."""

    root: Path
    index: ProjectIndex
    # the files changed since the scan that left the finish's kept entries, when those are known to be exactly the
    # changed ones (a calls-only edit: ``analysis.edits``); None when unknown (see ``fixing.with_fixes``)
    changed: frozenset[str] | None = None
    imported: frozenset[str] = frozenset()  # of the ``from`` imports the changed files added or removed, the names


Finish = Callable[[Loaded, AuditResult, dict[str, object]], AuditResult]  # the dict: what it keeps between scans


def scanned_project(project: Project, result: AuditResult) -> Scanned:
    """A project audited without the cache (``scan --fix`` audits the fixed tree) as a ``Scanned``."""
    return Scanned(ResultSummary.of(result), project.config, project.paths, tuple(project.concepts.notes),
                   skipped=project.notes, loaded=result)  # fmt: skip


def scan_tree(root: Path, config: Config, *, jobs: int | None = None, progress: Progress | None = None,
              cache_dir: Path | None = None, rules: Sequence[Rule] = ALL_RULES, finish: Finish | None = None,
              finish_name: str = "") -> Scanned:  # fmt: skip
    """Audit ``root``; with ``cache_dir``, serve the previous result when no input changed (files by content,
    configuration, tool code), else reanalyse only the files whose content is new, and save the result.

    ``finish`` completes the result from the loaded project before it is saved (``with_fixes`` attaches the fixes
    the JSON and SARIF outputs carry); ``finish_name`` names it in the cache key, so a result saved without it is
    not served to a scan that asks for it. Its third argument is a dict it may fill with what the next scan of the
    tree can reuse (kept in the cache; ``with_fixes`` keeps the fixes of unchanged files).
    """
    args = (root, config, jobs, progress, cache_dir, rules, finish, finish_name)
    try:
        return _scan_tree(*args)
    except FactsUnavailable:  # a lazily read module's cache entry was damaged and its file changed since it was
        return _scan_tree(*args)  # hashed (``project.load_lazy``): scanned again, the file is hashed anew
    except (_GaveUp, KeptTablesStale):  # the calls-only scan's resolver gave up somewhere (its answer there may be the
        return _scan_tree(*args, whole=True)  # order's), or a kept table does not hold for the findings kept


class _GaveUp(Exception):
    """A calls-only scan's resolver met one of its limits (``fixpoint.CycleMemo.gave_up``)."""


def _scan_tree(root: Path, config: Config, jobs: int | None, progress: Progress | None, cache_dir: Path | None,
               rules: Sequence[Rule], finish: Finish | None, finish_name: str, whole: bool = False) -> Scanned:  # fmt: skip
    release_frozen()  # what an earlier scan of this process froze can be collected now
    with gc_paused():
        started = time.perf_counter()
        scope = scope_key(root, config, rules, finish_name if finish is not None else "")
        # the walk, excerpts and cycles do not depend on the finish: the hook's text scan after CI's JSON scans of
        # the tree reuses them (at 4M lines a first text scan walked, read excerpts and found cycles again: 1 s)
        found, tree = walk_tree(root, config, scope, cache_dir, scope_key(root, config, rules))
        saved = tree.saved_result() if tree is not None else None
        if tree is not None and saved is not None:
            try:
                summary, notes, paths, skipped_notes, pickled = pickle.loads(saved)
                if tree.rehashed:  # record the new stats (a moved checkout, touched files): next time, no hashing
                    tree.save(saved)
                return Scanned(replace(summary, root=root.resolve().name), config, paths, notes, reused=True,
                               tree=tree, skipped=skipped_notes, saved=pickled)  # fmt: skip
            except Exception:  # noqa: BLE001 - a saved result that does not load is recomputed
                pass
        saved = None
        last_result: tuple[str, AuditResult] | None = None
        reused: Reused | None = None  # after calls-only or interface edits: what holds of the last scan
        traces: Traces | None = None  # with it, the dependency record this scan adds its own to
        edits: Mapping[str, Moved] | None = None
        kept_hold = False  # the finish's kept entries were left by the scan of the result the edits are judged from
        if tree is not None:
            kept_hold = finish is not None and finish_kept_for(tree, finish_name) == tree.previous.result_key
            before = tree.saved_before_changes()
            edits = judged_edits(tree, root) if before is not None else None
            if before is not None and edits is not None:
                last = last_scan(before)
                if not any(m.calls_only for m in edits.values()) and not (tree.added or tree.removed):
                    # no file came or went: the modules, files and lines are the last scan's
                    moved = moved_scan(root, config, tree, finish_name if finish is not None else None, edits, last)
                    if moved is not None:
                        return moved
                if not whole:
                    reused, traces = reused_after(last.result, edits, tree, enabled_codes(config, rules),
                                                  config.concepts)  # fmt: skip
                if reused is not None:  # the calls-only path: its report is mostly the last one's (``render``)
                    last_result = (tree.previous.result_key, last.result)  # held on no other path: a whole scan's
                    # peak of memory is at stake (render reuse saves ~0.3 CPU-s of a scan 40 times longer)
                del last  # 12 MB at 4M lines: not held through the scan (but on this path, as ``last_result``)
            del before
            tree.forget_saved_result()
            tree.load_payloads()
        project: Project | None = None
        moves: Pending = {}  # the edits since the kept state was kept, this scan's included
        if tree is not None and reused is not None and edits is not None:
            moves = with_moves(reused.kept.pending, {p: m.new_line for p, m in edits.items()})
            project, reused = restored_project(root, config, found, tree, reused, edits, composed(moves), started,
                                               traces=traces, last=last_result[1] if last_result else None,
                                               codes=enabled_codes(config, rules))  # fmt: skip
            traces = traces.without_records() if traces is not None and reused is not None else None
            if project is None:  # the whole scan: nothing of the last one is held through it, nor the lazy
                last_result = None  # project and the state restored into it, which are cycles: the collector is
                gc.collect()  # paused through a scan (200 MB at 4M lines, on top of the whole scan's peak)
        if project is None:  # a full scan: with a cache, it records what its answers read for the interface path
            project = load_walked(root, config, found, jobs=jobs, progress=progress, tree=tree, started=started,
                                  trace=Trace() if tree is not None else None)  # fmt: skip
        reads: Reads = {}
        tables = tables_after(reused.kept.tables, edits or {}, reused.shared) if reused is not None \
            else CallTables.of(project)  # fmt: skip
        if reused is not None and reused.rerun is not None and reused.rerun.bound:  # the kept ones read what changed
            tables = replace(tables, bound_names={})
        async_change = None  # after edits that changed the async defs: what SSOT402 checks (``kept_calls``)
        if reused is not None and reused.rerun is not None and tree is not None:
            tables, async_change = async_after(tree, reused, project.index, tables)
        # a full scan keeps its state before the rules (``keep_snapshot``): what is built then is not on top of theirs
        token = keep_snapshot(project, tree) if tree is not None and reused is None and not project.resolver.gave_up \
            else None
        if token is not None:  # its pickled copy left C-heap pages the rules' small objects never reuse: 20 MB at 4M
            trim_heap()
        shared = dict(tables.shared)  # what a rule of this scan builds again (it ran whole) is kept anew below
        result = _audit(project, rules=rules, root_label=None, tree=tree, reused=reused, reads=reads, tables=tables,
                        async_change=async_change)  # fmt: skip
        if reused is not None and project.resolver.gave_up:
            raise _GaveUp  # judged in another order than a cold scan's (which a whole scan shares)
        if tree is not None:  # before anything is saved: the key it is saved under holds those answers
            tree.note_asked(project.index.asked)
        project.resolver.forget_answers()  # asked nothing more: what is kept next is not on top of them
        if tree is not None:
            keep_cycles(project, tree)
            if reused is not None:
                state_still_holds(tree, Inputs(reused.kept.token, merged_reads(reused, reads), moves, reused.patched,
                                               reused.kept.added, reused.kept.removed))  # fmt: skip
                if any(shared.get(name) is not table for name, table in tables.shared.items()) \
                        or tables is not reused.kept.tables:  # fmt: skip
                    keep_tables(tree, reused.kept.token, tables, reused.kept.aliases)
                if traces is not None and project.resolver.trace is not None:
                    keep_delta(tree, traces, project.resolver.trace)
            elif token is not None and not project.resolver.gave_up:  # else no calls-only scan follows: what the
                keep_state(project, tree, token, reads, tables)  # state holds, what is judged again may rest on the
                # order of queries (with no entry naming its token, the state kept before the rules is never found)
        scanned = replace(scanned_project(project, result), tree=tree, last=last_result)
        loaded = Loaded(project.root, project.index, reused.edited if reused and kept_hold else None,
                        import_names(edits) if reused else frozenset())  # fmt: skip
        del project  # the whole-program answers: freed before the fixes are built (they read only the facts)
        if finish is not None:
            kept = tree.load_kept(finish_name) if tree is not None else {}
            result = finish(loaded, result, kept)
            if tree is not None:
                tree.save_kept(finish_name, kept)
                finish_still_holds(tree, finish_name)
            scanned = replace(scanned, summary=ResultSummary.of(result), loaded=result)
        held = reused.kept.token if reused is not None else token  # the kept state this scan's answers are of
        if tree is not None and held is not None:  # the names they missed, the finish's too (``kept_added``)
            keep_missed(tree, held, loaded.index.missed, full=reused is None)
        del loaded, result  # the facts: freed before the result is saved
        trim_heap()
        if tree is not None:
            save_scanned(tree, scanned)
        return scanned


def tree_stamps(root: Path, config: Config) -> dict[str, tuple[int, int, int] | None]:
    """Every scanned file's size, mtime and inode (what ``scan --watch`` polls: a change of any is a change)."""
    files = discover_files(root, config, [])
    return {f.relpath: stamp_of(f.path) for f in files}


Incremental = Callable[[AuditResult, "AuditResult | None", "bytes | None", "str | None"], tuple["str | bytes", str]]


def render(scanned: Scanned, name: str, reporter: Callable[[AuditResult], str], result: AuditResult | None = None,
           *, incremental: Incremental | None = None, last: tuple[str, AuditResult] | None = None) -> str | bytes:  # fmt: skip
    """``reporter(result)`` (default: ``scanned.result``), kept in the cache next to the scanned result: a scan that
    changed nothing writes its report without rendering it again (a JSON report of 4 million lines takes seconds
    to encode). ``name`` names the reporter and whatever turned ``scanned.result`` into ``result`` (a baseline's
    digest); a reporter is a pure function of the result, so the saved text is what it would return. The text is
    made inert (``model.escape.inert_output``) before it is kept: a saved report is written without that pass over
    it again (0.24 s for the 22 MB JSON report of 4 million lines), and as the UTF-8 bytes it is written as.

    ``incremental``: the same reporter, inert, able to reuse the report of the last result (``reporters.json_splice``,
    ``reporters.text_view``): given the result, ``last``'s result, its saved report and what it kept, it returns
    the report and what to keep with it. ``last``: the key the last result was saved under, and that result."""
    tree = scanned.tree
    key = "" if tree is None else tree.key if scanned.reused else tree.result_key()  # the key hashes every path
    if tree is None or not key:
        return inert_output(reporter(scanned.result if result is None else result))
    label = f"{name}|{scanned.summary.root if result is None else result.root}"
    saved = tree.store.load_output(key, label) if scanned.reused else None
    if saved is not None:
        return saved
    if incremental is None or result is not None:
        text: str | bytes = inert_output(reporter(scanned.result if result is None else result))
    else:  # what the last report kept is read before this one's save deletes it
        old_key, old_result = last if last is not None else ("", None)
        old = tree.store.load_output(old_key, label) if old_key else None
        kept = tree.store.load_output(old_key, f"{label}|kept") if old_key else None
        text, keep = incremental(scanned.result, old_result, old, kept.decode("utf-8") if kept is not None else None)
    tree.store.save_output(key, label, text.decode("utf-8") if isinstance(text, bytes) else text)
    if incremental is not None and result is None:
        tree.store.save_output(key, f"{label}|kept", keep)
    return text


def plan(result: AuditResult) -> ConsolidationPlan:
    """The consolidation plan of a result: a pure function of it (a saved findings file gives the same plan)."""
    return build_plan(result)
