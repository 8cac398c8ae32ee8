"""Inline SVG of a concept's import neighbourhood, laid out in Python (no JavaScript, no external renderer).

Nodes are the modules that define the concept's classes and factories, re-export them, or import them; an edge
``a -> b`` means ``a`` imports a concept symbol from ``b``. Layout: longest-path layering (importers above what they
import), barycenter ordering to reduce crossings, long layers wrapped into rows, beyond ``MAX_NODES`` the importers
with the fewest imports collapse into one "+N more" node. Every label is XML-escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

MAX_NODES = 60
PER_ROW = 6
NODE_W, NODE_H, GAP_X, GAP_Y = 200, 34, 26, 56
KIND_STYLE = {  # fill, stroke
    "canonical": ("#dcfce7", "#15803d"),
    "defines": ("#fee2e2", "#b91c1c"),
    "re-exports": ("#fef3c7", "#b45309"),
    "imports": ("#e0e7ff", "#4338ca"),
    "more": ("#f3f4f6", "#6b7280"),
}


def _collapse(nodes: dict[str, str], edges: set[tuple[str, str]]) -> tuple[dict[str, str], set[tuple[str, str]]]:
    if len(nodes) <= MAX_NODES:
        return nodes, edges
    fixed = [n for n, k in nodes.items() if k != "imports"]
    out_degree: dict[str, int] = defaultdict(int)
    for a, _ in edges:
        out_degree[a] += 1
    importers = sorted((n for n, k in nodes.items() if k == "imports"), key=lambda n: (-out_degree[n], n))
    room = max(0, MAX_NODES - 1 - len(fixed))
    kept = set(fixed) | set(importers[:room])
    hidden = len(importers) - room
    more = f"+{hidden} more importers"
    new_nodes = {n: k for n, k in nodes.items() if n in kept}
    new_nodes[more] = "more"
    new_edges = {(a if a in kept else more, b) for a, b in edges if b in kept}
    return new_nodes, {(a, b) for a, b in new_edges if a != b}


def _layers(nodes: Iterable[str], edges: set[tuple[str, str]]) -> dict[str, int]:
    """Longest path to a module that imports nothing here; back edges of cycles are ignored."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        succ[a].append(b)
    layer: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(n: str) -> int:
        """Depth-first longest path; a node on the current path (a cycle) counts as absent."""
        if n in layer:
            return layer[n]
        if n in visiting:
            return -1
        visiting.add(n)
        below = [visit(m) for m in succ[n]]
        visiting.discard(n)
        layer[n] = 1 + max(below) if any(b >= 0 for b in below) else 0
        return layer[n]

    for n in sorted(nodes):
        visit(n)
    return layer


def _order(rows: list[list[str]], edges: set[tuple[str, str]]) -> list[list[str]]:
    """Barycenter heuristic, a few sweeps up and down; ties by name, so the picture is deterministic."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for sweep in range(4):
        order = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        for i in order:
            ref = rows[i - 1] if sweep % 2 == 0 else rows[i + 1]
            pos = {n: j for j, n in enumerate(ref)}

            def key(n: str) -> tuple[float, str]:
                """Mean position of the neighbours in the reference row (no neighbours: last)."""
                near = [pos[m] for m in neighbours[n] if m in pos]
                return (sum(near) / len(near) if near else float(len(ref)), n)

            rows[i] = sorted(rows[i], key=key)
    return rows


def _label(name: str, width: int = 28) -> str:
    """The module name, or its longest tail of whole dotted parts that fits (``….feature_07.handlers``)."""
    if len(name) <= width:
        return name
    parts = name.split(".")
    for i in range(1, len(parts)):
        tail = ".".join(parts[i:])
        if len(tail) + 2 <= width:
            return "…." + tail
    return "…" + name[-(width - 1):]


def render_svg(nodes: dict[str, str], edges: set[tuple[str, str]], *, title: str, key: str = "g") -> str:
    """An ``<svg>`` element (width 100%, scales with its container) for modules ``nodes`` ({name: kind})."""
    nodes, edges = _collapse(dict(nodes), {(a, b) for a, b in edges if a in nodes and b in nodes and a != b})
    layer = _layers(nodes, edges)
    top = max(layer.values(), default=0)
    rows: list[list[str]] = []
    for depth in range(top, -1, -1):  # importers first (top), defining modules last (bottom)
        members = sorted(n for n in nodes if layer[n] == depth)
        rows += [members[i:i + PER_ROW] for i in range(0, len(members), PER_ROW)] or []
    rows = _order([r for r in rows if r], edges)
    width = max((len(r) for r in rows), default=1) * (NODE_W + GAP_X) + GAP_X
    height = len(rows) * (NODE_H + GAP_Y) + GAP_Y
    where: dict[str, tuple[float, float]] = {}
    for i, row in enumerate(rows):
        offset = (width - len(row) * (NODE_W + GAP_X) + GAP_X) / 2
        for j, name in enumerate(row):
            where[name] = (offset + j * (NODE_W + GAP_X), GAP_Y / 2 + i * (NODE_H + GAP_Y))
    marker = f"arrow-{key}"
    parts = [f'<svg class="graph" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title>',
             f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>']  # fmt: skip
    for a, b in sorted(edges):
        (x1, y1), (x2, y2) = where[a], where[b]
        sx, sy, ex, ey = x1 + NODE_W / 2, y1 + NODE_H, x2 + NODE_W / 2, y2
        if ey <= sy:  # same row or upwards (a cycle): leave from the side
            sy, ey = y1 + NODE_H / 2, y2 + NODE_H / 2
        mid = (sy + ey) / 2
        parts.append(f'<path class="edge" d="M{sx:.0f},{sy:.0f} C{sx:.0f},{mid:.0f} {ex:.0f},{mid:.0f} {ex:.0f},{ey:.0f}" '
                     f'fill="none" stroke="#9ca3af" stroke-width="1.3" marker-end="url(#{marker})"/>')  # fmt: skip
    for name, (x, y) in sorted(where.items()):
        fill, stroke = KIND_STYLE[nodes[name]]
        parts.append(f'<g class="node {nodes[name]}"><title>{escape(name)} ({escape(nodes[name])})</title>'
                     f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
                     f'stroke="{stroke}"/><text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 4:.0f}" '
                     f'text-anchor="middle">{escape(_label(name))}</text></g>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
