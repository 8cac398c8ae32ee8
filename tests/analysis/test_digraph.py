"""``model.digraph`` answers as networkx did for the import cycles: the same components, the same acyclicity,
the same greedy order; and finding cycles imports no networkx."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from ssot_audit.model.digraph import greedy_order, is_acyclic, strongly_connected

from tests.helpers import write_project


def _random_edges(rng: random.Random) -> tuple[list[str], list[tuple[str, str]]]:
    nodes = [f"m{i}" for i in range(rng.randint(1, 14))]
    edges = sorted({(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(0, 30))})
    return nodes, [(u, v) for u, v in edges if u != v]  # the import graph has no self-edges


def _networkx_greedy(members: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """The order ``graph._greedy_break_set`` computed with networkx before ``digraph.greedy_order``."""
    work = nx.DiGraph(edges)
    work.add_nodes_from(members)
    left: list[str] = []
    right: list[str] = []
    while work.number_of_nodes():
        changed = True
        while changed:
            changed = False
            for node in sorted(work.nodes):
                if work.out_degree(node) == 0:
                    right.insert(0, node)
                    work.remove_node(node)
                    changed = True
                elif work.in_degree(node) == 0:
                    left.append(node)
                    work.remove_node(node)
                    changed = True
        if work.number_of_nodes():
            node = max(sorted(work.nodes), key=lambda n: work.out_degree(n) - work.in_degree(n))
            left.append(node)
            work.remove_node(node)
    return left + right


@pytest.mark.parametrize("seed", range(300))
def test_answers_as_networkx(seed: int) -> None:
    rng = random.Random(seed)
    nodes, edges = _random_edges(rng)
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(nodes)
    successors: dict[str, list[str]] = {}
    for u, v in edges:
        successors.setdefault(u, []).append(v)
    found = strongly_connected(nodes, successors)
    assert sorted(map(sorted, found)) == sorted(map(sorted, nx.strongly_connected_components(graph)))
    assert sum(map(len, found)) == len(nodes)  # each node in one component
    assert is_acyclic(edges) == nx.is_directed_acyclic_graph(graph)
    assert greedy_order(nodes, edges) == _networkx_greedy(nodes, edges)


def test_a_long_chain_does_not_overflow_the_stack() -> None:
    nodes = [f"m{i}" for i in range(5000)]
    successors = {a: [b] for a, b in zip(nodes, nodes[1:])} | {nodes[-1]: [nodes[0]]}
    assert sorted(map(sorted, strongly_connected(nodes, successors))) == [sorted(nodes)]


def test_finding_cycles_imports_no_networkx(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n"})
    code = ("import sys; from pathlib import Path; from ssot_audit.config import load_config; "
            "from ssot_audit.project import load_project; root = Path(sys.argv[1]); "
            "p = load_project(root, load_config(root), jobs=1); assert p.graph.find_cycles(); "
            "print('networkx' in sys.modules)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
