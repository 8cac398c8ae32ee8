"""The whole-program state a calls-only edit cannot change: kept by a full scan, restored without reading facts.

A *calls-only* edit (``analysis.unseen.calls_only_change``) changes, in the edited files, only calls inside function
bodies and the names functions read, and moves positions there by a monotone line map. What a scan builds by
reading every module's facts and never reads those is then the last scan's, with lines in the edited files moved:

- the module name of every file (``discovery.assign_module_names`` reads every file's imports: they are the same);
- the import sites (``usage.ImportSites``: imports and what they resolve to; each site's line moves);
- the import graph's edges (``graph.ImportGraph``: imports again; each edge's lines move);
- the concept model (``concept_snapshot``: position-free, and its ``Names``, whose alias lines move).

``snapshot_state`` keeps them as plain columns after a full scan; ``read_state`` gives the module names (needed
before the index exists), and ``restore_state`` rebuilds the rest against the new index and resolver, reading no
``ModuleInfo.facts`` (``concept_snapshot._restored_roles`` reads a class's facts only for an inheritance cycle, as
``Roles._walk_public`` does), but those of the modules whose imports an interface edit changed (``patched``): their
import sites and edges are made again from their facts (``usage.module_sites``, ``graph.module_edges``) in their
place, and ``Restored`` says what the old and the new ones name (the leaves the change fires, ``Imports``). Of the result's tables, ``capture.module_table`` reads no facts, ``symbol_imports``
reads only the restored sites and model, ``import_edges`` is the restored graph's; ``concept_table`` reads the
member classes' facts (line, column, async methods), none of which a calls-only edit changes: the last result's
concepts with positions moved (``model.moved.moved_result``) are equal to it (``tests/analysis/test_kept_state.py``).
"""

from __future__ import annotations

import pickle
from array import array
from collections import Counter
from bisect import bisect_left
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from ssot_audit.analysis.concept_snapshot import ConceptSnapshot, restored, take_snapshot
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.graph import Cycle, CyclesKey, ImportEdge, ImportGraph, Importers, module_edges
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.names import ALIAS, Name, Names
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.usage import ImportSite, ImportSites, Reached, module_sites
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.model.moved import NewLine  # old line -> new line, None when that line changed

Target = ClassValue | FunctionValue


@dataclass(frozen=True, slots=True)
class KeptState:
    """What ``snapshot_state`` keeps: strings, tuples of them and arrays of ints (a site, an edge, an alias is a
    run of entries in flat columns, not an object: unpickling an object per site cost more than building them)."""

    module_names: dict[str, str]  # every file's repo-relative path -> module name (``assign_module_names``)
    targets: tuple[tuple[bool, str, str], ...]  # (is a class, module, qualname) of what sites and aliases reach
    modules: tuple[str, ...]  # the modules sites and edges name, by number
    site_text: tuple[str, ...]  # name, bound, scope of each site, in ``ImportSites.sites``' order
    site_ints: array[int]  # importer, source (module numbers), line, column, target number of each site
    site_flags: bytes  # a site's ``type_checking`` (1) and ``runtime`` (2)
    edge_ends: array[int]  # importer and imported (module numbers) of each edge, in the graph's order
    edge_lines: tuple[tuple[int, ...], ...]  # each edge's lines, runtime lines and function-local lines (equal
    # tuples one object: most edges are one line, and pickle writes ``(12,)`` once for every edge that has it)
    edge_flags: bytes  # an edge's ``runtime`` (1), ``type_checking`` (2), ``function_local`` (4)
    aliases: tuple[tuple[int, tuple[tuple[str, str, int], ...]], ...]  # ``Names.alias_names``: target, (module, name, line)
    concepts: ConceptSnapshot


@dataclass(frozen=True, slots=True)
class Imports:
    """One module's import rows as an edit of them is judged: its sites but their lines (with how many times each
    is there), and the modules its edges reach."""

    sites: frozenset[tuple[tuple[object, ...], int]]
    imported: frozenset[str]

    @classmethod
    def of(cls, sites: Collection[ImportSite], edges: Collection[str]) -> Imports:
        counts = Counter(site[2:] for site in sites)  # all but importer and line: ``ImportSite``'s fields in order
        return cls(frozenset(counts.items()), frozenset(edges))

    def changed(self, other: Imports) -> tuple[frozenset[str], frozenset[tuple[object, ...]]]:
        """What differs from ``other``: the modules one of them imports and the other does not, and the sites one
        has and the other has not (or not as many times)."""
        return self.imported ^ other.imported, frozenset(row for row, _ in self.sites ^ other.sites)


@dataclass(frozen=True, slots=True)
class Restored:
    """The last scan's whole-program state, moved to the new project; of each ``patched`` module, what its kept rows
    named (``kept``) and what the rows made again name (``made``)."""

    sites: ImportSites
    graph: ImportGraph
    concepts: ConceptModel
    kept: dict[str, Imports] = field(default_factory=dict)
    made: dict[str, Imports] = field(default_factory=dict)


