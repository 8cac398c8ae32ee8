"""The import graph of the last scan, reused module by module: a module's edges are kept with what computing them
read, and served again while every read answers the same.

A module's edges (``graph.module_edges``) read its own imports, its name and whether it is a package (relative
imports), and, for each import, whether some module names are in the module table (``from pkg import sub``:
``pkg.sub`` or ``pkg``). Its imports come from its facts, a pure function of the file's bytes, so the unit is
keyed by the module's name, ``is_package`` and content hash; the module-table look-ups are recorded as they are
made (``ProjectIndex.probes``, set only around this unit) with their answers. An edit of one file recomputes that
file's edges; adding, removing or renaming a file recomputes only the modules that looked that name up.

In a tagged source root (``app#2.x``, see discovery) the absolute name of an import also depends on whether the
tagged package exists (``same_root_name``); ``absolute_import_module`` memoises that answer, so while a unit
records, the memo is not consulted and the look-up is made and recorded for this unit. ``find_cycles`` is a function of the runtime edges alone; its answers are kept by their digest
(``ImportGraph(kept_cycles=...)``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ssot_audit.analysis.graph import Cycle, CyclesKey, ImportEdge, module_edges
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex

EDGES = "import graph edges"  # the names the kept units and cycles are saved under (``TreeCache.save_kept``)
CYCLES = "import cycles"

# is_package, content hash, every look-up (name, packages count too, the answer), the edges
Unit = tuple[bool, str, tuple[tuple[str, bool, bool], ...], dict[str, ImportEdge]]


class KeptEdges:
    """``ImportGraph``'s ``edges_of``: the last scan's edges of a module when its unit's reads answer the same,
    else computed (recording the reads). ``units`` is then what the next scan can reuse."""

    def __init__(self, index: ProjectIndex, hashes: Mapping[str, str], kept: Mapping[str, object]) -> None:
        """``hashes``: content hash by repo-relative path; ``kept``: ``units`` of the last scan (as saved)."""
        self._index = index
        self._hashes = hashes
        last = kept.get("units")
        self._last: dict[str, Unit] = last if isinstance(last, dict) else {}
        self.units: dict[str, Unit] = {}
        self.reused = 0  # modules whose edges were served from the last scan (for tests and timers)

    def __call__(self, info: ModuleInfo) -> dict[str, ImportEdge]:
        digest = self._hashes.get(info.relpath)
        unit = self._last.get(info.name)
        if unit is not None and digest is not None and self._holds(unit, info, digest):
            self.units[info.name] = unit
            self.reused += 1
            return unit[3]
        index = self._index
        index.probes = []
        try:
            edges = module_edges(index, info)
            probes = tuple(dict.fromkeys(index.probes))
        finally:
            index.probes = None
        if digest is not None:
            self.units[info.name] = (info.is_package, digest, probes, edges)
        return edges

    def _holds(self, unit: Unit, info: ModuleInfo, digest: str) -> bool:
        """Whether ``unit`` was computed from what ``info``'s edges read now."""
        is_package, was, probes, _ = unit
        if is_package != info.is_package or was != digest:
            return False
        index = self._index
        modules = index.modules
        return all((index.is_project_module(name) if packages else name in modules) is found
                   for name, packages, found in probes)  # fmt: skip


def kept_cycles(kept: Mapping[str, object]) -> dict[CyclesKey, tuple[Cycle, ...]]:
    """The last scan's ``find_cycles`` answers (as saved under ``CYCLES``), or none."""
    found = kept.get("cycles")
    return found if isinstance(found, dict) else {}
