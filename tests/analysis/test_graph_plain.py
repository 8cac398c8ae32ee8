"""``ImportGraph`` gathers each edge's imports before adding it; this gives exactly the graph the plain
construction gives (one ``add_edge`` per first import of an edge, its attributes updated by each further import):
same nodes and edges with the same attributes, in the same insertion order (networkx iterates in it). Compared on
sample_repo, a generated monorepo, and a project with every kind of import on one edge."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from benchmarks.monorepo_gen.generate import generate
from ssot_audit import api
from ssot_audit.analysis.graph import ImportGraph
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.config import Config
from tests.helpers import write_project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_repo"

MIXED = {
    "app/__init__.py": "from app import b\n",
    "app/a.py": """
        from typing import TYPE_CHECKING
        import app.b
        if TYPE_CHECKING:
            from app.b import B
            from app.c import C
        from app.b import thing, other

        def f():
            from app import b
            import app.c
            return b

        if __name__ == "__main__":
            import app.d
            from app.b import thing
    """,
    "app/b.py": "thing = other = 1\nclass B: pass\ndef g():\n    import app.a\n",
    "app/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app import a\nclass C:\n    pass\n",
    "app/d.py": "import os\nimport app.a\nfrom . import c\n",
}


def plain_graph(index: ProjectIndex) -> nx.DiGraph:
    """The definition: every import, in module order, adds its edge or updates the edge's attributes."""
    graph = nx.DiGraph()
    for info in index.iter_modules():
        graph.add_node(info.name, path=info.relpath, test=info.is_test)
    for info in index.iter_modules():
        for imp in info.facts.imports:
            target = index.imported_module_of(info.name, imp)
            if target is None or target == info.name:
                continue
            runtime = not imp.scope and not imp.type_checking and not imp.main_guard
            local = bool(imp.scope) and not imp.type_checking and not imp.main_guard
            if graph.has_edge(info.name, target):
                data = graph.edges[info.name, target]
                data["lines"] = sorted({*data["lines"], imp.line})
                data["runtime"] = data["runtime"] or runtime
                if runtime:
                    data["runtime_lines"] = sorted({*data["runtime_lines"], imp.line})
                if local:
                    data["function_local_lines"] = sorted({*data["function_local_lines"], imp.line})
                data["type_checking"] = data["type_checking"] and imp.type_checking
                data["function_local"] = data["function_local"] and bool(imp.scope)
            else:
                graph.add_edge(info.name, target, lines=[imp.line], runtime=runtime,
                               runtime_lines=[imp.line] if runtime else [],
                               function_local_lines=[imp.line] if local else [], type_checking=imp.type_checking,
                               function_local=bool(imp.scope))  # fmt: skip
    return graph


def _shape(graph: nx.DiGraph) -> tuple[object, ...]:
    """Everything iteration order can show: nodes, edges with their attributes (keys in order), both adjacencies."""
    edges = [(u, v, list(data.items())) for u, v, data in graph.edges(data=True)]
    return (list(graph.nodes(data=True)), edges, [(n, list(graph.pred[n])) for n in graph],
            [(n, list(graph.succ[n])) for n in graph])  # fmt: skip


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mono")
    generate(root, files=260, seed=11)
    return root


@pytest.mark.parametrize("which", ["sample", "monorepo", "mixed"])
def test_import_graph_is_the_plain_construction(which: str, monorepo: Path, tmp_path: Path) -> None:
    root = {"sample": SAMPLE, "monorepo": monorepo, "mixed": tmp_path}[which]
    if which == "mixed":
        write_project(tmp_path, MIXED)
    index = api.load_project(root, Config(), jobs=1).index
    built, plain = ImportGraph(index).graph, plain_graph(index)
    assert plain.number_of_edges() > 5
    assert _shape(built) == _shape(plain)
