"""The module import graph: the only module that imports networkx.

Nodes are project modules; an edge ``a -> b`` means module ``a`` imports module ``b``. Edge attributes:
``lines`` (sorted import lines), ``runtime`` (some import is executed at import time: module level and not under
``TYPE_CHECKING``), ``type_checking`` and ``function_local`` (every import is only that), and the lines of the
runtime and of the function-local imports (an edge can mix kinds: one ``TYPE_CHECKING`` import and one inside a
function is neither "only type checking" nor "only function-local", yet runs when the function does). Imports under
``if __name__ == "__main__":`` run only when the file is a script: they are edges, never runtime ones.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple


class _OnFirstUse:
    """networkx, imported when first used: a scan that reuses its cached result never builds a graph, and
    importing networkx is a third of such a scan's start-up."""

    _module: ModuleType | None = None

    def __getattr__(self, name: str) -> Any:
        if _OnFirstUse._module is None:
            import networkx

            _OnFirstUse._module = networkx
        return getattr(_OnFirstUse._module, name)


if TYPE_CHECKING:
    import networkx as nx
else:
    nx = _OnFirstUse()


from ssot_audit.analysis.facts import ImportFact
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.trace import IMPORTERS, MODULE, Trace
from ssot_audit.model.digraph import greedy_order, is_acyclic, strongly_connected

_EXACT_BREAK_LIMIT = 14  # edges in a cycle up to which the smallest break set is searched exhaustively


@dataclass(frozen=True, slots=True)
class Cycle:
    """A strongly connected component and the edges proposed to break it."""

    modules: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    break_edges: tuple[tuple[str, str], ...]
    minimal: bool  # True when break_edges is a proven smallest set


CyclesKey = tuple[bool, str]  # find_cycles' include_function_local, and the digest of the edges it reads
Importers = dict[bool, tuple[str, dict[str, bytes]]]  # per include_function_local: the digest of the edges
# ``find_cycles`` read, and each importer's share of it (a digest of its runtime targets); see ``find_cycles``


class ImportEdge(NamedTuple):
    """What the imports of one module from another are: their lines, sorted (see the module's docstring)."""

    lines: tuple[int, ...]
    runtime_lines: tuple[int, ...]
    function_local_lines: tuple[int, ...]
    runtime: bool
    type_checking: bool
    function_local: bool


