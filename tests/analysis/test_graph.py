"""The import graph: edge kinds, cycles, the smallest set of imports to cut, and its exports."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from ssot_audit import api
from ssot_audit.analysis import graph as graph_module
from ssot_audit.analysis.facts import ImportFact
from ssot_audit.analysis.graph import ImportGraph, smallest_break_set
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.cli import main
from ssot_audit.config import Config

from tests.helpers import write_project

ROOT = Path(__file__).resolve().parent.parent.parent

KINDS = {
    "app/__init__.py": "",
    "app/a.py": """
        from typing import TYPE_CHECKING
        import app.b
        if TYPE_CHECKING:
            from app.c import C

        def f():
            from app import d
            return d

        from app.b import thing
    """,
    "app/b.py": "thing = 1\n",
    "app/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app import a\nclass C:\n    pass\n",
    "app/d.py": "import os\nimport app.a\n",
}


def graph_of(tmp_path: Path, files: dict[str, str]) -> ImportGraph:
    write_project(tmp_path, files)
    return api.load_project(tmp_path, Config(), jobs=1).graph


def edge(graph: ImportGraph, u: str, v: str) -> dict[str, object]:
    data = graph.graph.edges[u, v]
    return {k: data[k] for k in ("lines", "runtime", "type_checking", "function_local")}


def test_edge_attributes(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, KINDS)
    assert sorted(graph.graph.edges) == [
        ("app.a", "app.b"),
        ("app.a", "app.c"),
        ("app.a", "app.d"),
        ("app.c", "app.a"),
        ("app.d", "app.a"),
    ]
    assert edge(graph, "app.a", "app.b") == {"lines": [2, 10], "runtime": True, "type_checking": False,
                                             "function_local": False}  # fmt: skip
    assert edge(graph, "app.a", "app.c") == {"lines": [4], "runtime": False, "type_checking": True,
                                             "function_local": False}  # fmt: skip
    assert edge(graph, "app.a", "app.d") == {"lines": [7], "runtime": False, "type_checking": False,
                                             "function_local": True}  # fmt: skip
    assert graph.find_importers("app.a") == ("app.c", "app.d")
    assert graph.find_dependencies("app.d") == ("app.a",)


def test_cycles_skip_type_checking_and_function_local_edges_unless_asked(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, KINDS)
    assert graph.find_cycles() == ()
    (cycle,) = graph.find_cycles(include_function_local=True)
    assert cycle.modules == ("app.a", "app.d")
    assert cycle.edges == (("app.a", "app.d"), ("app.d", "app.a"))
    assert cycle.break_edges == (("app.a", "app.d"),) and cycle.minimal


def test_three_cycle_needs_one_cut(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {
        "app/__init__.py": "",
        "app/x.py": "import app.y\n",
        "app/y.py": "import app.z\n",
        "app/z.py": "import app.x\n",
    })  # fmt: skip
    (cycle,) = graph.find_cycles()
    assert cycle.modules == ("app.x", "app.y", "app.z")
    assert cycle.break_edges == (("app.x", "app.y"),)
    assert cycle.minimal


def test_two_overlapping_cycles_share_the_cheapest_cut(tmp_path: Path) -> None:
    # a -> b -> a and a -> b -> c -> a: cutting a -> b breaks both.
    graph = graph_of(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "import app.a\nimport app.c\n",
        "app/c.py": "import app.a\n",
    })  # fmt: skip
    (cycle,) = graph.find_cycles()
    assert cycle.modules == ("app.a", "app.b", "app.c")
    assert cycle.break_edges == (("app.a", "app.b"),)


def test_smallest_break_set_when_one_edge_is_not_enough() -> None:
    members = ("a", "b", "c")
    edges = (("a", "b"), ("b", "a"), ("b", "c"), ("c", "b"))
    breaks, minimal = smallest_break_set(members, edges)
    assert breaks == (("a", "b"), ("b", "c")) and minimal


def test_large_components_use_the_greedy_heuristic() -> None:
    members = tuple(f"m{i:02d}" for i in range(12))
    ring = tuple((members[i], members[(i + 1) % 12]) for i in range(12))
    chords = tuple((members[i], members[(i + 6) % 12]) for i in range(0, 12, 3))
    breaks, minimal = smallest_break_set(members, tuple(sorted(ring + chords)))
    assert not minimal
    remaining = set(ring + chords) - set(breaks)
    assert nx.is_directed_acyclic_graph(nx.DiGraph(list(remaining)))


@pytest.mark.parametrize("fmt", ["dot", "graphml", "json"])
def test_graph_command_formats(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path / "proj", KINDS)
    out = tmp_path / f"graph.{fmt}"
    assert main(["graph", str(tmp_path / "proj"), "--isolated", "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text()
    if fmt == "dot":
        assert text.startswith("digraph imports {")
        assert '  "app.a" -> "app.b" [style=solid];' in text
        assert '  "app.a" -> "app.c" [style=dashed];' in text
        assert '  "app.a" -> "app.d" [style=dotted];' in text
    elif fmt == "graphml":
        ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
        root = ET.fromstring(text)
        edges = {(e.get("source"), e.get("target")) for e in root.iterfind(".//g:edge", ns)}
        assert ("app.a", "app.d") in edges and len(edges) == 5
    else:
        payload = json.loads(text)
        assert [n["id"] for n in payload["nodes"]] == ["app", "app.a", "app.b", "app.c", "app.d"]
        by_pair = {(e["source"], e["target"]): e for e in payload["edges"]}
        assert by_pair["app.a", "app.d"]["function_local"] is True
        assert by_pair["app.a", "app.b"]["lines"] == [2, 10]
    # Same input, same bytes.
    assert main(["graph", str(tmp_path / "proj"), "--isolated", "--format", fmt, "-o", str(out)]) == 0
    assert out.read_text() == text
    assert main(["graph", str(tmp_path / "proj"), "--isolated", "--format", fmt]) == 0
    assert capsys.readouterr().out == text


def test_imports_under_a_main_guard_are_not_runtime_edges(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": """
            def f():
                return 1

            if __name__ == "__main__":
                import app.a
            if "__main__" == __name__:
                from app import a
        """,
    })  # fmt: skip
    assert edge(graph, "app.b", "app.a") == {"lines": [5, 7], "runtime": False, "type_checking": False,
                                             "function_local": False}  # fmt: skip
    assert graph.find_cycles() == () and graph.find_cycles(include_function_local=True) == ()


def _plain_cycle_sets(graph: ImportGraph, include_function_local: bool) -> list[tuple[tuple[str, ...], tuple[tuple[str, str], ...]]]:
    """The plain definition: components of a filtered view of the graph, and the kept edges between members."""

    def keep(u: str, v: str) -> bool:
        data = graph.graph.edges[u, v]
        return bool(data["runtime"] or (include_function_local and data["function_local_lines"]))

    view = nx.subgraph_view(graph.graph, filter_edge=keep)
    found = []
    for component in nx.strongly_connected_components(view):
        if len(component) > 1:
            members = tuple(sorted(component))
            found.append((members, tuple(sorted(view.subgraph(members).edges()))))
    return sorted(found)


def test_cycles_are_those_of_the_filtered_graph(tmp_path: Path) -> None:
    """``runtime_subgraph`` copies the kept edges instead of filtering a view: the same cycles, with or without
    function-local imports, on a generated monorepo, sample_repo and a project mixing every kind of import."""
    from benchmarks.monorepo_gen.generate import generate

    generate(tmp_path / "mono", files=300, seed=5)
    write_project(tmp_path / "mixed", {
        "app/__init__.py": "", "app/d.py": "def f():\n    import app.e\n",
        "app/e.py": "import app.d\nimport app.f\n", "app/f.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.e\n",
        "app/g.py": "import app.h\n", "app/h.py": "import app.g\nimport app.e\n",
    })  # fmt: skip
    roots = (tmp_path / "mono", tmp_path / "mixed", Path(__file__).resolve().parents[2] / "sample_repo")
    found = {}
    for root in roots:
        graph = api.load_project(root, Config(), jobs=1).graph
        for local in (False, True):
            cycles = graph.find_cycles(include_function_local=local)
            assert [(c.modules, c.edges) for c in cycles] == _plain_cycle_sets(graph, local)
            found[root.name, local] = [c.modules for c in cycles]
    assert found["mixed", False] == [("app.g", "app.h")]
    assert found["mixed", True] == [("app.d", "app.e"), ("app.g", "app.h")]


def _plain_graph(index: ProjectIndex) -> nx.DiGraph:
    """The plain definition: a networkx graph, an edge's attributes merged import by import."""
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
            if not graph.has_edge(info.name, target):
                graph.add_edge(info.name, target, lines=[], runtime=False, runtime_lines=[], function_local_lines=[],
                               type_checking=True, function_local=True)  # fmt: skip
            data = graph.edges[info.name, target]
            data["lines"] = sorted({*data["lines"], imp.line})
            data["runtime"] = data["runtime"] or runtime
            data["runtime_lines"] = sorted({*data["runtime_lines"], *([imp.line] if runtime else [])})
            data["function_local_lines"] = sorted({*data["function_local_lines"], *([imp.line] if local else [])})
            data["type_checking"] = data["type_checking"] and imp.type_checking
            data["function_local"] = data["function_local"] and bool(imp.scope)
    return graph


