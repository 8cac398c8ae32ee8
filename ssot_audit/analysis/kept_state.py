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
``Roles._walk_public`` does). Of the result's tables, ``capture.module_table`` reads no facts, ``symbol_imports``
reads only the restored sites and model, ``import_edges`` is the restored graph's; ``concept_table`` reads the
member classes' facts (line, column, async methods), none of which a calls-only edit changes: the last result's
concepts with positions moved (``model.moved.moved_result``) are equal to it (``tests/analysis/test_kept_state.py``).
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Mapping
from dataclasses import dataclass

from ssot_audit.analysis.concept_snapshot import ConceptSnapshot, restored
from ssot_audit.analysis.concepts import ConceptModel
from ssot_audit.analysis.graph import Cycle, CyclesKey, ImportEdge, ImportGraph
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.names import ALIAS, Name, Names
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.usage import ImportSite, ImportSites
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.model.moved import NewLine  # old line -> new line, None when that line changed

Target = ClassValue | FunctionValue
_SITE_TEXT = 5  # importer, source, name, bound, scope
_SITE_INTS = 3  # line, col, target number


@dataclass(frozen=True, slots=True)
class KeptState:
    """What ``snapshot_state`` keeps: strings, tuples of them and arrays of ints (a site, an edge, an alias is a
    run of entries in flat columns, not an object: unpickling an object per site cost more than building them)."""

    module_names: dict[str, str]  # every file's repo-relative path -> module name (``assign_module_names``)
    targets: tuple[tuple[bool, str, str], ...]  # (is a class, module, qualname) of what sites and aliases reach
    site_text: tuple[str, ...]  # ``_SITE_TEXT`` strings a site, in ``ImportSites.sites``' order
    site_ints: array[int]  # ``_SITE_INTS`` ints a site
    site_flags: bytes  # a site's ``type_checking`` (1) and ``runtime`` (2)
    edge_ends: tuple[str, ...]  # importer and imported of each edge, in the graph's order
    edge_counts: array[int]  # how many lines, runtime lines and function-local lines each edge has
    edge_lines: array[int]  # those lines, edge after edge
    edge_flags: bytes  # an edge's ``runtime`` (1), ``type_checking`` (2), ``function_local`` (4)
    aliases: tuple[tuple[int, tuple[tuple[str, str, int], ...]], ...]  # ``Names.alias_names``: target, (module, name, line)
    concepts: ConceptSnapshot


@dataclass(frozen=True, slots=True)
class Restored:
    """The last scan's whole-program state, moved to the new project."""

    sites: ImportSites
    graph: ImportGraph
    concepts: ConceptModel


