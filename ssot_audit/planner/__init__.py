"""The consolidation planner: a pure, deterministic function of an ``AuditResult``.

It reads only the result (findings and their facts, concepts, import edges, import records), never the scanned
tree, so ``ssot-audit report findings.json`` rebuilds exactly the plan ``ssot-audit plan PATH`` prints.
"""

from __future__ import annotations

from ssot_audit.model import AuditResult, ConsolidationPlan, SymbolPlan
from ssot_audit.model.impact import Ranking, rank
from ssot_audit.planner.concept import PLANNED_ROLES, plan_concept
from ssot_audit.planner.context import PlanContext
from ssot_audit.planner.summary import total
from ssot_audit.planner.symbols import plan_symbols


def _symbol_order(ranking: Ranking, plans: list[SymbolPlan]) -> list[SymbolPlan]:
    """Symbol plans in the order of the most important finding group they resolve (``model.impact``)."""
    position: dict[str, int] = {}
    for i, group in enumerate(ranking.groups):
        for fp in group.fingerprints:
            position.setdefault(fp, i)
    unranked = len(ranking.groups)

    def key(plan: SymbolPlan) -> tuple[int, str]:
        return min((position.get(fp, unranked) for s in plan.steps for fp in s.resolves), default=unranked), plan.symbol

    return sorted(plans, key=key)


def build_plan(result: AuditResult) -> ConsolidationPlan:
    """Concept plans then split-symbol plans, each ranked by impact (``model.impact.rank``), with a grand total."""
    ctx = PlanContext.from_result(result)
    ranking = rank(result)
    order = {impact.key: i for i, impact in enumerate(ranking.concepts)}
    ranked = sorted(result.concepts, key=lambda c: (order.get(c.name, len(order)), c.name))
    concepts = tuple(plan_concept(ctx, c) for c in ranked if sum(m.role in PLANNED_ROLES for m in c.members) > 1)
    covered: set[str] = set()
    for plan in concepts:
        covered.update(m.qualname for m in plan.members)
        covered.update(plan.factories)
    for f in result.findings:  # factory copies a concept plan deletes
        if f.code == "SSOT104" and f.facts["canonical"] in covered:
            covered.add(f.location.symbol)
    symbols = tuple(_symbol_order(ranking, plan_symbols(ctx, covered)))
    steps = [s for p in concepts for s in p.steps] + [s for p in symbols for s in p.steps]
    summary = total([p.summary for p in concepts] + [p.summary for p in symbols], steps)
    return ConsolidationPlan(root=result.root, concepts=concepts, symbols=symbols, summary=summary)


__all__ = ["build_plan"]
