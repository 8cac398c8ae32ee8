"""The plan for one concept cluster: canonical choice, method matrix and the ordered steps back to one class.

Order of work (each arrow is a dependency, so no step breaks an importer): move the methods the canonical class
lacks -> turn each duplicate into an alias of the canonical class (one behaviour switch, in one file) -> point every
import, construction and ``await`` at the canonical class and factory -> delete re-exports, factory copies, aliases
and shims once nothing imports them.
"""

from __future__ import annotations

from ssot_audit.model import Concept, ConceptMember, ConceptPlan, Finding, MemberRow
from ssot_audit.model.impact import implementations
from ssot_audit.model.plan import ADD_AWAIT, ALIAS_DUPLICATE, DELETE_FACTORY_COPY, DELETE_SHIM, MOVE_METHODS, REWRITE_IMPORT
from ssot_audit.planner import callers
from ssot_audit.planner.callers import import_line, module_of, scan_command, short
from ssot_audit.planner.context import PlanContext
from ssot_audit.planner.imports import ImportSteps, import_steps
from ssot_audit.planner.steps import Draft, order_steps
from ssot_audit.planner.summary import summarize

# Members a concept plan works on (shims get a delete step); which of them count as implementations is
# ``model.impact.implementations``, the one definition every output reads.
PLANNED_ROLES = ("canonical", "duplicate", "shim")


def _evidence(concept: Concept, canon: ConceptMember, rows: list[ConceptMember], methods: list[str]) -> tuple[str, ...]:
    others = [m for m in rows if m is not canon]
    evidence = []
    if concept.origin == "configured":
        evidence.append("declared canonical in [tool.ssot-audit.concepts]")
    runner = max((m.importers for m in others), default=0)
    evidence.append(f"imported by {canon.importers} modules (the next implementation: {runner})")
    evidence.append(f"{len(canon.public_methods)} of the {len(methods)} public methods the implementations define")
    homes = [f for f in concept.factories if module_of(f) == module_of(canon.qualname)]
    if homes:
        evidence.append(f"defined in the module of its factory {short(homes[0])}()")
    return tuple(evidence)


def _move_steps(ctx: PlanContext, canon: ConceptMember, others: list[ConceptMember]) -> tuple[list[Draft], dict[str, set[str]]]:
    """One step per member that brings methods the canonical class lacks (each method moved once)."""
    have = set(canon.public_methods)
    assigned: dict[str, str] = {}
    drafts = []
    for member in others:
        mine = [m for m in member.public_methods if m not in have and m not in assigned]
        if not mine:
            continue
        key = f"move:{member.qualname}"
        assigned.update(dict.fromkeys(mine, key))
        asyncs = [m for m in mine if m in member.async_methods]
        drafts.append(Draft(
            key=key,
            kind=MOVE_METHODS,
            title=f"Move {', '.join(m + '()' for m in mine)} from {short(member.qualname)} into {ctx.name_for(canon.qualname)}",
            detail=f"{ctx.name_for(canon.qualname)} lacks {', '.join(mine)}, which {member.qualname} has"
            + (f" ({', '.join(asyncs)} async)" if asyncs else "")
            + ": add them to the canonical class (with their tests) before any caller is switched to it.",
            files=(canon.location.path, member.location.path),
            locations=(canon.location, member.location),
            mechanical=False,
            verify_command=scan_command(ctx.root, "SSOT101") + " --format json",
            verify_expect=f"missing_in_canonical no longer lists {', '.join(mine)}",
            blast_radius=canon.importers,
        ))  # fmt: skip
    needs = {m.qualname: {assigned[x] for x in m.public_methods if x in assigned} for m in others}
    return drafts, needs


