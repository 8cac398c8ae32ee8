"""The module import graph as the planner sees it: rebuilt from ``AuditResult.import_edges`` with the standard library.

The planner must work from a findings file alone and must not import the analysis layer (networkx lives behind
``analysis/graph.py``), so the little graph work it needs (strongly connected components, from ``model.digraph``,
which the import cycles share; a dependencies-first module order, importer counts) is done with plain dicts. Edges are the runtime imports the scan recorded.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

from ssot_audit.model.digraph import strongly_connected as strongly_connected  # the dashboard and tests import it here


class ModuleGraph:
    """Who imports whom, which modules sit in import cycles, and a dependencies-first rank for every module."""

    def __init__(self, edges: Iterable[tuple[str, str]], modules: Iterable[tuple[str, str]]) -> None:
        self.path_of: dict[str, str] = dict(modules)
        self.module_of: dict[str, str] = {path: module for module, path in self.path_of.items()}
        succ: dict[str, set[str]] = defaultdict(set)
        self.importers: dict[str, set[str]] = defaultdict(set)
        nodes = set(self.path_of)
        for importer, imported in edges:
            succ[importer].add(imported)
            self.importers[imported].add(importer)
            nodes.update((importer, imported))
        components = strongly_connected(nodes, succ)
        self.cyclic = frozenset(m for c in components if len(c) > 1 for m in c)
        self.rank = self._rank(components, succ)

    @staticmethod
    def _rank(components: list[list[str]], succ: dict[str, set[str]]) -> dict[str, int]:
        """Topological order of the condensation, imported modules before their importers, ties by name."""
        comp_of = {m: i for i, c in enumerate(components) for m in c}
        waiting = [0] * len(components)  # number of components a component imports that are not yet ranked
        users: dict[int, set[int]] = defaultdict(set)
        for node, targets in succ.items():
            for target in targets:
                a, b = comp_of[node], comp_of[target]
                if a != b and a not in users[b]:
                    users[b].add(a)
                    waiting[a] += 1
        ready = [(components[i][0], i) for i, n in enumerate(waiting) if n == 0]
        heapq.heapify(ready)
        rank: dict[str, int] = {}
        while ready:
            _, comp = heapq.heappop(ready)
            for module in components[comp]:
                rank[module] = len(rank)
            for user in users[comp]:
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(ready, (components[user][0], user))
        return rank

    def modules_of_files(self, files: Iterable[str]) -> list[str]:
        """The modules of these repo-relative files (files that were not analysed are skipped)."""
        return [self.module_of[f] for f in files if f in self.module_of]

    def count_importers(self, modules: Iterable[str]) -> int:
        """Distinct modules, outside ``modules``, that import any of them."""
        targets = set(modules)
        return len({i for m in targets for i in self.importers.get(m, ()) if i not in targets})

    def in_cycle(self, modules: Iterable[str]) -> bool:
        """True when any of ``modules`` is part of an import cycle."""
        return any(m in self.cyclic for m in modules)

    def file_rank(self, path: str) -> int:
        """Dependencies-first position of the module of ``path`` (unknown files last)."""
        module = self.module_of.get(path)
        return self.rank.get(module, len(self.rank)) if module is not None else len(self.rank)
