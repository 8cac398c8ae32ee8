"""The self-contained HTML report: the only module that imports jinja2.

One file, no network: CSS, JavaScript and the import-graph pictures (inline SVG computed in Python) are embedded;
snippets come from the excerpts the scan captured, so the report renders from a findings file alone. Autoescaping is
on and nothing from the scanned code is marked safe: only pygments output (which escapes the source) and our own
SVG builder (which escapes every label) are inserted as markup.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from ssot_audit.model import AuditResult, ConceptPlan, ConsolidationPlan, Finding, SourceExcerpt
from ssot_audit.planner import build_plan
from ssot_audit.reporters.highlight import highlight_lines, stylesheet
from ssot_audit.reporters.svg_graph import render_svg

MAX_SNIPPETS = 400  # findings with code, worst first; the others show their location (keeps big reports a few MB)
MAX_RELATED = 10
MAX_STEPS = 200  # per plan; the full list is `ssot-audit plan PATH` (text, JSON, Markdown)
OPEN_GROUP_LIMIT = 60  # rule groups with more findings start collapsed
SNIPPET_CONTEXT = 2
_SEVERITIES = ("error", "warning", "note")


@dataclass
class FindingView:
    """What the template shows for one finding."""

    anchor: str
    finding: Finding
    snippet: Markup | None
    related: list[Any]
    more_related: int


@dataclass
class RuleGroup:
    """The findings of one rule."""

    code: str
    name: str
    severity_counts: list[tuple[str, int]]
    findings: list[FindingView] = field(default_factory=list)


def _env() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(lambda name: resources.files("ssot_audit.reporters").joinpath("templates", name).read_text("utf-8"))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)  # fmt: skip


def _asset(name: str) -> str:
    return resources.files("ssot_audit.reporters").joinpath("templates", name).read_text("utf-8")


def _snippet(excerpts: dict[str, list[SourceExcerpt]], finding: Finding) -> Markup | None:
    loc = finding.location
    for excerpt in excerpts.get(loc.path, []):
        if excerpt.start <= loc.line <= excerpt.end:
            last = min(excerpt.end, max(loc.end_line or loc.line, loc.line) + SNIPPET_CONTEXT, loc.line + 12)
            first = max(excerpt.start, loc.line - SNIPPET_CONTEXT)
            lines = excerpt.lines[first - excerpt.start : last - excerpt.start + 1]
            marked = list(range(loc.line, min(max(loc.end_line or loc.line, loc.line), last) + 1))
            return Markup(highlight_lines(lines, start=first, marked=marked))  # pygments escaped the text
    return None


def _groups(result: AuditResult) -> tuple[list[RuleGroup], dict[str, str]]:
    excerpts: dict[str, list[SourceExcerpt]] = defaultdict(list)
    for excerpt in result.excerpts:
        excerpts[excerpt.path].append(excerpt)
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_code[finding.code].append(finding)
    # the snippet budget goes to the worst findings first (errors, then warnings, then notes), in report order
    ranked = sorted(range(len(result.findings)), key=lambda i: (-result.findings[i].severity.rank, i))
    with_code = {result.findings[i].fingerprint for i in ranked[:MAX_SNIPPETS]}
    groups, anchors = [], {}
    for code in sorted(by_code):
        items = by_code[code]
        counts = Counter(f.severity.value for f in items)
        group = RuleGroup(code, items[0].name, [(s, counts[s]) for s in _SEVERITIES if counts[s]])
        for i, f in enumerate(items):
            anchor = f"f-{code}-{i + 1}"
            anchors[f.fingerprint] = anchor
            snippet = _snippet(excerpts, f) if f.fingerprint in with_code else None
            group.findings.append(FindingView(anchor, f, snippet, list(f.related[:MAX_RELATED]),
                                              max(0, len(f.related) - MAX_RELATED)))  # fmt: skip
        groups.append(group)
    return groups, anchors


def _concept_graph(result: AuditResult, plan: ConceptPlan, key: str) -> Markup:
    """Modules that define, re-export and import the concept's classes and factories."""
    targets = {m.qualname for m in plan.members} | set(plan.factories)
    names = {t.rsplit(".", 1)[-1] for t in plan.factories}
    refs = [r for r in result.symbol_imports if r.target in targets or r.target.rsplit(".", 1)[-1] in names]
    nodes: dict[str, str] = {}
    for r in refs:
        nodes.setdefault(r.importer, "imports")
    for r in refs:
        home = r.target.rsplit(".", 1)[0]
        if r.source != home and r.source != r.importer:
            nodes[r.source] = "re-exports"
    for r in refs:
        nodes[r.target.rsplit(".", 1)[0]] = "defines"
    for m in plan.members:
        nodes[m.qualname.rsplit(".", 1)[0]] = "defines"
    nodes[plan.canonical.rsplit(".", 1)[0]] = "canonical"
    edges = {(r.importer, r.source) for r in refs if r.importer != r.source}
    return Markup(render_svg(nodes, edges, title=f"Import neighbourhood of {plan.concept}", key=key))  # escaped inside


def _concept_findings(result: AuditResult, anchors: dict[str, str]) -> list[tuple[str, list[tuple[str, Finding]]]]:
    by_concept: dict[str, list[tuple[str, Finding]]] = defaultdict(list)
    members = {m.qualname: c.name for c in result.concepts for m in c.members}
    factories = {f: c.name for c in result.concepts for f in c.factories}
    for f in result.findings:
        name = f.facts.get("concept") or members.get(f.facts.get("symbol", "")) or factories.get(f.facts.get("symbol", ""))
        name = name or factories.get(f.facts.get("callee", "")) or factories.get(f.facts.get("canonical", ""))
        if name:
            by_concept[name].append((anchors[f.fingerprint], f))
    return sorted(by_concept.items())


def render_report(result: AuditResult, plan: ConsolidationPlan) -> str:
    """The HTML document for a result and its plan."""
    groups, anchors = _groups(result)
    severities = Counter(f.severity.value for f in result.findings)
    context = {
        "result": result,
        "plan": plan,
        "groups": groups,
        "severities": [(s, severities[s]) for s in _SEVERITIES],
        "by_concept": _concept_findings(result, anchors),
        "graphs": {c.concept: _concept_graph(result, c, str(i)) for i, c in enumerate(plan.concepts)},
        "open_limit": OPEN_GROUP_LIMIT,
        "max_steps": MAX_STEPS,
        "snippet_cap": MAX_SNIPPETS,
        "css": Markup(_asset("report.css") + "\n" + stylesheet()),  # our own files
        "js": Markup(_asset("report.js")),
    }
    return _env().get_template("report.html.j2").render(**context)


def render(result: AuditResult) -> str:
    """The reporter entry point: builds the plan (a pure function of the result), then the page."""
    return render_report(result, build_plan(result))