def snapshot_state(index: ProjectIndex, sites: ImportSites, graph: ImportGraph, concepts: ConceptModel,
                   module_names: Mapping[str, str]) -> bytes:  # fmt: skip
    """The state of a full scan's project (its index, import sites, graph and concept model; ``module_names``:
    what ``assign_module_names`` gave, failed files included), pickled."""
    strings: dict[str, str] = {}
    kept = strings.setdefault  # equal strings one object: pickle writes each once
    numbers: dict[Target, int] = {}

    def number(target: Target) -> int:
        return numbers.setdefault(target, len(numbers))

    site_text: list[str] = []
    site_ints, site_flags = array("I"), bytearray()
    for s in sites.sites:
        site_text += (s.importer, kept(s.source, s.source), kept(s.name, s.name), kept(s.bound, s.bound), s.scope)
        site_ints.extend((s.line, s.col, number(s.target)))
        site_flags.append(bool(s.type_checking) | s.runtime << 1)
    edge_ends: list[str] = []
    edge_counts, edge_lines, edge_flags = array("I"), array("I"), bytearray()
    for importer, targets in graph.edge_records().items():
        for imported, e in targets.items():
            edge_ends += (importer, imported)
            edge_counts.extend((len(e.lines), len(e.runtime_lines), len(e.function_local_lines)))
            edge_lines.extend((*e.lines, *e.runtime_lines, *e.function_local_lines))
            edge_flags.append(e.runtime | e.type_checking << 1 | e.function_local << 2)
    aliases = tuple((number(t), tuple((n.module, kept(n.name, n.name), n.line) for n in names))
                    for t, names in concepts.names.alias_names().items())  # fmt: skip
    targets = tuple((isinstance(t, ClassValue), t.module, kept(t.qualname, t.qualname)) for t in numbers)
    state = KeptState(dict(module_names), targets, tuple(site_text), site_ints, bytes(site_flags), tuple(edge_ends),
                      edge_counts, edge_lines, bytes(edge_flags), aliases, concepts.snapshot())  # fmt: skip
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
                  kept_cycles: Mapping[CyclesKey, tuple[Cycle, ...]] | None = None) -> Restored | None:  # fmt: skip
    """The import sites, graph and concept model of ``index`` (a project whose facts differ from the kept state's
    only by calls-only edits), reading no module's facts. ``moves``: per edited file (repo-relative path), old
    line -> new line (as ``rerun`` gives ``moved_result``). ``unparsed``: as given to ``ConceptModel``;
    ``kept_cycles``: as given to ``ImportGraph``. None when a kept line is one the map drops."""
    own = {name: name for name in index.modules}  # the index's strings, not a second copy of each
    moving = {own.get(m, m): moves[path] for path, m in state.module_names.items() if path in moves}
    targets = [(ClassValue if is_class else FunctionValue)(own.get(m, m), q) for is_class, m, q in state.targets]
    try:
        sites = ImportSites.of_sites(_sites(state, targets, own, moving))
        graph = ImportGraph.of_edges(index, _edges(state, own, moving), kept_cycles=kept_cycles)
        aliases = {targets[t]: tuple(Name(own.get(m, m), n, ALIAS, _moved(moving.get(m), line)) for m, n, line in names)
                   for t, names in state.aliases}  # fmt: skip
    except _Unmovable:
        return None
    names = Names.of_aliases(index, resolver, sites, aliases)
    concepts = restored(state.concepts, index, resolver, sites, unparsed, names=names)
    return Restored(sites, graph, concepts)


def _moved(move: NewLine | None, line: int) -> int:
    """``line`` moved by ``move`` (None: its file was not edited)."""
    if move is None:
        return line
    new = move(line)
    if new is None:
        raise _Unmovable(line)
    return new


def _sites(state: KeptState, targets: list[Target], own: dict[str, str],
           moving: Mapping[str, NewLine]) -> tuple[ImportSite, ...]:  # fmt: skip
    text, ints, flags = state.site_text, state.site_ints, state.site_flags
    sites = []
    for i, flag in enumerate(flags):
        importer, source, name, bound, scope = text[i * _SITE_TEXT:(i + 1) * _SITE_TEXT]
        importer = own.get(importer, importer)
        line, col, target = ints[i * _SITE_INTS:(i + 1) * _SITE_INTS]
        move = moving.get(importer)
        sites.append(ImportSite(importer, line if move is None else _moved(move, line), col, source, name, bound,
                                targets[target], scope, bool(flag & 1), bool(flag & 2)))  # fmt: skip
    return tuple(sites)


def _edges(state: KeptState, own: dict[str, str], moving: Mapping[str, NewLine]) -> dict[str, dict[str, ImportEdge]]:
    ends, counts, lines = state.edge_ends, state.edge_counts, state.edge_lines
    edges: dict[str, dict[str, ImportEdge]] = {}
    at = 0
    for i, flag in enumerate(state.edge_flags):
        importer, imported = own.get(ends[2 * i], ends[2 * i]), own.get(ends[2 * i + 1], ends[2 * i + 1])
        move = moving.get(importer)
        runs = []
        for count in counts[3 * i:3 * i + 3]:
            run = tuple(lines[at:at + count])
            runs.append(run if move is None else tuple(_moved(move, n) for n in run))
            at += count
        edge = ImportEdge(runs[0], runs[1], runs[2], bool(flag & 1), bool(flag & 2), bool(flag & 4))
        found = edges.get(importer)
        if found is None:
            found = edges[importer] = {}
        found[imported] = edge
    return edges
