"""The consolidation planner: a pure, deterministic function of an ``AuditResult``.

It reads only the result (findings and their facts, concepts, import edges, import records), never the scanned
tree, so ``ssot-audit report findings.json`` rebuilds exactly the plan ``ssot-audit plan PATH`` prints.
"""

from __future__ import annotations

from ssot_audit.model import AuditResult, Concept, ConceptPlan, ConsolidationPlan, SymbolPlan
from ssot_audit.model.impact import Ranking, rank
from ssot_audit.planner.concept import PLANNED_ROLES, plan_concept
from ssot_audit.planner.context import PlanContext
from ssot_audit.planner.summary import total
from ssot_audit.planner.symbols import plan_symbols


def _order(ranking: Ranking, concepts: tuple[ConceptPlan, ...], symbols: list[SymbolPlan]) -> tuple[str, ...]:
    """Concept and symbol plans ranked together by ``model.impact``: a concept by its own impact, a symbol plan by
    the most important finding group it resolves (an await misuse of one factory in 2,000 places can outrank a
    concept)."""
    keys: dict[str, tuple[int, int, int, int, int, str]] = {}
    for group in ranking.groups:
        for fp in group.fingerprints:
            keys.setdefault(fp, group.sort_key)
    last = (1, 0, 0, 0, 0, "")  # nothing ranked: after everything that is
    ranked: list[tuple[tuple[int, int, int, int, int, str], str]] = []
    for plan in concepts:
        impact = ranking.find_concept(plan.concept)
        ranked.append((impact.sort_key if impact else last, f"concept:{plan.concept}"))
    for symbol in symbols:
        found = [keys[fp] for s in symbol.steps for fp in s.resolves if fp in keys]
        ranked.append((min(found) if found else last, f"symbol:{symbol.symbol}"))
    return tuple(key for _, key in sorted(ranked))


def _needs_plan(concept: Concept) -> bool:
    """Two implementations (or shims) to bring back to one, or a dead copy or a guard to deal with."""
    return sum(m.role in PLANNED_ROLES for m in concept.members) > 1 or any(
        m.role in ("orphaned-copy", "guard") for m in concept.members)


def build_plan(result: AuditResult) -> ConsolidationPlan:
    """Concept plans then split-symbol plans, each ranked by impact (``model.impact.rank``), with a grand total."""
    ctx = PlanContext.from_result(result)
    ranking = rank(result)
    order = {impact.key: i for i, impact in enumerate(ranking.concepts)}
    ranked = sorted(result.concepts, key=lambda c: (order.get(c.name, len(order)), c.name))
    concepts = tuple(plan_concept(ctx, c) for c in ranked if _needs_plan(c))
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
    return ConsolidationPlan(root=result.root, concepts=concepts, symbols=symbols, summary=summary,
                             order=_order(ranking, concepts, list(symbols)))


__all__ = ["build_plan"]
