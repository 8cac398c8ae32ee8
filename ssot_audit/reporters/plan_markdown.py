"""The consolidation plan as Markdown, to paste into an issue or a pull request."""

from __future__ import annotations

from ssot_audit.model import ConceptPlan, ConsolidationPlan, PlanStep, SymbolPlan
from ssot_audit.model.escape import markdown_code, markdown_text
from ssot_audit.reporters.plan_text import summary_line


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell (and inert as HTML, links and images when the Markdown is rendered)."""
    return markdown_text(text)


def code(text: str) -> str:
    """Inline code span inside a table cell: code spans show entities literally, so only pipes are escaped."""
    return markdown_code(text)


def _steps(steps: tuple[PlanStep, ...]) -> list[str]:
    lines = ["| # | step | files | blast radius | who | verify |", "|---|---|---|---|---|---|"]
    for s in steps:
        who = "mechanical" if s.mechanical else "human"
        cycle = " (import cycle)" if s.in_cycle else ""
        change = f"<br>{code(s.before)} → {code(s.after or '(delete)')}" if s.before or s.after else ""
        after = f"<br>after {cell(', '.join(s.depends_on))}" if s.depends_on else ""
        lines.append(f"| {cell(s.id)} | **{cell(s.kind)}** {cell(s.title)}{change}{after} | {cell(', '.join(s.files))} | "
                     f"{s.blast_radius}{cycle} | {who} | {code(s.verify_command)} {cell(s.verify_expect)} |")  # fmt: skip
    return lines


def _concept(plan: ConceptPlan) -> list[str]:
    lines = [f"## Concept {code(plan.concept)}", "", f"**Canonical:** {code(plan.canonical)} — {cell(plan.canonical_reason)}", ""]
    lines += [f"- {cell(e)}" for e in plan.evidence] + ["", f"**Summary:** {cell(summary_line(plan.summary, 1))}", ""]
    lines += ["| class | role | importers | " + " | ".join(cell(m) for m in plan.methods) + " |",
              "|---|---|---|" + "---|" * len(plan.methods)]  # fmt: skip
    for m in plan.members:
        cells = ["async" if x in m.async_methods else "✓" if x in m.methods else ("**missing**" if m.role == "canonical" else "") for x in plan.methods]
        lines.append(f"| {code(m.qualname)} | {cell(m.role)} | {m.importers} | " + " | ".join(cells) + " |")
    return lines + ["", *_steps(plan.steps), ""]


def _symbol(plan: SymbolPlan) -> list[str]:
    lines = [f"## Symbol {code(plan.symbol)}", "", f"**Canonical:** {code(plan.canonical)} — {cell(plan.canonical_reason)}", ""]
    lines += [f"- {code(path)}: {count} imports" for path, count in plan.paths]
    return lines + ["", f"**Summary:** {cell(summary_line(plan.summary, 1))}", "", *_steps(plan.steps), ""]


def render(plan: ConsolidationPlan) -> str:
    """A Markdown document: total first, then one section per concept and symbol."""
    out = [f"# Consolidation plan for {code(plan.root)}", "", f"**Total:** {cell(summary_line(plan.summary, len(plan.concepts) + len(plan.symbols)))}", ""]
    for concept in plan.concepts:
        out += _concept(concept)
    for symbol in plan.symbols:
        out += _symbol(symbol)
    return "\n".join(out) + "\n"