@pytest.mark.parametrize("tree", ["sample_repo", "ssot_audit"])
def test_graph_is_the_plain_networkx_graph(tree: str) -> None:
    """The compact edges answer as the networkx graph built import by import, on real trees."""
    project = api.load_project(ROOT / tree, Config(), jobs=1)
    graph, plain = project.graph, _plain_graph(project.index)
    built = graph.graph
    assert list(built.nodes(data=True)) == list(plain.nodes(data=True))
    assert list(built.edges(data=True)) == list(plain.edges(data=True))
    assert len(plain.edges) > 50 and any(not d["runtime"] for _, _, d in plain.edges(data=True))
    assert graph.runtime_edges() == [(u, v) for u, v, d in plain.edges(data=True) if d["runtime"]]
    for module in plain.nodes:
        assert graph.find_importers(module) == tuple(sorted(plain.predecessors(module)))
        assert graph.find_dependencies(module) == tuple(sorted(plain.successors(module)))
    for u, v, data in plain.edges(data=True):
        assert graph.edge_lines(u, v) == tuple(data["lines"])
        for local in (False, True):
            lines = {*data["runtime_lines"], *(data["function_local_lines"] if local else [])}
            assert graph.edge_lines(u, v, runtime_only=True, include_function_local=local) == tuple(sorted(lines))



def test_an_edge_of_one_import_equals_the_general_definition() -> None:
    """``_edge`` takes a shortcut for one import; the same import listed twice takes the general way (sets of
    lines, sorted) and must give the same edge."""
    rnd = random.Random(7)
    for _ in range(3000):
        imp = ImportFact(rnd.randint(1, 5), 0, "m", 0, "x", None, rnd.choice(["", "f"]),
                         type_checking=rnd.random() < 0.3, main_guard=rnd.random() < 0.2)  # fmt: skip
        edge, general = graph_module._edge([imp]), graph_module._edge([imp, imp])
        assert edge == general and [type(v) for v in edge] == [type(v) for v in general], imp
