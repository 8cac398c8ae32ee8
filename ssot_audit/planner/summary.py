"""The manager's view of a plan: N implementations -> 1, M import paths -> P, K await misuses, files touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ssot_audit.model import PlanStep, PlanSummary
from ssot_audit.planner.context import PlanContext

AWAIT_CODES = ("SSOT401", "SSOT402")  # await on a sync callable, coroutine never awaited


def import_paths(ctx: PlanContext, surface: Iterable[str]) -> set[tuple[str, str]]:
    """Distinct (symbol, import path) pairs in use for the symbols of a plan (outside their own modules)."""
    pairs: set[tuple[str, str]] = set()
    for symbol in surface:
        home = symbol.rsplit(".", 1)[0]
        pairs.update((symbol, r.source) for r in ctx.refs(symbol) if r.importer != home)
        pairs.update((symbol, path) for path in ctx.paths.get(symbol, {}))
    return pairs


def summarize(ctx: PlanContext, steps: Sequence[PlanStep], *, implementations: int, surface: Sequence[str],
              canonical: Sequence[str]) -> PlanSummary:  # fmt: skip
    """Counts for one plan; ``surface`` is every symbol it consolidates, ``canonical`` the ones that remain."""
    used = import_paths(ctx, surface)
    return PlanSummary(
        implementations=implementations,
        import_paths=len({path for _, path in used}) if used else 0,
        canonical_paths=len({ctx.path_for(s) for s in canonical}),
        await_misuses=sum(1 for s in steps for fp in s.resolves if ctx.code_of(fp) in AWAIT_CODES),
        files_touched=len({f for s in steps for f in s.files}),
        steps=len(steps),
        mechanical_steps=sum(1 for s in steps if s.mechanical),
    )


def total(summaries: Sequence[PlanSummary], steps: Sequence[PlanStep]) -> PlanSummary:
    """The grand total over several plans (files counted once)."""
    return PlanSummary(
        implementations=sum(s.implementations for s in summaries),
        import_paths=sum(s.import_paths for s in summaries),
        canonical_paths=sum(s.canonical_paths for s in summaries),
        await_misuses=sum(s.await_misuses for s in summaries),
        files_touched=len({f for s in steps for f in s.files}),
        steps=len(steps),
        mechanical_steps=sum(1 for s in steps if s.mechanical),
    )
