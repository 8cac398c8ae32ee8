"""The consolidation plan as Markdown, to paste into an issue or a pull request.

An issue body holds 65,536 characters, so ``render`` keeps under ``BUDGET``: the total, then the plans in impact
order, in full while they fit (a plan too big on its own shows its first steps), then one summary row per plan while
those fit, then a count of the rest and where the complete plan is (``render_full``, written next to the file by
``ssot-audit plan --format markdown -o FILE``).
"""

from __future__ import annotations

from ssot_audit.model import ConceptPlan, ConsolidationPlan, PlanStep, SymbolPlan
from ssot_audit.model.escape import markdown_code, markdown_text
from ssot_audit.reporters.folding import fold as fold_text
from ssot_audit.reporters.plan_text import MAX_FILES, fold, header, matrix_methods, shorten_ids, summary_line

BUDGET = 60_000  # characters; GitHub rejects an issue or comment body over 65,536
_TRAILER_ROOM = 1_500  # kept free for the closing lines


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell (and inert as HTML, links and images when the Markdown is rendered)."""
    return markdown_text(text)


def code(text: str) -> str:
    """Inline code span inside a table cell: code spans show entities literally, so only pipes are escaped."""
    return markdown_code(text)


def _step_row(s: PlanStep) -> str:
    who = "mechanical" if s.mechanical else "human"
    cycle = " (import cycle)" if s.in_cycle else ""
    change = f"<br>{code(fold_text(s.before))} → {code(fold_text(s.after or '(delete)'))}" if s.before or s.after else ""
    after = f"<br>after {cell(shorten_ids(s.depends_on))}" if s.depends_on else ""
    return (f"| {cell(s.id)} | **{cell(s.kind)}** {cell(fold_text(s.title))}{change}{after} | {cell(fold(s.files, MAX_FILES))} | "
            f"{s.blast_radius}{cycle} | {who} | {code(s.verify_command)} {cell(fold_text(s.verify_expect))} |")  # fmt: skip


def _steps(steps: tuple[PlanStep, ...], room: int | None = None) -> list[str]:
    """The steps table; with ``room``, only the steps that fit in that many characters (the rest counted)."""
    lines = ["| # | step | files | blast radius | who | verify |", "|---|---|---|---|---|---|"]
    used = sum(len(line) + 1 for line in lines)
    for i, step in enumerate(steps):
        row = _step_row(step)
        if room is not None and used + len(row) + 1 > room - 200:
            lines += ["", f"*{len(steps) - i} more steps of this plan are in the complete plan.*"]
            break
        lines.append(row)
        used += len(row) + 1
    return lines


def _concept(rank: int, plan: ConceptPlan, room: int | None = None) -> list[str]:
    lines = [f"## {rank}. Concept {code(plan.concept)}", "", f"**Canonical:** {code(plan.canonical)} — {cell(plan.canonical_reason)}", ""]
    lines += [f"- {cell(fold_text(e))}" for e in plan.evidence] + ["", f"**Summary:** {cell(summary_line(plan.summary, 1))}", ""]
    methods = matrix_methods(plan)
    lines += ["| class | role | importers | " + " | ".join(cell(m) for m in methods) + " |",
              "|---|---|---|" + "---|" * len(methods)]  # fmt: skip
    for m in plan.members:
        cells = ["async" if x in m.async_methods else "✓" if x in m.methods else ("**missing**" if m.role == "canonical" else "") for x in methods]
        lines.append(f"| {code(m.qualname)} | {cell(m.role)} | {m.importers} | " + " | ".join(cells) + " |")
    if len(plan.methods) > len(methods):
        lines += ["", f"*{len(plan.methods) - len(methods)} more methods: the JSON plan lists them all.*"]
    lines.append("")
    left = None if room is None else room - sum(len(line) + 1 for line in lines)
    return lines + [*_steps(plan.steps, left), ""]


def _symbol(rank: int, plan: SymbolPlan, room: int | None = None) -> list[str]:
    lines = [f"## {rank}. Symbol {code(plan.symbol)}", "", f"**Canonical:** {code(plan.canonical)} — {cell(plan.canonical_reason)}", ""]
    lines += [f"- {code(path)}: {count} imports" for path, count in plan.paths[:MAX_FILES]]
    if len(plan.paths) > MAX_FILES:
        lines.append(f"- and {len(plan.paths) - MAX_FILES} more paths")
    lines += ["", f"**Summary:** {cell(summary_line(plan.summary, 1))}", ""]
    left = None if room is None else room - sum(len(line) + 1 for line in lines)
    return lines + [*_steps(plan.steps, left), ""]


def _sections(plan: ConsolidationPlan) -> list[tuple[str, ConceptPlan | SymbolPlan]]:
    return [(p.concept if isinstance(p, ConceptPlan) else p.symbol, p) for p in plan.ranked()]


def _section(rank: int, item: ConceptPlan | SymbolPlan, room: int | None = None) -> list[str]:
    return _concept(rank, item, room) if isinstance(item, ConceptPlan) else _symbol(rank, item, room)


def _head(plan: ConsolidationPlan) -> list[str]:
    total, *notes = header(plan)
    return [f"# Consolidation plan for {code(plan.root or '.')}", "", f"**{cell(total.split(':', 1)[0])}:**"
            f"{cell(total.split(':', 1)[1])}", "", *(cell(n) for n in notes), ""]  # fmt: skip


def render_full(plan: ConsolidationPlan) -> str:
    """Every plan in full, whatever its size (the attachment)."""
    out = _head(plan)
    for rank, (_, item) in enumerate(_sections(plan), 1):
        out += _section(rank, item)
    return "\n".join(out) + "\n"


def render(plan: ConsolidationPlan, *, attachment: str = "", budget: int = BUDGET) -> str:
    """At most ``budget`` characters: the top plans in full, the rest summarised; ``attachment`` names the file
    that holds the complete plan (see ``render_full``)."""
    out = _head(plan)
    used = sum(len(line) + 1 for line in out)
    sections = _sections(plan)
    full, cut = 0, False
    for rank, (_, item) in enumerate(sections, 1):
        lines = _section(rank, item)
        size = sum(len(line) + 1 for line in lines)
        if used + size > budget - _TRAILER_ROOM:
            if full == 0:  # the most important plan alone is too big: show its first steps
                lines = _section(rank, item, budget - _TRAILER_ROOM - used)
                used += sum(len(line) + 1 for line in lines)
                out += lines
                full, cut = 1, True
            break
        out += lines
        used += size
        full += 1
    rest = sections[full:]
    if rest:
        out += _summary_rows(rest, full, budget - _TRAILER_ROOM - used)
    if rest or cut:
        where = f"the attached {code(attachment)}" if attachment else (
            "`ssot-audit plan . --format markdown -o plan.md`, which writes it to `plan.full.md`")
        out += ["", f"The complete plan, every step of every plan, is in {where}."]
    return "\n".join(out) + "\n"


def _summary_rows(rest: list[tuple[str, ConceptPlan | SymbolPlan]], first: int, room: int) -> list[str]:
    lines = [f"## The other {len(rest)} plans", "", "| # | plan | summary |", "|---|---|---|"]
    used = sum(len(line) + 1 for line in lines)
    for i, (name, item) in enumerate(rest):
        kind = "concept" if isinstance(item, ConceptPlan) else "symbol"
        row = f"| {first + i + 1} | {kind} {code(name)} | {cell(summary_line(item.summary, 1))} |"
        if used + len(row) + 1 > room:
            lines += ["", f"*... and {len(rest) - i} more plans.*"]
            break
        lines.append(row)
        used += len(row) + 1
    return lines