class ImportGraph:
    """Who imports whom, built once per scan from the index.

    Kept as plain dicts of ``ImportEdge`` records, importer -> imported -> edge: a networkx graph held a 6-key dict
    and three lists per edge and three dicts per module, 64 MB at 4 million lines (and a scan's peak holds it).
    ``graph`` builds the networkx graph (the exports' and tests' view) when asked."""

    def __init__(self, index: ProjectIndex, *, kept_cycles: Mapping[CyclesKey, tuple[Cycle, ...]] | None = None,
                 kept_importers: Callable[[], Importers] | None = None) -> None:  # fmt: skip
        """``kept_cycles``: the last scan's ``find_cycles`` answers by ``CyclesKey``, served when the runtime edges
        they were computed from are the same (``cycles_asked`` holds this scan's); ``kept_importers``: what reads
        the importers' digests of those answers (``importers_asked``), asked only when the edges differ."""
        self._nodes = {info.name: (info.relpath, info.is_test) for info in index.iter_modules()}
        self._succ: dict[str, dict[str, ImportEdge]] = {}
        self._pred: dict[str, list[str]] | None = None  # made on first use (``find_importers``)
        self._kept_cycles, self._kept_importers = kept_cycles, kept_importers
        self.cycles_asked: dict[CyclesKey, tuple[Cycle, ...]] = {}
        self.importers_asked: Importers = {}
        self.importers_new = False  # some answer was not served by its key: ``importers_asked`` is worth keeping
        # The edges are every module's imports, read here while the model is built (``trace.MODEL``); a query made
        # for a rule records which modules' imports its answer depends on (``trace.IMPORTERS``).
        self._trace: Trace | None = index.trace
        for info in index.iter_modules():
            edges = module_edges(index, info.name)
            if edges:
                self._succ[info.name] = edges

    @classmethod
    def of_edges(cls, index: ProjectIndex, edges: dict[str, dict[str, ImportEdge]], *,
                 kept_cycles: Mapping[CyclesKey, tuple[Cycle, ...]] | None = None,
                 kept_importers: Callable[[], Importers] | None = None) -> ImportGraph:  # fmt: skip
        """The graph of ``index``'s modules with ``edges`` (importer -> imported -> edge, in ``__init__``'s order),
        reading no module's facts: the last scan's edges, their lines moved (``analysis.kept_state``)."""
        made = cls.__new__(cls)
        made._nodes = {info.name: (info.relpath, info.is_test) for info in index.iter_modules()}
        made._succ, made._pred, made._kept_cycles, made.cycles_asked = edges, None, kept_cycles, {}
        made._kept_importers, made.importers_asked, made.importers_new = kept_importers, {}, False
        made._trace = index.trace
        return made

    @property
    def graph(self) -> nx.DiGraph:
        """The graph as networkx's (a new one each time): node attributes ``path`` and ``test``, edge attributes
        those of ``ImportEdge`` with the lines as lists."""
        graph = nx.DiGraph()
        for name, (path, test) in self._nodes.items():
            graph.add_node(name, path=path, test=test)
        for importer, targets in self._succ.items():
            for target, e in targets.items():
                graph.add_edge(importer, target, lines=list(e.lines), runtime=e.runtime,
                               runtime_lines=list(e.runtime_lines), function_local_lines=list(e.function_local_lines),
                               type_checking=e.type_checking, function_local=e.function_local)  # fmt: skip
        return graph

    def imported_targets(self) -> Iterator[str]:
        """Every module some other module imports, once per importer (the roles' ``with_parents`` reads them)."""
        return itertools.chain.from_iterable(self._succ.values())

    def edge_records(self) -> Mapping[str, Mapping[str, ImportEdge]]:
        """Importer -> imported -> edge, in the order the graph was built (what ``of_edges`` takes back)."""
        return self._succ

    # -- queries ------------------------------------------------------------------------------------------------
    def find_importers(self, module: str) -> tuple[str, ...]:
        """Modules that import ``module`` (any kind of import), sorted."""
        if self._trace is not None:
            self._trace.read((IMPORTERS, module))
        if self._pred is None:
            self._pred = {}
            for importer, targets in self._succ.items():
                for target in targets:
                    self._pred.setdefault(target, []).append(importer)
        return tuple(sorted(self._pred.get(module, ())))

    def find_dependencies(self, module: str) -> tuple[str, ...]:
        """Modules ``module`` imports, sorted."""
        if self._trace is not None:  # its own imports: any interface edit of it fires the module's leaf
            self._trace.read((MODULE, module))
        return tuple(sorted(self._succ.get(module, ())))

    def runtime_edges(self) -> list[tuple[str, str]]:
        """(importer, imported) of every edge executed at import time."""
        return [(u, v) for u, targets in self._succ.items() for v, e in targets.items() if e.runtime]

    def edge_lines(self, importer: str, imported: str, *, runtime_only: bool = False,
                   include_function_local: bool = False) -> tuple[int, ...]:  # fmt: skip
        """Lines in ``importer`` that import ``imported`` (only those ``find_cycles`` counts, if ``runtime_only``)."""
        if self._trace is not None:
            self._trace.read((MODULE, importer))
        e = self._succ[importer][imported]
        if not runtime_only:
            return e.lines
        local = e.function_local_lines if include_function_local else ()
        return tuple(sorted({*e.runtime_lines, *local}))

    def runtime_subgraph(self, *, include_function_local: bool = False) -> nx.DiGraph:
        """Edges executed at import time (optionally also function-local ones); never TYPE_CHECKING-only ones. A
        graph of its own (every module a node), not a filtered view: finding cycles walks each edge several times,
        and a view runs its filter on every step (0.13 s against 0.045 s at 1M lines)."""
        sub = nx.DiGraph()
        sub.add_nodes_from(self._nodes)
        sub.add_edges_from((u, v) for u, targets in self._succ.items() for v, e in targets.items()
                           if e.runtime or (include_function_local and e.function_local_lines))  # fmt: skip
        return sub

    def find_cycles(self, *, include_function_local: bool = False) -> tuple[Cycle, ...]:
        """Every import cycle (strongly connected component of 2+ modules) with a smallest set of edges to cut.

        The answer is a function of the runtime edges alone (components of one module are dropped, members and
        edges are sorted), so with ``kept_cycles`` it is served by the digest of those edges. When they differ, it
        is the last answer still when every importer whose runtime targets changed (or that came or went) is in
        none of the last cycles and is imported by no module now: such a module is in no cycle of either graph, and
        every other module has the same edges, so the components of the others are the same (a test module added or
        removed, an import added to one: finding the components of 22,584 modules again took 0.1 CPU-s of a hook).
        """
        if self._trace is not None:  # every runtime edge of the project
            self._trace.read((IMPORTERS, ""))
        runtime = self._runtime(include_function_local)
        shares = {u: hashlib.blake2b("\0".join(targets).encode(), digest_size=8).digest()
                  for u, targets in runtime.items() if targets}  # fmt: skip
        digest = hashlib.sha256(b"".join(u.encode() + b"\0" + share for u, share in shares.items())).hexdigest()
        key = (include_function_local, digest)
        known = self._kept_cycles.get(key) if self._kept_cycles is not None else None
        if known is None:
            self.importers_new = True
            known = self._unchanged_cycles(include_function_local, runtime, shares)
        if known is None:
            known = self._find_cycles(runtime)
        self.cycles_asked[key] = known
        self.importers_asked[include_function_local] = (digest, shares)
        return known

    def _runtime(self, include_function_local: bool) -> dict[str, list[str]]:
        """The edges ``runtime_subgraph`` keeps, per importer, in this graph's order."""
        return {u: [v for v, e in targets.items() if e.runtime or (include_function_local and e.function_local_lines)]
                for u, targets in self._succ.items()}  # fmt: skip

    def _unchanged_cycles(self, include_function_local: bool, runtime: Mapping[str, list[str]],
                          shares: Mapping[str, bytes]) -> tuple[Cycle, ...] | None:  # fmt: skip
        """The last scan's cycles, when ``find_cycles``' condition says this graph has the same; else None."""
        kept = self._kept_importers() if self._kept_cycles and self._kept_importers is not None else {}
        digest, before = kept.get(include_function_local, ("", {}))
        last = self._kept_cycles.get((include_function_local, digest)) if self._kept_cycles and digest else None
        if last is None:
            return None
        changed = {u for u, share in shares.items() if before.get(u) != share} | before.keys() - shares.keys()
        if any(u in changed for cycle in last for u in cycle.modules):
            return None
        if any(v in changed for targets in runtime.values() for v in targets):
            return None
        return last

    def _find_cycles(self, runtime: Mapping[str, list[str]]) -> tuple[Cycle, ...]:
        """``find_cycles`` worked out, with ``model.digraph``'s algorithms on this graph's dicts (see there why
        not networkx's): ``runtime``, the edges ``runtime_subgraph`` keeps, per importer."""
        cycles = []
        for component in strongly_connected(self._nodes, runtime):
            if len(component) < 2:
                continue
            members = tuple(component)  # sorted by ``strongly_connected``
            inside = set(members)
            edges = tuple(sorted((u, v) for u in members for v in runtime.get(u, ()) if v in inside))
            breaks, minimal = smallest_break_set(members, edges)
            cycles.append(Cycle(members, edges, breaks, minimal))
        return tuple(sorted(cycles, key=lambda c: c.modules))

    # -- export -------------------------------------------------------------------------------------------------
    def to_dot(self) -> str:
        """Graphviz DOT: runtime edges solid, TYPE_CHECKING dashed, function-local dotted."""
        graph = self.graph
        lines = ["digraph imports {", "  rankdir=LR;", '  node [shape=box, fontsize=10, fontname="Helvetica"];']
        for node in sorted(graph.nodes):
            lines.append(f'  "{node}";')
        for u, v in sorted(graph.edges):
            data = graph.edges[u, v]
            style = "solid" if data["runtime"] else ("dashed" if data["type_checking"] else "dotted")
            lines.append(f'  "{u}" -> "{v}" [style={style}];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_graphml(self) -> str:
        """GraphML with scalar edge attributes (lines joined by commas)."""
        graph, export = self.graph, nx.DiGraph()
        for node, data in sorted(graph.nodes(data=True)):
            export.add_node(node, path=data["path"], test=data["test"])
        for u, v in sorted(graph.edges):
            data = graph.edges[u, v]
            export.add_edge(
                u,
                v,
                lines=",".join(map(str, data["lines"])),
                runtime=data["runtime"],
                type_checking=data["type_checking"],
                function_local=data["function_local"],
            )
        return "\n".join(nx.generate_graphml(export)) + "\n"

    def to_json(self) -> str:
        """Nodes and edges as JSON, sorted."""
        graph = self.graph
        payload = {
            "nodes": [{"id": n, **graph.nodes[n]} for n in sorted(graph.nodes)],
            "edges": [
                {"source": u, "target": v, **{k: graph.edges[u, v][k] for k in sorted(graph.edges[u, v])}}
                for u, v in sorted(graph.edges)
            ],
        }
        return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def module_edges(index: ProjectIndex, module: str) -> dict[str, ImportEdge]:
    """``module``'s edges (imported module -> edge, in the order of its first import): what ``ImportGraph`` reads of
    its imports, and a scan after an import edit reads again for that module."""
    edges: dict[str, list[ImportFact]] = {}
    for imp, target in zip(index.modules[module].facts.imports, index.imported_modules_of(module)):
        if target is not None and target != module:
            edges.setdefault(target, []).append(imp)
    return {target: _edge(imports) for target, imports in edges.items()}


def _edge(imports: list[ImportFact]) -> ImportEdge:
    """The edge of a module's imports of one module (in file order)."""
    if len(imports) == 1:  # most edges (three sets and three sorts for one line: 0.24 s at 4 million lines)
        return _single_edge(imports[0])
    runtime = {i.line for i in imports if not i.scope and not i.type_checking and not i.main_guard}
    local = {i.line for i in imports if i.scope and not i.type_checking and not i.main_guard}
    lines = tuple(sorted({i.line for i in imports}))
    runtime_lines = tuple(sorted(runtime))
    return ImportEdge(lines, lines if runtime_lines == lines else runtime_lines, tuple(sorted(local)), bool(runtime),
                      all(i.type_checking for i in imports), all(i.scope for i in imports))  # fmt: skip


def _single_edge(i: ImportFact) -> ImportEdge:
    """``_edge([i])``."""
    lines = (i.line,)
    executed = not i.type_checking and not i.main_guard
    return ImportEdge(lines, lines if executed and not i.scope else (), lines if executed and i.scope else (),
                      executed and not i.scope, bool(i.type_checking), bool(i.scope))  # fmt: skip


def smallest_break_set(
    members: tuple[str, ...], edges: tuple[tuple[str, str], ...]
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """A smallest set of edges whose removal makes the component acyclic (a minimum feedback arc set).

    Exact search for small components (ties broken by sorted order, so the result is deterministic); a greedy
    ordering heuristic (Eades, Lin and Smyth) beyond ``_EXACT_BREAK_LIMIT`` edges.
    """
    if len(edges) <= _EXACT_BREAK_LIMIT:
        for size in range(1, len(edges) + 1):
            for combo in itertools.combinations(edges, size):
                cut = set(combo)
                if is_acyclic(e for e in edges if e not in cut):
                    return combo, True
    return _greedy_break_set(members, edges), False


def _greedy_break_set(members: tuple[str, ...], edges: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    position = {node: i for i, node in enumerate(greedy_order(members, edges))}
    return tuple(sorted((u, v) for u, v in edges if position[u] > position[v]))
