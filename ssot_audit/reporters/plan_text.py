"""The consolidation plan as plain text (terminals, issue comments in a code block).

The total comes first, then the plans in impact order (``model.impact``), each step in three lines at most:
what and where, the change, and what it waits for with the command that verifies it. Long lists (files,
dependencies) are folded so no line runs away on a 4,000-finding codebase.
"""

from __future__ import annotations

from ssot_audit.model import ConceptPlan, ConsolidationPlan, PlanStep, PlanSummary, SymbolPlan
from ssot_audit.model.impact import RANKING_RULE
from ssot_audit.reporters.folding import fold as fold_text

MAX_FILES = 4  # files listed on a step; the rest are counted
MAX_IDS = 6  # dependency ids (or id ranges) listed on a step; the rest are counted
MAX_COLUMNS = 24  # methods shown in a method matrix (those the canonical class lacks first)


def summary_line(summary: PlanSummary, goal: int) -> str:
    """N implementations -> ``goal`` (one per concept), M import paths -> P, K await misuses, files, steps.

    Implementations are counted as ``model.impact.implementations`` does (live classes of a concept); a plan with
    none (a split symbol) leaves that part out.
    """
    parts = [f"{summary.implementations} implementations -> {goal}"] if summary.implementations else []
    parts += [f"{summary.import_paths} import paths -> {summary.canonical_paths}", f"{summary.await_misuses} await misuses",
              f"~{summary.files_touched} files touched", f"{summary.steps} steps ({summary.mechanical_steps} mechanical)"]  # fmt: skip
    return ", ".join(parts)


def fold(items: tuple[str, ...] | list[str], limit: int) -> str:
    """``a, b, c (+12 more)``: at most ``limit`` items shown."""
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def shorten_ids(ids: tuple[str, ...], limit: int = MAX_IDS) -> str:
    """Step ids with runs folded into ranges: ``ws.01-12, ws.15`` (at most ``limit`` pieces, the rest counted)."""
    pieces: list[str] = []
    run: list[tuple[str, int, str]] = []

    def flush() -> None:
        if run:
            prefix, _, first = run[0]
            pieces.append(f"{prefix}.{first}" + (f"-{run[-1][2]}" if len(run) > 1 else ""))
            run.clear()

    for step_id in ids:
        prefix, _, number = step_id.rpartition(".")
        if not number.isdigit():
            flush()
            pieces.append(step_id)
            continue
        if run and (run[-1][0] != prefix or run[-1][1] + 1 != int(number)):
            flush()
        run.append((prefix, int(number), number))
    flush()
    if len(pieces) <= limit:
        return ", ".join(pieces)
    return ", ".join(pieces[:limit]) + f" (+{len(ids) - _count(pieces[:limit])} more steps)"


def _count(pieces: list[str]) -> int:
    total = 0
    for piece in pieces:
        first, _, last = piece.rpartition(".")[2].partition("-")
        total += int(last) - int(first) + 1 if last and first.isdigit() else 1
    return total


def steps_lines(steps: tuple[PlanStep, ...]) -> list[str]:
    """Every step; a step that repeats the previous one's change and check elsewhere takes one line (its check is
    the previous one's at its own place)."""
    lines: list[str] = []
    previous: PlanStep | None = None
    for step in steps:
        same = ("kind", "before", "after", "verify_command", "mechanical", "in_cycle")
        if previous is not None and (step.before or step.after) and all(
                getattr(step, a) == getattr(previous, a) for a in same):  # fmt: skip
            after = f"  (after {shorten_ids(step.depends_on)})" if step.depends_on else ""
            where = f"{step.locations[0].path}:{step.locations[0].line}" if step.locations else ", ".join(step.files)
            lines.append(f"  {step.id}  the same at {fold_text(where)}{after}")
        else:
            lines += step_lines(step)
        previous = step
    return lines


def step_lines(step: PlanStep) -> list[str]:
    """One step: title with its badges, the change (or, for a human, the detail), then dependencies and check."""
    flags = [step.kind, "mechanical" if step.mechanical else "needs a human", f"blast radius {step.blast_radius}"]
    if step.in_cycle:
        flags.append("in an import cycle")
    lines = [f"  {step.id}  {fold_text(step.title)}  [{', '.join(flags)}]"]
    if step.before or step.after:
        lines.append(f"      {fold_text(step.before or '(nothing)')}  ->  {fold_text(step.after or '(delete)')}")
    if not step.mechanical or not (step.before or step.after):
        lines.append(f"      {fold_text(step.detail, 400)}")
    if len(step.files) > 1:
        lines.append(f"      files: {fold(step.files, MAX_FILES)}")
    after = f"after {shorten_ids(step.depends_on)}; " if step.depends_on else ""
    lines.append(f"      {after}verify: {step.verify_command}  ({fold_text(step.verify_expect)})")
    return lines