def snapshot_state(index: ProjectIndex, sites: ImportSites, graph: ImportGraph, concepts: ConceptModel,
                   module_names: Mapping[str, str]) -> bytes:  # fmt: skip
    """The state of a full scan's project (its index, import sites, graph and concept model; ``module_names``:
    what ``assign_module_names`` gave, failed files included), pickled."""
    strings: dict[str, str] = {}
    kept = strings.setdefault  # equal strings one object: pickle writes each once
    numbers: dict[Target, int] = {}
    modules: dict[str, int] = {name: i for i, name in enumerate(index.modules)}

    def number(target: Target) -> int:
        return numbers.setdefault(target, len(numbers))

    def module(name: str) -> int:
        return modules.setdefault(name, len(modules))

    site_text: list[str] = []
    site_ints, site_flags = array("I"), bytearray()
    for s in sites.unrecorded():  # not a read of the model: a scan after an import edit makes its module's again
        site_text += (kept(s.name, s.name), kept(s.bound, s.bound), s.scope)
        site_ints.extend((module(s.importer), module(s.source), s.line, s.col, number(s.target)))
        site_flags.append(bool(s.type_checking) | s.runtime << 1)
    edge_ends = array("I")
    edge_lines: list[tuple[int, ...]] = []
    edge_flags = bytearray()
    runs: dict[tuple[int, ...], tuple[int, ...]] = {}
    for importer, edges in graph.edge_records().items():
        for imported, e in edges.items():
            edge_ends.extend((module(importer), module(imported)))
            edge_lines += (runs.setdefault(e.lines, e.lines), runs.setdefault(e.runtime_lines, e.runtime_lines),
                           runs.setdefault(e.function_local_lines, e.function_local_lines))  # fmt: skip
            edge_flags.append(e.runtime | e.type_checking << 1 | e.function_local << 2)
    aliases = tuple((number(t), tuple((n.module, kept(n.name, n.name), n.line) for n in names))
                    for t, names in concepts.names.alias_names().items())  # fmt: skip
    targets = tuple((isinstance(t, ClassValue), t.module, kept(t.qualname, t.qualname)) for t in numbers)
    state = KeptState(dict(module_names), targets, tuple(modules), tuple(site_text), site_ints, bytes(site_flags), edge_ends,
                      tuple(edge_lines), bytes(edge_flags), aliases, take_snapshot(concepts))  # fmt: skip
    return pickle.dumps(state, protocol=5)


def read_state(blob: bytes) -> KeptState:
    """The kept state (its ``module_names`` are what the scan names its modules by before it has an index)."""
    state = pickle.loads(blob)
    if not isinstance(state, KeptState):
        raise ValueError("not a kept state")
    return state


class _Unmovable(Exception):
    """A kept line the edit's map drops: that state is not the new project's."""


def restore_state(state: KeptState, index: ProjectIndex, resolver: Resolver, moves: Mapping[str, NewLine], *,
                  unparsed: Mapping[str, str] | None = None,
                  kept_cycles: Mapping[CyclesKey, tuple[Cycle, ...]] | None = None,
                  kept_importers: Callable[[], Importers] | None = None,
                  patched: Collection[str] = (), gone: Collection[str] = ()) -> Restored | None:  # fmt: skip
    """The import sites, graph and concept model of ``index`` (a project whose facts differ from the kept state's
    only by calls-only edits, and by the imports of the modules ``patched``), reading no module's facts but the
    patched ones'. ``moves``: per edited file (repo-relative path), old line -> new line (as ``rerun`` gives
    ``moved_result``). ``unparsed``: as given to ``ConceptModel``; ``kept_cycles``, ``kept_importers``: as given to
    ``ImportGraph``; ``gone``: the modules of files removed since (``kept_removed``: their rows are taken out as
    ``patched`` ones', their classes by the caller).
    None when a kept line is one the map drops."""
    own = {name: name for name in index.modules}  # the index's strings, not a second copy of each
    moving = {own.get(m, m): moves[path] for path, m in state.module_names.items() if path in moves}
    targets = [(ClassValue if is_class else FunctionValue)(own.get(m, m), q) for is_class, m, q in state.targets]
    numbered = [own.get(m, m) for m in state.modules]
    skipped = frozenset(patched)
    try:
        kept_sites = _sites(state, targets, numbered, moving, skipped)
        kept_edges = _edges(state, numbered, moving, skipped)
        aliases = {targets[t]: tuple(Name(own.get(m, m), n, ALIAS, _moved(moving.get(m), line)) for m, n, line in names)
                   for t, names in state.aliases}  # fmt: skip
    except _Unmovable:
        return None
    kept: dict[str, Imports] = {}
    made: dict[str, Imports] = {}
    if skipped:
        kept_sites, kept_edges, kept, made = _patched(index, resolver, kept_sites, kept_edges, skipped)
    sites = ImportSites.of_sites(tuple(kept_sites), trace=resolver.trace)
    graph = ImportGraph.of_edges(index, kept_edges, kept_cycles=kept_cycles, kept_importers=kept_importers)
    names = Names.of_aliases(index, resolver, sites, aliases)
    concepts = restored(state.concepts, index, resolver, sites, unparsed, names=names, gone=gone)
    return Restored(sites, graph, concepts, kept, made)


