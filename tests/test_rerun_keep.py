"""What a full scan lets go of, or keeps early, so that its peak of memory stays low, with its answers unchanged.

- The whole-program state a calls-only scan restores is kept before the rules run (``kept_scan.keep_snapshot``): that
  is sound only while the snapshot is the same taken before the rules as after them, and asks the resolver nothing.
- The rules' memo of module attribute reads is dropped once they ran (``ModuleReads.forget_module_reads``).
- Finding cycles leaves no graph behind (networkx's, whose subgraph views held it in reference cycles, which the
  collector, paused during scans, left to the end of the scan; ``model.digraph`` now).
"""

from __future__ import annotations

import gc
from pathlib import Path

import networkx as nx
import pytest

from ssot_audit import api
from ssot_audit.analysis.kept_state import snapshot_state
from ssot_audit.config import load_config
from ssot_audit.kept_scan import CallTables
from ssot_audit.project import Project, load_project

from tests.analysis.test_concept_snapshot import DJANGO, SAMPLE
from tests.helpers import write_project


def _snapshot(project: Project) -> bytes:
    names = {info.relpath: info.name for info in project.index.iter_modules()}
    return snapshot_state(project.index, project.sites, project.graph, project.concepts, names)


def _memo_sizes(project: Project) -> dict[str, int]:
    """The size of every table the resolver, the names and the roles hold (a new query grows one)."""
    sizes = {}
    for owner in (project.resolver, project.concepts.names, project.concepts.roles, project.concepts):
        for name, value in vars(owner).items():
            if isinstance(value, dict | list | set):
                sizes[f"{type(owner).__name__}.{name}"] = len(value)
    return sizes


@pytest.mark.parametrize("root", [SAMPLE, DJANGO], ids=["sample_repo", "django"])
def test_the_state_kept_before_the_rules_is_the_state_after_them(root: Path) -> None:
    if not root.is_dir():
        pytest.skip(f"{root} is not here (SSOT_CORPUS)")
    project = load_project(root, load_config(root), jobs=1)
    asked = _memo_sizes(project)
    before = _snapshot(project)
    assert _memo_sizes(project) == asked  # the snapshot asked nothing new: the rules' queries keep their order
    findings = api.run_rules(project, tables=CallTables.of(project))
    assert findings
    assert _snapshot(project) == before


def test_the_rules_let_go_of_the_module_reads(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n\ndef f():\n    return pkg.b.g()\n",
                             "pkg/b.py": "def g():\n    return 1\n"})  # fmt: skip
    project = load_project(tmp_path, load_config(tmp_path), jobs=1)
    assert project.resolver.module_reads("pkg.a")  # read, and memoised
    api.run_rules(project)
    assert not project.resolver._module_reads


def test_finding_cycles_leaves_no_graph_to_the_collector(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n",
                             "pkg/c.py": "import pkg.a\n"})  # fmt: skip
    project = load_project(tmp_path, load_config(tmp_path), jobs=1)
    gc.collect()
    gc.disable()
    try:
        assert project.graph.find_cycles()
        left = [g for g in gc.get_objects() if isinstance(g, nx.DiGraph) and g.number_of_edges() > 2]
    finally:
        gc.enable()
    assert left == []