def _alias_step(ctx: PlanContext, canon: ConceptMember, member: ConceptMember, deps: set[str]) -> Draft:
    differs = sorted(set(member.async_methods) ^ (set(canon.async_methods) & set(member.public_methods)))
    note = f" Async-ness differs for {', '.join(differs)}: callers of those must change with it." if differs else ""
    return Draft(
        key=f"alias:{member.qualname}",
        kind=ALIAS_DUPLICATE,
        title=f"Turn {short(member.qualname)} into an alias of {ctx.name_for(canon.qualname)}",
        detail=f"Replace the class body in {member.location.path} with a deprecation shim that re-exports the canonical "
        f"class (optionally warning from a module __getattr__); its {member.importers} importers keep working "
        f"unchanged.{note}",
        files=(member.location.path,),
        locations=(member.location,),
        mechanical=False,
        verify_command=scan_command(ctx.root, "SSOT101"),
        verify_expect=f"{short(member.qualname)} is no longer listed as a duplicate implementation",
        blast_radius=member.importers,
        deps=set(deps),
        before=f"class {short(member.qualname)}: ...",
        after=import_line(ctx.path_for(canon.qualname), ctx.name_for(canon.qualname), short(member.qualname)),
    )


def _delete_step(ctx: PlanContext, member: ConceptMember, waits: set[str], resolves: tuple[str, ...]) -> Draft:
    return Draft(
        key=f"delete:{member.qualname}",
        kind=DELETE_SHIM,
        title=f"Delete {short(member.qualname)} from {member.location.path}",
        detail=f"Nothing imports or constructs {member.qualname} any more: delete it"
        + (" (and the module, if it holds nothing else)." if member.role != "canonical" else "."),
        files=(member.location.path,),
        locations=(member.location,),
        verify_command=scan_command(ctx.root, "SSOT101,SSOT103"),
        verify_expect=f"{short(member.qualname)} appears in no finding",
        blast_radius=0,
        deps=set(waits),
        resolves=resolves,
    )


def _alias_deletes(ctx: PlanContext, names: set[str]) -> dict[str, Draft]:
    """SSOT102 aliases by assignment (``X = Duplicate``): delete each once nothing imports the alias name."""
    drafts = {}
    for f in ctx.by_code("SSOT102"):
        if f.facts["target"] not in names or f.location.symbol.rsplit(".", 1)[0] in ctx.hops(f.facts["target"]):
            continue
        alias, home = f.facts["alias"], f.location.symbol.rsplit(".", 1)[0]
        waits = {f"import:{r.path}:{r.line}:{r.column}:{r.bound}" for r in ctx.refs(f.facts["target"])
                 if r.source == home and r.name == alias}  # fmt: skip
        drafts[f.fingerprint] = Draft(
            key=f"alias-delete:{f.location.symbol}", kind=DELETE_SHIM, title=f"Delete the alias {alias} in {f.location.path}",
            detail=f"{f.location.path}:{f.location.line} names {f.facts['target']} '{alias}'; delete it once nothing imports it.",
            files=(f.location.path,), locations=(f.location,), verify_command=scan_command(ctx.root, "SSOT102"),
            verify_expect=f"no finding at {f.location.path}:{f.location.line}", blast_radius=0, deps=waits,
            resolves=(f.fingerprint,), before=f"{alias} = {short(f.facts['target'])}",
        )  # fmt: skip
    return drafts


def _factory_steps(ctx: PlanContext, factories: set[str]) -> tuple[list[Draft], set[str]]:
    """Point the imports of each duplicate factory copy at the canonical factory, then delete the copy."""
    drafts: list[Draft] = []
    copies = set()
    for f in ctx.by_code("SSOT104"):
        if f.facts["canonical"] not in factories:
            continue
        copy, canonical = f.location.symbol, f.facts["canonical"]
        copies.add(copy)
        differs = bool(f.facts.get("async_differs"))
        note = " The copy is async and the canonical factory is not: drop the awaits on its calls in the same change." if differs else ""
        steps = import_steps(ctx, copy, new_source=ctx.path_for(canonical), new_name=ctx.name_for(canonical), deps=set(),
                             mechanical=not differs, note=note)  # fmt: skip
        drafts += steps.rewrites + steps.reexports
        importers = {r.importer for r in ctx.refs(copy) if r.importer != module_of(copy)}
        drafts.append(Draft(
            key=f"factory-copy:{copy}", kind=DELETE_FACTORY_COPY,
            title=f"Delete the copy of {short(copy)}() in {f.location.path}",
            detail=f"{f.message}. Once nothing imports it, delete it; {canonical} is the one factory.",
            files=(f.location.path,), locations=(f.location,), verify_command=scan_command(ctx.root, "SSOT104"),
            verify_expect=f"no finding at {f.location.path}", blast_radius=len(importers), deps=steps.keys,
            resolves=(f.fingerprint,),
        ))  # fmt: skip
    return drafts, copies


