"""What an import-graph picture shows, decided once for the HTML report and the dashboard (which only draw it).

A concept's neighbourhood on a real backend is 60 to 130 modules, most of them tests: drawn one box per module it
is a wall of truncated test names. ``group_modules`` makes it readable without losing what matters:

1. modules with a role in the concept (canonical, defines a copy, re-exports) keep a box of their own, except that
   copies more than half the picture (100 look-alike config flows) group by package too;
2. test modules that only import collapse into one node per test package (``app.tests``: 14 test modules);
3. while the picture is still above ``max_nodes``, the remaining importers collapse into one node per package, the
   package prefix shortening until it fits.

Each node carries its full name (or the modules it stands for) for a hover text, a short label (the canonical
node's is never cut), its role (for colour and legend) and its package (for grouping on screen). Pure: plain data
in, plain data out; no networkx, no markup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ssot_audit.model import AuditResult

MAX_NODES = 40
LABEL_WIDTH = 30
# role -> (fill, stroke, legend text); drawing order of the legend
ROLES: dict[str, tuple[str, str, str]] = {
    "canonical": ("#dcfce7", "#15803d", "canonical module"),
    "focus": ("#fef9c3", "#a16207", "focus"),
    "defines": ("#fee2e2", "#b91c1c", "defines a copy"),
    "re-exports": ("#fef3c7", "#b45309", "re-exports"),
    "imports": ("#e0e7ff", "#4338ca", "imports"),
    "package": ("#eef2ff", "#6366f1", "package of importers (grouped)"),
    "tests": ("#f3f4f6", "#6b7280", "test modules (grouped)"),
}
FIXED_ROLES = frozenset({"canonical", "focus", "defines", "re-exports"})
_TEST_PARTS = frozenset({"test", "tests", "testing", "conftest"})


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One box: a module, or a group of modules of one package."""

    id: str  # a module name, or "<package>.*" / "<package> (tests)" for a group
    label: str  # what the box says (shortened; never for the canonical node)
    hover: str  # the full name, or the grouped modules
    role: str  # a key of ``ROLES``
    package: str  # the package it is drawn with
    modules: tuple[str, ...]  # the modules it stands for


@dataclass(frozen=True, slots=True)
class GraphView:
    """Nodes and weighted edges (``count`` module imports between two boxes) of one picture."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str, int], ...]
    modules: int  # modules before grouping

    @property
    def legend(self) -> tuple[tuple[str, str, str, str], ...]:
        """(role, fill, stroke, text) of each role present, in ``ROLES`` order."""
        present = {n.role for n in self.nodes}
        return tuple((r, *ROLES[r]) for r in ROLES if r in present)


def is_test_module(module: str) -> bool:
    """A module under a ``tests``/``test`` package, or named ``test_*``, ``*_test`` or ``conftest``."""
    parts = module.split(".")
    return any(p in _TEST_PARTS or p.startswith("test_") or p.endswith("_test") for p in parts)


def package_of(module: str, depth: int | None = None) -> str:
    """The module's package (its name without the last part), or its first ``depth`` parts."""
    parts = module.split(".")
    if depth is not None:
        return ".".join(parts[: min(depth, max(1, len(parts) - 1))])
    return ".".join(parts[:-1]) or parts[0]


def suite_package(module: str) -> str:
    """The package a test module is grouped in: the path up to its first test part (``app.tests``)."""
    parts = module.split(".")
    for i, p in enumerate(parts):
        if p in _TEST_PARTS or p.startswith("test_") or p.endswith("_test"):
            return ".".join(parts[: i + 1] if p in ("tests", "test", "testing") else parts[:i]) or parts[0]
    return package_of(module)


def short_label(name: str, width: int = LABEL_WIDTH) -> str:
    """``name`` or its longest tail of whole dotted parts that fits (``….feature_07.handlers``)."""
    if len(name) <= width:
        return name
    parts = name.split(".")
    for i in range(1, len(parts)):
        tail = ".".join(parts[i:])
        if len(tail) + 2 <= width:
            return "…." + tail
    return "…" + name[-(width - 1) :]


def _group(kind: str, package: str, modules: list[str]) -> GraphNode:
    n = len(modules)
    if kind == "tests":
        node_id, text = f"{package} (tests)", f"{n} test module{'s' * (n != 1)}"
    elif kind == "defines":
        node_id, text = f"{package}.* (copies)", f"{n} modules with a copy"
    else:
        node_id, text = f"{package}.*", f"{n} module{'s' * (n != 1)}"
    hover = f"{node_id}: " + ", ".join(sorted(modules))
    return GraphNode(node_id, f"{short_label(package, LABEL_WIDTH + 6)} ({text})", hover, kind, package,
                     tuple(sorted(modules)))  # fmt: skip