def matrix_methods(plan: ConceptPlan, limit: int = MAX_COLUMNS) -> tuple[str, ...]:
    """The methods a matrix shows: those the canonical class lacks first (they move first), at most ``limit``."""
    missing = set(plan.missing_in_canonical)
    ordered = [m for m in plan.methods if m in missing] + [m for m in plan.methods if m not in missing]
    return tuple(ordered[:limit])


def _matrix(plan: ConceptPlan) -> list[str]:
    methods = matrix_methods(plan)
    width = max(len(m.qualname.rsplit(".", 1)[-1]) for m in plan.members) + 2
    lines = ["  method matrix (x = has it, a = async, ! = the canonical class lacks it):",
             "  " + " " * width + " ".join(f"{i + 1:>3}" for i in range(len(methods)))]  # fmt: skip
    for m in plan.members:
        cells = ["  a" if x in m.async_methods else "  x" if x in m.methods else "  ." for x in methods]
        lines.append(f"  {m.qualname.rsplit('.', 1)[-1]:<{width}}" + " ".join(cells) + f"   {m.role}, {m.importers} importer{'' if m.importers == 1 else 's'}")
    lines += [f"  {i + 1:>3} {name}{'  !' if name in plan.missing_in_canonical else ''}" for i, name in enumerate(methods)]
    if len(plan.methods) > len(methods):
        lines.append(f"      (+{len(plan.methods) - len(methods)} more methods; --format json lists them all)")
    return lines


def _concept(rank: int, plan: ConceptPlan) -> list[str]:
    lines = [f"{rank}. Concept '{plan.concept}' ({plan.origin}): {summary_line(plan.summary, 1)}",
             f"  canonical: {plan.canonical}", f"  reason: {plan.canonical_reason}"]  # fmt: skip
    lines += [f"    - {fold_text(e)}" for e in plan.evidence]
    if plan.factories:
        lines.append(f"  factories: {fold(plan.factories, MAX_FILES)}")
    lines += _matrix(plan)
    lines.append("  steps:")
    return lines + steps_lines(plan.steps)


def _symbol(rank: int, plan: SymbolPlan) -> list[str]:
    lines = [f"{rank}. Symbol {plan.symbol}: {summary_line(plan.summary, 1)}",
             f"  canonical: {plan.canonical} ({plan.canonical_reason})"]  # fmt: skip
    lines += [f"    {count:4d}  {path}" for path, count in plan.paths[:MAX_FILES]]
    if len(plan.paths) > MAX_FILES:
        lines.append(f"          (+{len(plan.paths) - MAX_FILES} more paths)")
    if len(plan.definitions) > 1:
        lines.append(f"  definitions: {fold(plan.definitions, MAX_FILES)}")
    lines.append("  steps:")
    return lines + steps_lines(plan.steps)


def header(plan: ConsolidationPlan) -> list[str]:
    """The total and how to read what follows (shared with the Markdown plan)."""
    shown = len(plan.concepts) + len(plan.symbols)
    lines = [f"Total: {summary_line(plan.summary, plan.concept_count)}."]
    if plan.omitted:
        lines.append(f"Showing {shown} of {shown + plan.omitted} plans; the total counts them all "
                     "(--limit 0 and no --concept show every plan).")  # fmt: skip
    lines.append(f"Plans {RANKING_RULE}. Run the verify commands from the scanned directory ({plan.root or '.'}).")
    return lines


def render(plan: ConsolidationPlan) -> str:
    """The total, then concept and symbol plans together, most important first."""
    out = [f"Consolidation plan for {plan.root or '.'}", *header(plan), ""]
    for rank, item in enumerate(plan.ranked(), 1):
        out += (_concept(rank, item) if isinstance(item, ConceptPlan) else _symbol(rank, item)) + [""]
    if not plan.concepts and not plan.symbols:
        out.append("Nothing to consolidate: no concept has two implementations and no symbol is split.")
    return "\n".join(out).rstrip("\n") + "\n"
