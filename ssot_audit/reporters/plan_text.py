"""The consolidation plan as plain text (terminals, issue comments in a code block)."""

from __future__ import annotations

from ssot_audit.model import ConceptPlan, ConsolidationPlan, PlanStep, PlanSummary, SymbolPlan


def summary_line(summary: PlanSummary, goal: int) -> str:
    """N implementations -> ``goal`` (one per plan), M import paths -> P, K await misuses, files, steps."""
    return (
        f"{summary.implementations} implementations -> {goal}, "
        f"{summary.import_paths} import paths -> {summary.canonical_paths}, {summary.await_misuses} await misuses, "
        f"~{summary.files_touched} files touched, {summary.steps} steps ({summary.mechanical_steps} mechanical)"
    )


def step_lines(step: PlanStep) -> list[str]:
    """One step: title, detail, change, files, risk, verification."""
    flags = ["mechanical" if step.mechanical else "needs a human", f"blast radius {step.blast_radius}"]
    if step.in_cycle:
        flags.append("in an import cycle")
    lines = [f"  {step.id}  [{step.kind}] {step.title}", f"      {step.detail}"]
    if step.before or step.after:
        lines.append(f"      change: {step.before or '(nothing)'}  ->  {step.after or '(delete)'}")
    lines.append(f"      files: {', '.join(step.files)}  ({', '.join(flags)})")
    if step.depends_on:
        lines.append(f"      after: {', '.join(step.depends_on)}")
    lines.append(f"      verify: {step.verify_command}  ({step.verify_expect})")
    return lines


def _matrix(plan: ConceptPlan) -> list[str]:
    width = max(len(m.qualname.rsplit(".", 1)[-1]) for m in plan.members) + 2
    lines = ["  method matrix (x = has it, a = async, ! = the canonical class lacks it):",
             "  " + " " * width + " ".join(f"{i + 1:>3}" for i in range(len(plan.methods)))]  # fmt: skip
    for m in plan.members:
        cells = ["  a" if x in m.async_methods else "  x" if x in m.methods else "  ." for x in plan.methods]
        lines.append(f"  {m.qualname.rsplit('.', 1)[-1]:<{width}}" + " ".join(cells) + f"   {m.role}, {m.importers} importer{'' if m.importers == 1 else 's'}")
    lines += [f"  {i + 1:>3} {name}{'  !' if name in plan.missing_in_canonical else ''}" for i, name in enumerate(plan.methods)]
    return lines


def _concept(plan: ConceptPlan) -> list[str]:
    lines = [f"Concept '{plan.concept}' ({plan.origin})", f"  canonical: {plan.canonical}", f"  reason: {plan.canonical_reason}"]
    lines += [f"    - {e}" for e in plan.evidence]
    if plan.factories:
        lines.append(f"  factories: {', '.join(plan.factories)}")
    lines += _matrix(plan)
    lines.append(f"  summary: {summary_line(plan.summary, 1)}")
    lines.append("  steps:")
    for step in plan.steps:
        lines += step_lines(step)
    return lines


def _symbol(plan: SymbolPlan) -> list[str]:
    lines = [f"Symbol {plan.symbol}", f"  canonical: {plan.canonical} ({plan.canonical_reason})"]
    lines += [f"    {count:4d}  {path}" for path, count in plan.paths]
    if len(plan.definitions) > 1:
        lines.append(f"  definitions: {', '.join(plan.definitions)}")
    lines.append(f"  summary: {summary_line(plan.summary, 1)}")
    lines.append("  steps:")
    for step in plan.steps:
        lines += step_lines(step)
    return lines


def render(plan: ConsolidationPlan) -> str:
    """Concept plans, symbol plans, then the total."""
    out: list[str] = []
    for concept in plan.concepts:
        out += _concept(concept) + [""]
    for symbol in plan.symbols:
        out += _symbol(symbol) + [""]
    if not plan.concepts and not plan.symbols:
        out.append("Nothing to consolidate: no concept has two implementations and no symbol is split.")
    out.append(f"Total: {summary_line(plan.summary, len(plan.concepts) + len(plan.symbols))}.")
    return "\n".join(out) + "\n"
