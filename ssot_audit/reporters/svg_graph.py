"""Inline SVG of an import-graph picture (``planner.graph_view.GraphView``), laid out in Python (no JavaScript).

What the boxes are (grouping of tests and packages, labels, roles) is decided by ``graph_view``; this module only
places and draws them. Layout: longest-path layering (importers above what they import), boxes of one package kept
together in a row, barycenter sweeps to reduce crossings, long layers wrapped into rows. Boxes are as wide as their
label (the canonical module's name is never cut); the full name is the hover text; edges are drawn first, so they
pass behind boxes, and thicker for more imports. A legend of the roles present sits above the picture. Every text is
XML-escaped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from ssot_audit.planner.graph_view import ROLES, GraphView

PER_ROW = 5
NODE_H, GAP_X, GAP_Y, CHAR_W, PAD, MIN_W = 34, 22, 60, 6.7, 16, 120
LEGEND_H = 30


def _width(label: str) -> float:
    return max(MIN_W, len(label) * CHAR_W + PAD)


def _layers(nodes: Iterable[str], edges: set[tuple[str, str]]) -> dict[str, int]:
    """Longest path to a node that imports nothing here; back edges of cycles are ignored."""
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


def _order(rows: list[list[str]], edges: set[tuple[str, str]], package: dict[str, str]) -> list[list[str]]:
    """Barycenter sweeps up and down, a package's boxes kept together; ties by name, so the picture is stable."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for sweep in range(4):
        order = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        for i in order:
            ref = rows[i - 1] if sweep % 2 == 0 else rows[i + 1]
            pos = {n: j for j, n in enumerate(ref)}

            def centre(n: str) -> float:
                """Mean position of the neighbours in the reference row (no neighbours: last)."""
                near = [pos[m] for m in neighbours[n] if m in pos]
                return sum(near) / len(near) if near else float(len(ref))

            by_pkg: dict[str, list[float]] = defaultdict(list)
            for n in rows[i]:
                by_pkg[package[n]].append(centre(n))
            pkg_centre = {p: sum(v) / len(v) for p, v in by_pkg.items()}
            rows[i] = sorted(rows[i], key=lambda n: (pkg_centre[package[n]], package[n], centre(n), n))
    return rows


def _legend(view: GraphView, parts: list[str]) -> None:
    x = 8.0
    for role, fill, stroke, text in view.legend:
        parts.append(f'<g class="legend {role}"><rect x="{x:.0f}" y="8" width="14" height="14" rx="3" fill="{fill}" '
                     f'stroke="{stroke}"/><text x="{x + 20:.0f}" y="19">{escape(text)}</text></g>')  # fmt: skip
        x += 20 + len(text) * CHAR_W + 18


def render_svg(view: GraphView, *, title: str, key: str = "g") -> str:
    """An ``<svg>`` element (width 100%, scales with its container) of ``view``."""
    nodes = {n.id: n for n in view.nodes}
    edges = {(a, b) for a, b, _ in view.edges}
    weight = {(a, b): w for a, b, w in view.edges}
    layer = _layers(nodes, edges)
    rows: list[list[str]] = []
    for depth in range(max(layer.values(), default=0), -1, -1):  # importers first (top), defining modules last
        members = sorted((n for n in nodes if layer[n] == depth), key=lambda n: (nodes[n].package, n))
        rows += [members[i : i + PER_ROW] for i in range(0, len(members), PER_ROW)]
    rows = _order([r for r in rows if r], edges, {n: nodes[n].package for n in nodes})
    row_w = [sum(_width(nodes[n].label) for n in r) + GAP_X * (len(r) - 1) for r in rows]
    width = max([*row_w, 400.0, sum(len(t) * CHAR_W + 38 for *_, t in view.legend)]) + 2 * GAP_X
    height = LEGEND_H + len(rows) * (NODE_H + GAP_Y) + GAP_Y / 2
    box: dict[str, tuple[float, float, float]] = {}  # id -> (x, y, w)
    for i, row in enumerate(rows):
        x = (width - row_w[i]) / 2
        for n in row:
            box[n] = (x, LEGEND_H + GAP_Y / 2 + i * (NODE_H + GAP_Y), _width(nodes[n].label))
            x += box[n][2] + GAP_X
    marker = f"arrow-{key}"
    parts = [f'<svg class="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
             f'role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title>',
             f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>']  # fmt: skip
    _legend(view, parts)
    for a, b in sorted(edges):
        (x1, y1, w1), (x2, y2, w2) = box[a], box[b]
        sx, sy, ex, ey = x1 + w1 / 2, y1 + NODE_H, x2 + w2 / 2, y2
        if ey <= sy:  # same row or upwards (a cycle): leave from the side
            sy, ey = y1 + NODE_H / 2, y2 + NODE_H / 2
        mid = (sy + ey) / 2
        thickness = 1.2 + min(3.0, math.log2(weight[(a, b)]))
        parts.append(f'<path class="edge" d="M{sx:.0f},{sy:.0f} C{sx:.0f},{mid:.0f} {ex:.0f},{mid:.0f} {ex:.0f},{ey:.0f}" '
                     f'fill="none" stroke="#9ca3af" stroke-width="{thickness:.1f}" marker-end="url(#{marker})">'
                     f'<title>{weight[(a, b)]} import{"s" * (weight[(a, b)] != 1)}</title></path>')  # fmt: skip
    for n, (x, y, w) in sorted(box.items()):
        node = nodes[n]
        fill, stroke, _ = ROLES[node.role]
        parts.append(f'<g class="node {node.role}"><title>{escape(node.hover)}</title>'
                     f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{NODE_H}" rx="6" fill="{fill}" '
                     f'stroke="{stroke}"/><text x="{x + w / 2:.0f}" y="{y + NODE_H / 2 + 4:.0f}" '
                     f'text-anchor="middle">{escape(node.label)}</text></g>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
