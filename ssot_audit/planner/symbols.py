"""Plans for split symbols outside the concepts: a function or class imported through several paths (SSOT201) or
a factory defined in several modules (SSOT104). The steps come from the findings' facts alone."""

from __future__ import annotations

from collections import defaultdict

from ssot_audit.model import Finding, SymbolPlan
from ssot_audit.model.plan import DELETE_FACTORY_COPY
from ssot_audit.planner import callers
from ssot_audit.planner.callers import scan_command, short
from ssot_audit.planner.context import PlanContext
from ssot_audit.planner.imports import finding_hop_steps, import_steps
from ssot_audit.planner.steps import Draft, order_steps
from ssot_audit.planner.summary import summarize


def _copy_step(ctx: PlanContext, finding: Finding, waits: set[str]) -> Draft:
    facts = finding.facts
    return Draft(
        key=f"factory-copy:{finding.location.symbol}",
        kind=DELETE_FACTORY_COPY,
        title=f"Delete the copy of {facts['factory']}() in {finding.location.path}",
        detail=f"{finding.message}. Point its importers at {facts['canonical']}"
        + (" and fix the awaits on its calls (the copies differ in async-ness)" if facts.get("async_differs") else "")
        + ", then delete it.",
        files=(finding.location.path,),
        locations=(finding.location,),
        mechanical=not facts.get("async_differs", False),
        verify_command=scan_command(ctx.root, "SSOT104"),
        verify_expect=f"no finding at {finding.location.path}",
        deps=set(waits),
        resolves=(finding.fingerprint,),
    )


def plan_symbols(ctx: PlanContext, covered: set[str]) -> list[SymbolPlan]:
    """One plan per split symbol not in ``covered`` (the symbols the concept plans already consolidate)."""
    copies: dict[str, list[Finding]] = defaultdict(list)
    for f in ctx.by_code("SSOT104"):
        if f.facts["canonical"] not in covered and f.location.symbol not in covered:
            copies[f.facts["canonical"]].append(f)
    symbols = sorted((set(ctx.paths) - covered) | set(copies))
    plans = []
    for symbol in symbols:
        steps = import_steps(ctx, symbol, new_source=ctx.path_for(symbol), new_name=ctx.name_for(symbol), deps=set())
        drafts = steps.rewrites + steps.reexports
        if not steps.reexports:
            drafts += finding_hop_steps(ctx, symbol, steps.rewrites)
        drafts += [_copy_step(ctx, f, {d.key for d in drafts}) for f in copies.get(symbol, [])]
        drafts += [callers.remove_await(f, ctx.root) for f in ctx.by_code("SSOT401") if f.facts["callee"] == symbol]
        drafts += [callers.add_await(f, ctx.root) for f in ctx.by_code("SSOT402") if f.facts["callee"] == symbol]
        ordered = order_steps(drafts, ctx.graph, short(symbol))
        definitions = tuple(sorted({symbol, *(f.location.symbol for f in copies.get(symbol, []))}))
        paths = tuple(sorted(ctx.paths.get(symbol, {}).items(), key=lambda kv: (-kv[1], kv[0])))
        reason = ("the path most imports already use" if symbol in ctx.paths else "the definition imported by the most modules")
        plans.append(SymbolPlan(
            symbol=symbol, canonical=ctx.path_for(symbol) if symbol in ctx.paths else symbol, canonical_reason=reason,
            paths=paths, definitions=definitions, steps=ordered,
            summary=summarize(ctx, ordered, implementations=0, surface=[symbol], canonical=[symbol]),  # not a concept
        ))  # fmt: skip
    return plans