def _patched(index: ProjectIndex, resolver: Resolver, sites: list[ImportSite], edges: dict[str, dict[str, ImportEdge]],
             patched: frozenset[str]) -> tuple[list[ImportSite], dict[str, dict[str, ImportEdge]],
                                               dict[str, Imports], dict[str, Imports]]:  # fmt: skip
    """The kept ``sites`` and ``edges`` (the patched modules' rows still in them) with the rows of each ``patched``
    module made again from its facts, in its place (the order ``ImportSites`` and ``ImportGraph`` build them in: by
    module; none of a module no longer in the project); and what its kept rows and its new rows name. One pass over
    the kept rows, whatever the number of patched modules (an edit of a function many modules import makes all their
    rows again)."""
    order = {name: i for i, name in enumerate(index.modules)}
    gone = frozenset(m for m in patched if m not in order)  # a file removed (``kept_removed``): no rows now
    kept_rows: dict[str, list[ImportSite]] = {m: [] for m in patched}
    others: list[ImportSite] = []
    for site in sites:
        rows = kept_rows.get(site.importer)
        (others if rows is None else rows).append(site)
    kept = {m: Imports.of(kept_rows[m], edges.get(m, {})) for m in patched}
    items = [(m, e) for m, e in edges.items() if m not in patched]
    reached: Reached = {}
    made = {m: Imports.of((), ()) for m in gone}
    merged_sites: list[ImportSite] = []
    merged_items: list[tuple[str, dict[str, ImportEdge]]] = []
    done_sites = done_items = 0
    for module in sorted(patched - gone, key=order.__getitem__):
        rows, its_edges = module_sites(index, resolver, module, reached), module_edges(index, module)
        made[module] = Imports.of(rows, its_edges)
        at = order[module]
        cut = bisect_left(others, at, lo=done_sites, key=lambda s: order[s.importer])
        merged_sites += others[done_sites:cut]
        merged_sites += rows
        done_sites = cut
        cut = bisect_left(items, at, lo=done_items, key=lambda item: order[item[0]])
        merged_items += items[done_items:cut]
        if its_edges:
            merged_items.append((module, its_edges))
        done_items = cut
    merged_sites += others[done_sites:]
    merged_items += items[done_items:]
    return merged_sites, dict(merged_items), kept, made


def _moved(move: NewLine | None, line: int) -> int:
    """``line`` moved by ``move`` (None: its file was not edited)."""
    if move is None:
        return line
    new = move(line)
    if new is None:
        raise _Unmovable(line)
    return new


def _moved_run(move: NewLine, lines: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_moved(move, n) for n in lines)


_FLAGS = tuple((bool(i & 1), bool(i & 2), bool(i & 4)) for i in range(8))  # a flags byte as booleans


def _sites(state: KeptState, targets: list[Target], modules: list[str], moving: Mapping[str, NewLine],
           patched: frozenset[str]) -> list[ImportSite]:  # fmt: skip
    """The kept sites, lines in edited modules moved (not those of the ``patched`` modules, whose lines the edits may
    drop: they are made again). The columns are read in runs by ``zip`` over one iterator (in C), and each record
    made by ``tuple.__new__`` (a named tuple's own ``__new__`` is a Python call)."""
    text, ints, make = iter(state.site_text), iter(state.site_ints), tuple.__new__
    sites = []
    for (name, bound, scope), (importer_number, source, line, col, target), flag in zip(
            zip(text, text, text), zip(ints, ints, ints, ints, ints), state.site_flags):  # fmt: skip
        importer = modules[importer_number]
        if moving and importer in moving and importer not in patched:
            line = _moved(moving[importer], line)
        sites.append(make(ImportSite, (importer, line, col, modules[source], name, bound, targets[target], scope,
                                       *_FLAGS[flag][:2])))  # fmt: skip
    return sites


def _edges(state: KeptState, modules: list[str], moving: Mapping[str, NewLine],
           patched: frozenset[str]) -> dict[str, dict[str, ImportEdge]]:  # fmt: skip
    """The kept edges, lines in edited importers moved (read as ``_sites`` reads the sites; the ``patched``
    modules' not moved)."""
    ends, runs, make = iter(state.edge_ends), iter(state.edge_lines), tuple.__new__
    edges: dict[str, dict[str, ImportEdge]] = {}
    last = -1
    found: dict[str, ImportEdge] = {}
    move: NewLine | None = None
    for (importer, imported), lines, flag in zip(zip(ends, ends), zip(runs, runs, runs), state.edge_flags):
        if importer != last:  # an importer's edges are one after the other
            last, name = importer, modules[importer]
            found = edges[name] = {}
            move = moving.get(name) if moving and name not in patched else None
        if move is not None:
            lines = (_moved_run(move, lines[0]), _moved_run(move, lines[1]), _moved_run(move, lines[2]))
        found[modules[imported]] = make(ImportEdge, lines + _FLAGS[flag])
    return edges
