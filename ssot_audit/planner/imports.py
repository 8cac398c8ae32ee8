"""Import steps for one symbol: point every importer at the canonical path, then delete the re-export lines
that nothing imports through any more."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ssot_audit.model import Location
from ssot_audit.model.plan import DELETE_REEXPORT
from ssot_audit.planner.callers import rewrite_from_finding, rewrite_import, scan_command, short
from ssot_audit.planner.context import PlanContext
from ssot_audit.planner.steps import Draft


@dataclass
class ImportSteps:
    """The drafts for one symbol, with the keys later steps (deleting the symbol) must wait for."""

    rewrites: list[Draft] = field(default_factory=list)
    reexports: list[Draft] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        """Every draft key here."""
        return {d.key for d in self.rewrites + self.reexports}


def _ssot201_at(ctx: PlanContext, symbol: str) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    for f in ctx.by_code("SSOT201"):
        if f.facts["symbol"] == symbol:
            found[(f.location.path, f.location.line)].append(f.fingerprint)
    return found


def _alias_at(ctx: PlanContext, symbol: str) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    for f in ctx.by_code("SSOT102"):
        if f.facts.get("target") == symbol:
            found[(f.location.path, f.location.line)].append(f.fingerprint)
    return found


def import_steps(ctx: PlanContext, target: str, *, new_source: str, new_name: str, deps: set[str],
                 mechanical: bool = True, note: str = "") -> ImportSteps:  # fmt: skip
    """Rewrite every import of ``target`` not already through ``new_source``; delete re-exports afterwards.

    A re-export that is ``new_source`` itself is kept (it is the canonical path). SSOT201 findings without an
    import record (symbols outside the concepts) become rewrite steps of their own.
    """
    out = ImportSteps()
    home = target.rsplit(".", 1)[0]
    hops = ctx.hops(target) - {new_source}
    divergent = _ssot201_at(ctx, target)
    aliases = _alias_at(ctx, target)
    seen: set[tuple[str, int]] = set()
    hop_lines: dict[str, list[Location]] = defaultdict(list)
    hop_resolves: dict[str, list[str]] = defaultdict(list)
    by_hop: dict[str, list[str]] = defaultdict(list)
    for ref in sorted(ctx.refs(target), key=lambda r: (r.path, r.line, r.column)):
        where = (ref.path, ref.line)
        if ref.importer in hops:
            hop_lines[ref.importer].append(Location(ref.path, ref.line, ref.column, symbol=ref.importer))
            hop_resolves[ref.importer] += aliases.get(where, [])
            seen.add(where)
            continue
        if ref.importer in (home, new_source) or (ref.source == new_source and ref.name == new_name):
            continue
        seen.add(where)
        codes = tuple(code for code, found in (("SSOT201", divergent), ("SSOT102", aliases)) if where in found)
        draft = rewrite_import(ref, new_source, new_name, ctx.root, tuple(divergent.get(where, [])) + tuple(aliases.get(where, [])),
                               codes)  # fmt: skip
        draft.deps |= deps
        draft.mechanical = mechanical
        draft.detail += note
        out.rewrites.append(draft)
        by_hop[ref.source].append(draft.key)
    for where, _ in divergent.items():
        if where not in seen:
            for f in ctx.by_code("SSOT201"):
                if f.facts["symbol"] == target and (f.location.path, f.location.line) == where:
                    out.rewrites.append(rewrite_from_finding(f, ctx.root))
                    by_hop[f.facts["used_path"]].append(out.rewrites[-1].key)
    for hop in sorted(hop_lines):
        out.reexports.append(_delete_reexport(ctx, target, hop, hop_lines[hop], by_hop[hop], hop_resolves[hop]))
    return out


def _delete_reexport(ctx: PlanContext, target: str, hop: str, lines: list[Location], waits: list[str],
                     resolves: list[str]) -> Draft:  # fmt: skip
    path = lines[0].path
    importers = {r.importer for r in ctx.refs(target) if r.source == hop}
    return Draft(
        key=f"reexport:{hop}:{target}",
        kind=DELETE_REEXPORT,
        title=f"Delete the re-export of {short(target)} from {hop}",
        detail=f"{path} re-exports {target} (line {', '.join(str(loc.line) for loc in lines)}); once no module "
        f"imports it through {hop}, remove it from __all__ and remove the import unless {hop} itself uses the name.",
        files=(path,),
        locations=tuple(lines),
        verify_command=scan_command(ctx.root, "SSOT201,SSOT102"),
        verify_expect=f"no import of {short(target)} through {hop} is reported",
        blast_radius=len(importers),
        deps=set(waits),
        resolves=tuple(resolves),
    )


def finding_hop_steps(ctx: PlanContext, symbol: str, rewrites: list[Draft]) -> list[Draft]:
    """Re-export deletions for a symbol known only from SSOT201 facts (no import records): one per hop path."""
    canonical = ctx.path_for(symbol)
    home = symbol.rsplit(".", 1)[0]
    drafts = []
    for hop in sorted(ctx.paths.get(symbol, {})):
        if hop in (canonical, home) or hop not in ctx.graph.path_of:
            continue
        waits = {d.key for d in rewrites if d.before.startswith(f"from {hop} import ")}
        drafts.append(Draft(
            key=f"reexport:{hop}:{symbol}",
            kind=DELETE_REEXPORT,
            title=f"Delete the re-export of {short(symbol)} from {hop}",
            detail=f"{ctx.graph.path_of[hop]} re-exports {symbol}; once no module imports it through {hop}, remove it.",
            files=(ctx.graph.path_of[hop],),
            verify_command=scan_command(ctx.root, "SSOT201"),
            verify_expect=f"no import of {short(symbol)} through {hop} is reported",
            blast_radius=ctx.paths[symbol][hop],
            deps=waits,
        ))  # fmt: skip
    return drafts