def _single(module: str, role: str) -> GraphNode:
    label = module if role in ("canonical", "focus") else short_label(module)
    return GraphNode(module, label, f"{module} ({ROLES[role][2]})", role, package_of(module), (module,))


def group_modules(roles: Mapping[str, str], edges: Iterable[tuple[str, str]], *,
                  max_nodes: int = MAX_NODES) -> GraphView:  # fmt: skip
    """The picture of modules ``roles`` ({module: role}) and the imports ``edges`` among them (see the module doc)."""
    fixed = sorted(m for m, r in roles.items() if r in FIXED_ROLES)
    rest = sorted(m for m, r in roles.items() if r not in FIXED_ROLES)
    nodes: list[GraphNode] = []
    if len(fixed) > max_nodes // 2:  # a hundred look-alike copies: the copies group by package, the rest stays
        copies = [m for m in fixed if roles[m] == "defines"]
        fixed = [m for m in fixed if roles[m] != "defines"]
        nodes += _fit(copies, roles, max_nodes // 2 - len(fixed), kind="defines")
    nodes += [_single(m, roles[m]) for m in fixed]
    tests: dict[str, list[str]] = defaultdict(list)
    plain: list[str] = []
    for m in rest:
        (tests[suite_package(m)] if is_test_module(m) else plain).append(m)
    if len(tests) > max_nodes // 2:  # tests spread over many packages: one group per top-level package
        merged: dict[str, list[str]] = defaultdict(list)
        for package, ms in tests.items():
            merged[package.split(".")[0]].extend(ms)
        tests = merged
    groups = [_group("tests", p, ms) if len(ms) > 1 else _single(ms[0], roles[ms[0]]) for p, ms in sorted(tests.items())]
    nodes += groups + _fit(plain, roles, max_nodes - len(nodes) - len(groups))
    owner = {m: n.id for n in nodes for m in n.modules}
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for a, b in edges:
        if a in owner and b in owner and owner[a] != owner[b]:
            weights[(owner[a], owner[b])] += 1
    ordered = sorted(nodes, key=lambda n: (n.package, n.id))
    return GraphView(tuple(ordered), tuple((a, b, w) for (a, b), w in sorted(weights.items())), len(roles))


def _fit(modules: list[str], roles: Mapping[str, str], room: int, kind: str = "package") -> list[GraphNode]:
    """``modules`` as single boxes if they fit in ``room``, else grouped by ever shorter package prefixes."""
    if len(modules) <= max(room, 0):
        return [_single(m, roles[m]) for m in modules]
    deepest = max((len(m.split(".")) for m in modules), default=1)
    for depth in range(deepest - 1, 0, -1):
        by_package: dict[str, list[str]] = defaultdict(list)
        for m in modules:
            by_package[package_of(m, depth)].append(m)
        if len(by_package) <= max(room, 1) or depth == 1:
            return [_group(kind, p, ms) if len(ms) > 1 else _single(ms[0], roles[ms[0]])
                    for p, ms in sorted(by_package.items())]  # fmt: skip
    return [_group(kind, "", modules)]


def concept_roles(result: AuditResult, members: Iterable[str], factories: Iterable[str],
                  canonical: str) -> tuple[dict[str, str], set[tuple[str, str]]]:  # fmt: skip
    """({module: role}, import edges) of the modules that define, re-export and import a concept's names.

    ``members`` and ``factories`` are qualified names; ``canonical`` the canonical class. An edge ``a -> b`` means
    ``a`` imports a concept name from ``b``.
    """
    members, factories = list(members), list(factories)  # read more than once below: iterators would run dry
    targets = set(members) | set(factories)
    names = {t.rsplit(".", 1)[-1] for t in factories}
    refs = [r for r in result.symbol_imports if r.target in targets or r.target.rsplit(".", 1)[-1] in names]
    roles: dict[str, str] = {}
    for r in refs:
        roles.setdefault(r.importer, "imports")
    for r in refs:
        if r.source != r.target.rsplit(".", 1)[0] and r.source != r.importer:
            roles[r.source] = "re-exports"
    for r in refs:
        roles[r.target.rsplit(".", 1)[0]] = "defines"
    for m in members:
        roles[m.rsplit(".", 1)[0]] = "defines"
    roles[canonical.rsplit(".", 1)[0]] = "canonical"
    return roles, {(r.importer, r.source) for r in refs if r.importer != r.source}
