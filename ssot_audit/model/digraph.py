"""Plain directed-graph algorithms, standard library only: the planner's (``planner.graph``, which must not import
the analysis layer) and the import cycles' (``analysis.graph.ImportGraph.find_cycles``).

A cold scan finds its import cycles with these instead of networkx's: importing networkx is 10 MB of modules, and
its graph of every module a dict per module and per edge; both were held at the scan's peak of memory (the graph in
reference cycles the paused collector leaves to the end). They answer as networkx's did: the same components (in
any order: the caller sorts them), the same acyclicity, and the same greedy ordering step for step (the tests
compare them with networkx's on random graphs). networkx stays the exports' (``ImportGraph.graph``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def strongly_connected(nodes: Iterable[str], succ: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components, each sorted (Tarjan's algorithm, iterative: deep import chains must not hit
    the recursion limit; deterministic). ``succ``: node -> the nodes it has an edge to (a node it lacks has none)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(succ.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            if children:
                child = children.pop(0)
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(succ.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def is_acyclic(edges: Iterable[tuple[str, str]]) -> bool:
    """True when the graph of ``edges`` (each once) has no directed cycle (Kahn's algorithm)."""
    successors: dict[str, list[str]] = {}
    incoming: dict[str, int] = {}
    for u, v in edges:
        successors.setdefault(u, []).append(v)
        incoming.setdefault(u, 0)
        incoming[v] = incoming.get(v, 0) + 1
    ready = [node for node, count in incoming.items() if not count]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for v in successors.get(node, ()):
            incoming[v] -= 1
            if not incoming[v]:
                ready.append(v)
    return seen == len(incoming)


def greedy_order(members: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[str]:
    """The node order of Eades, Lin and Smyth's heuristic: sinks go right and sources left, in sorted order, pass
    after pass; when none is left, the node with the largest out-degree minus in-degree (the first in sorted
    order) goes left. Edges that point leftwards in it break every cycle."""
    out: dict[str, set[str]] = {}
    into: dict[str, set[str]] = {}
    for u, v in edges:
        out.setdefault(u, set()).add(v)
        into.setdefault(u, set())
        out.setdefault(v, set())
        into.setdefault(v, set()).add(u)
    for node in members:
        out.setdefault(node, set())
        into.setdefault(node, set())
    left: list[str] = []
    right: list[str] = []

    def remove(node: str) -> None:
        for v in out.pop(node):
            into[v].discard(node)
        for u in into.pop(node):
            out[u].discard(node)

    while out:
        changed = True
        while changed:
            changed = False
            for node in sorted(out):
                if not out[node]:
                    right.insert(0, node)
                    remove(node)
                    changed = True
                elif not into[node]:
                    left.append(node)
                    remove(node)
                    changed = True
        if out:
            node = max(sorted(out), key=lambda n: len(out[n]) - len(into[n]))
            left.append(node)
            remove(node)
    return left + right