def _orphan_steps(ctx: PlanContext, concept: Concept) -> list[Draft]:
    """Delete each dead copy of a member (SSOT105): nothing imports it, so nothing waits."""
    copies = {f.location.symbol: f for f in ctx.by_code("SSOT105")}
    drafts = []
    for member in concept.members:
        finding = copies.get(member.qualname)
        if member.role != "orphaned-copy" or finding is None:
            continue
        drafts.append(Draft(
            key=f"orphan:{member.qualname}", kind=DELETE_SHIM,
            title=f"Delete the dead copy {short(member.qualname)} in {member.location.path}",
            detail=f"{finding.message}. Delete it (or its file); version control keeps the history.",
            files=(member.location.path,), locations=(member.location,),
            verify_command=scan_command(ctx.root, "SSOT105"), verify_expect=f"no finding at {member.location.path}",
            blast_radius=0, resolves=(finding.fingerprint,),
        ))  # fmt: skip
    return drafts


def _concerns(f: Finding, surface: set[str], classes: list[str]) -> bool:
    callee = f.facts.get("callee", "")
    return callee in surface or any(callee.startswith(c + ".") for c in classes)


def plan_concept(ctx: PlanContext, concept: Concept) -> ConceptPlan:
    """Every step that brings ``concept`` back to its canonical class and factory, ordered and numbered."""
    rows = [m for m in concept.members if m.role in PLANNED_ROLES]
    canon = next(m for m in rows if m.qualname == concept.canonical)
    others = sorted((m for m in rows if m is not canon), key=lambda m: m.qualname)
    methods = sorted({x for m in rows for x in m.public_methods})
    drafts, needs = _move_steps(ctx, canon, others)
    factory_drafts, copies = _factory_steps(ctx, set(concept.factories))
    drafts += factory_drafts
    names = {m.qualname for m in others}
    shim_base = {f.location.symbol: f.facts["base"] for f in ctx.by_code("SSOT103") if f.location.symbol in names}
    shim_fp = {f.location.symbol: f.fingerprint for f in ctx.by_code("SSOT103")}
    waits: dict[str, set[str]] = {m.qualname: set() for m in others}
    for member in others:
        deps = set(needs[member.qualname])
        if member.role == "duplicate":
            drafts.append(_alias_step(ctx, canon, member, deps))
            deps = {f"alias:{member.qualname}"}
        elif shim_base.get(member.qualname) in names:
            deps |= {f"alias:{shim_base[member.qualname]}"}
        moved: ImportSteps = import_steps(ctx, member.qualname, new_source=ctx.path_for(canon.qualname),
                                          new_name=ctx.name_for(canon.qualname), deps=deps)  # fmt: skip
        drafts += moved.rewrites + moved.reexports
        waits[member.qualname] |= moved.keys | deps
    for target in [canon.qualname, *(f for f in concept.factories if f not in copies)]:
        paths = import_steps(ctx, target, new_source=ctx.path_for(target), new_name=ctx.name_for(target), deps=set())
        drafts += paths.rewrites + paths.reexports
    for fp, draft in _alias_deletes(ctx, names).items():
        drafts.append(draft)
        waits[next(f.facts["target"] for f in ctx.findings if f.fingerprint == fp)].add(draft.key)
    drafts += _caller_steps(ctx, concept, set(concept.factories) | copies | {m.qualname for m in rows}, waits)
    for member in others:
        if shim_base.get(member.qualname) in waits:
            waits[shim_base[member.qualname]].add(f"delete:{member.qualname}")
    drafts += [_delete_step(ctx, m, waits[m.qualname], (shim_fp[m.qualname],) if m.qualname in shim_fp else ())
               for m in others]  # fmt: skip
    drafts += _orphan_steps(ctx, concept)
    steps = order_steps(_fold_unawaited_into_rewrites(ctx, drafts), ctx.graph, concept.name)
    return ConceptPlan(
        concept=concept.name, origin=concept.origin, canonical=concept.canonical,
        canonical_reason=concept.canonical_reason, evidence=_evidence(concept, canon, rows, methods),
        factories=concept.factories,
        members=tuple(MemberRow(m.qualname, m.role, m.location, m.importers, m.public_methods, m.async_methods) for m in [canon, *others]),
        methods=tuple(methods), missing_in_canonical=tuple(x for x in methods if x not in canon.public_methods),
        steps=steps, summary=summarize(ctx, steps, implementations=implementations(concept), surface=[canon.qualname, *names, *concept.factories, *copies],
                                       canonical=[canon.qualname, *(f for f in concept.factories if f not in copies)]),
    )  # fmt: skip


