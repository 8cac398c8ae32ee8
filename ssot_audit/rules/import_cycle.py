"""Modules import each other in a cycle.

## What it does
Finds the strongly connected components of the module import graph, using imports executed at import time
(module level, not under ``if TYPE_CHECKING:``; function-local imports only with the option below). One finding
per cycle, on the import that the smallest set of edges to cut starts with; the other cuts are related
locations. For cycles of up to 14 edges the set is a proven minimum; beyond, a greedy ordering.

## Why is this bad?
Import order starts to matter: a name is ``None`` or missing depending on which module was imported first, and
splitting a module or consolidating a duplicate breaks unrelated code.

## Example
```python
# app/services/notifications.py
from app.services.presence import PresenceTracker
# app/services/presence.py
from app.services.notifications import notify
```

## Use instead
Move what both need into a third module, or import under ``TYPE_CHECKING`` when only annotations need it.

## Options
``include-function-local`` (bool, default false): count imports inside functions as edges.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssot_audit.analysis.graph import Cycle
from ssot_audit.model import Confidence, Finding, Location, Related, RuleOption, Severity
from ssot_audit.rules.base import Rule, RuleContext, make_finding, make_rule_info

INFO = make_rule_info(
    "SSOT202",
    "import-cycle",
    Severity.WARNING,
    __doc__,
    (RuleOption("include-function-local", "bool", False, "count function-local imports as edges"),),
)


def check(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per import cycle.

    Units: one per cycle (its modules, a tuple). Setup: the graph's cycles (built with the model)."""
    include_local = bool(ctx.options.get("include-function-local", False))
    for cycle in ctx.graph.find_cycles(include_function_local=include_local):
        if ctx.runs(tuple(cycle.modules)):
            with ctx.unit(tuple(cycle.modules)):
                yield _finding(ctx, cycle, include_local)


def _finding(ctx: RuleContext, cycle: Cycle, include_local: bool) -> Finding:
    """The finding of one cycle (its unit, keyed by the cycle's modules)."""
    importer, imported = cycle.break_edges[0]
    info = ctx.index.get_module(importer)
    line = ctx.graph.edge_lines(importer, imported, runtime_only=True, include_function_local=include_local)[0]
    related = []
    for u, v in cycle.break_edges[1:]:
        other = ctx.index.get_module(u)
        cut = ctx.graph.edge_lines(u, v, runtime_only=True, include_function_local=include_local)[0]
        related.append(Related(Location(other.relpath, cut, 1, symbol=u),
                               f"also cut: {u} imports {v}"))  # fmt: skip
    chain = " <-> ".join(cycle.modules) if len(cycle.modules) == 2 else ", ".join(cycle.modules)
    return make_finding(
        INFO,
        module=info,
        line=line,
        column=1,
        symbol=importer,
        message=(
            f"import cycle between {len(cycle.modules)} modules ({chain}); cutting {len(cycle.break_edges)} "
            f"import(s), starting with {importer} -> {imported}, breaks it"
        ),
        fix_hint=(
            f"move what {importer} needs from {imported} into a module both can import, or import it under "
            "TYPE_CHECKING / inside the function that uses it"
        ),
        key="cycle:" + ",".join(cycle.modules),
        confidence=Confidence.HIGH if cycle.minimal else Confidence.MEDIUM,
        related=related,
        facts={
            "modules": list(cycle.modules),
            "edges": [list(e) for e in cycle.edges],
            "break_edges": [list(e) for e in cycle.break_edges],
            "minimal": cycle.minimal,
        },
    )


RULE = Rule(INFO, check)
