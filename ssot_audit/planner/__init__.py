"""The consolidation planner: a pure, deterministic function of an ``AuditResult``.

It reads only the result (findings and their facts, concepts, import edges, import records), never the scanned
tree, so ``ssot-audit report findings.json`` rebuilds exactly the plan ``ssot-audit plan PATH`` prints.
"""

from __future__ import annotations

from ssot_audit.model import AuditResult, ConsolidationPlan
from ssot_audit.planner.concept import IMPLEMENTATION_ROLES, plan_concept
from ssot_audit.planner.context import PlanContext
from ssot_audit.planner.summary import total
from ssot_audit.planner.symbols import plan_symbols


def build_plan(result: AuditResult) -> ConsolidationPlan:
    """Concept plans (in the result's concept order) then split-symbol plans (by symbol), with a grand total."""
    ctx = PlanContext.from_result(result)
    concepts = tuple(plan_concept(ctx, c) for c in result.concepts if sum(m.role in IMPLEMENTATION_ROLES for m in c.members) > 1)
    covered: set[str] = set()
    for plan in concepts:
        covered.update(m.qualname for m in plan.members)
        covered.update(plan.factories)
    for f in result.findings:  # factory copies a concept plan deletes
        if f.code == "SSOT104" and f.facts["canonical"] in covered:
            covered.add(f.location.symbol)
    symbols = tuple(plan_symbols(ctx, covered))
    steps = [s for p in concepts for s in p.steps] + [s for p in symbols for s in p.steps]
    summary = total([p.summary for p in concepts] + [p.summary for p in symbols], steps)
    return ConsolidationPlan(root=result.root, concepts=concepts, symbols=symbols, summary=summary)


__all__ = ["build_plan"]