def _caller_steps(ctx: PlanContext, concept: Concept, surface: set[str], waits: dict[str, set[str]]) -> list[Draft]:
    """Constructions, awaits and shared instances that involve the concept."""
    classes = sorted(m.qualname for m in concept.members if m.role in PLANNED_ROLES)
    factory = concept.factories[0] if concept.factories else None
    drafts = []
    for f in ctx.by_code("SSOT301"):
        if f.facts.get("concept") == concept.name:
            draft = callers.use_factory(f, ctx.root)
            cls = f.facts["class"]
            if cls in waits:
                draft.deps.add(f"alias:{cls}")
                waits[cls].add(draft.key)
            drafts.append(draft)
    guards = {m.qualname for m in concept.members if m.role == "guard"}
    drafts += [callers.use_factory(f, ctx.root) for f in ctx.by_code("SSOT303") if f.facts.get("class") in guards]
    for f in ctx.by_code("SSOT302"):
        if f.facts.get("concept") == concept.name:
            drafts.append(callers.isolate_instance(f, factory, ctx.root))
            waits.get(f.facts["class"], set()).add(drafts[-1].key)
    drafts += [callers.remove_await(f, ctx.root) for f in ctx.by_code("SSOT401") if _concerns(f, surface, classes)]
    drafts += [callers.add_await(f, ctx.root) for f in ctx.by_code("SSOT402") if _concerns(f, surface, classes)]
    return drafts


def _fold_unawaited_into_rewrites(ctx: PlanContext, drafts: list[Draft]) -> list[Draft]:
    """An unawaited call of an async factory copy is fixed by switching its import to the sync canonical factory.

    Adding the ``await`` would be wrong once the import is rewritten, so the rewrite step of that file takes the
    finding over and the add-await step is dropped.
    """
    async_copies = {f.location.symbol for f in ctx.by_code("SSOT104") if f.facts.get("async_differs")}
    rewrites = {(d.files[0], d.before.split(" import ")[0]): d for d in drafts if d.kind == REWRITE_IMPORT}
    kept = []
    for draft in drafts:
        finding = next((f for f in ctx.findings if f.fingerprint in draft.resolves), None) if draft.kind == ADD_AWAIT else None
        callee = finding.facts["callee"] if finding is not None else ""
        rewrite = rewrites.get((draft.files[0], f"from {module_of(callee)}")) if callee in async_copies else None
        if rewrite is None or finding is None:
            kept.append(draft)
            continue
        rewrite.resolves += draft.resolves
        rewrite.detail += f" This also fixes the unawaited call at line {finding.location.line}: the canonical factory is not async."
    return kept
