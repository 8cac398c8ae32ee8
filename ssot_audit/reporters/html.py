"""The self-contained HTML report: the only module that imports jinja2.

One file, no network: CSS, JavaScript and the import-graph pictures (inline SVG computed in Python) are embedded;
snippets come from the excerpts the scan captured, so the report renders from a findings file alone.

Built to stay small and quick at 4,000+ findings: the page opens on a ranked index of concepts and finding groups
(``model.impact``, the one ranking every output uses); the plan shows the top concepts in full and summarises the
rest; the findings travel as one JSON block that the page's script turns into boxes only for the group opened or the
filter typed (a few hundred at a time), so the first paint does not build a DOM node per finding.

Autoescaping is on and nothing from the scanned code is marked safe: only pygments output (which escapes the source)
and our own SVG builder (which escapes every label) are inserted as markup; the findings block is base64 (no string
can end it), and the script puts every string into the page as text.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from ssot_audit.model import AuditResult, ConceptPlan, ConsolidationPlan, Finding, SourceExcerpt
from ssot_audit.model.impact import RANKING_RULE, Impact, Ranking, rank
from ssot_audit.planner import build_plan
from ssot_audit.planner.graph_view import concept_roles, group_modules
from ssot_audit.reporters.highlight import highlight_lines, stylesheet
from ssot_audit.reporters.svg_graph import render_svg

MAX_SNIPPETS = 400  # findings with code, worst first; the others show their location (keeps big reports a few MB)
MAX_RELATED = 10
MAX_STEPS = 12  # per concept or symbol shown in full; the full list is `ssot-audit plan PATH --concept NAME`
FULL_CONCEPTS = 10  # concept plans shown in full (matrix, graph, steps), by impact; the rest in one table row each
FULL_SYMBOLS = 10  # split-symbol plans shown in full, by number of imports; the rest counted
INDEX_ROWS = 15  # rows of the ranked index at the top
MATRIX_ROWS, MATRIX_COLUMNS = 25, 40  # a method matrix past this (100 config-flow classes x 286 methods) is a wall
SNIPPET_CONTEXT = 2
_SEVERITIES = ("error", "warning", "note")


@dataclass
class RuleGroup:
    """One rule's line in the summary and its (collapsed) group in the findings."""

    code: str
    name: str
    count: int
    severity_counts: list[tuple[str, int]]


def _env() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(lambda name: resources.files("ssot_audit.reporters").joinpath("templates", name).read_text("utf-8"))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)  # fmt: skip


def _asset(name: str) -> str:
    return resources.files("ssot_audit.reporters").joinpath("templates", name).read_text("utf-8")


def _snippet(excerpts: dict[str, list[SourceExcerpt]], finding: Finding) -> str | None:
    loc = finding.location
    for excerpt in excerpts.get(loc.path, []):
        if excerpt.start <= loc.line <= excerpt.end:
            last = min(excerpt.end, max(loc.end_line or loc.line, loc.line) + SNIPPET_CONTEXT, loc.line + 12)
            first = max(excerpt.start, loc.line - SNIPPET_CONTEXT)
            lines = excerpt.lines[first - excerpt.start : last - excerpt.start + 1]
            marked = list(range(loc.line, min(max(loc.end_line or loc.line, loc.line), last) + 1))
            return highlight_lines(lines, start=first, marked=marked)  # pygments escaped the text
    return None


def _groups(result: AuditResult) -> list[RuleGroup]:
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_code[finding.code].append(finding)
    groups = []
    for code in sorted(by_code):
        counts = Counter(f.severity.value for f in by_code[code])
        groups.append(RuleGroup(code, by_code[code][0].name, len(by_code[code]),
                                [(s, counts[s]) for s in _SEVERITIES if counts[s]]))  # fmt: skip
    return groups


def _finding_data(result: AuditResult, ranking: Ranking) -> dict[str, Any]:
    """The findings as compact JSON for the page's script: rule names and fix hints once, one row per finding."""
    excerpts: dict[str, list[SourceExcerpt]] = defaultdict(list)
    for excerpt in result.excerpts:
        excerpts[excerpt.path].append(excerpt)
    # the snippet budget goes to the worst findings first (errors, then warnings, then notes), in report order
    ranked = sorted(range(len(result.findings)), key=lambda i: (-result.findings[i].severity.rank, i))
    with_code = {result.findings[i].fingerprint for i in ranked[:MAX_SNIPPETS]}
    fixes: dict[str, int] = {}
    rows = []
    counters: Counter[str] = Counter()
    for f in sorted(result.findings, key=lambda f: f.code):  # stable: report order within a rule
        counters[f.code] += 1
        loc = f.location
        row: dict[str, Any] = {"a": f"f-{f.code}-{counters[f.code]}", "c": f.code, "s": f.severity.value,
                               "p": loc.path, "l": loc.line, "o": loc.column, "m": f.message,
                               "f": fixes.setdefault(f.fix_hint, len(fixes))}  # fmt: skip
        optional = {"y": loc.symbol, "t": 1 if f.in_tests else 0, "x": ranking.concept_of.get(f.fingerprint, ""),
                    "k": "" if f.confidence.value == "high" else f.confidence.value,
                    "r": [[r.location.path, r.location.line, r.message] for r in f.related[:MAX_RELATED]],
                    "R": max(0, len(f.related) - MAX_RELATED),
                    "h": _snippet(excerpts, f) if f.fingerprint in with_code else None}  # fmt: skip
        row.update((k, v) for k, v in optional.items() if v)
        rows.append(row)
    return {"names": {f.code: f.name for f in result.findings}, "fixes": list(fixes), "findings": rows}


def _packed_json(data: Any) -> Markup:
    """The JSON, gzipped and base64-encoded: 6 MB of findings JSON travel as under 1 MB, and base64 holds no
    character that could end the ``<script>`` element it sits in. ``mtime=0``: the same result gives the same bytes."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return Markup(base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii"))  # base64 only


def _concept_graph(result: AuditResult, plan: ConceptPlan, key: str) -> Markup:
    """The concept's import neighbourhood, grouped (``graph_view``) and drawn as SVG."""
    roles, edges = concept_roles(result, (m.qualname for m in plan.members), plan.factories, plan.canonical)
    view = group_modules(roles, edges)
    svg = render_svg(view, title=f"Import neighbourhood of {plan.concept}", key=key)
    return Markup(svg)  # every label escaped inside


@dataclass
class Matrix:
    """The part of a concept's method matrix the page shows, and what it leaves out."""

    members: list[Any]
    methods: list[str]
    more_members: int
    more_methods: int


def _matrix(plan: ConceptPlan) -> Matrix:
    """Canonical first, then the members most imported; the missing methods first, then those most members share."""
    members = list(plan.members[:1]) + sorted(plan.members[1:], key=lambda m: (-m.importers, m.qualname))
    shared = {m: sum(m in row.methods for row in plan.members) for m in plan.methods}
    missing = set(plan.missing_in_canonical)
    methods = sorted(plan.methods, key=lambda m: (m not in missing, -shared[m], m))[:MATRIX_COLUMNS]
    return Matrix(members[:MATRIX_ROWS], sorted(methods), max(0, len(members) - MATRIX_ROWS),
                  max(0, len(plan.methods) - MATRIX_COLUMNS))  # fmt: skip


@dataclass
class IndexRow:
    """One line of the ranked index: a concept or a finding group, with its evidence and where to look."""

    impact: Impact
    anchor: str  # the concept's plan article, or "" (the findings filter is used instead)
    filter_code: str


def _index(ranking: Ranking, anchors: dict[str, str]) -> list[IndexRow]:
    rows = []
    for impact in ranking.top(INDEX_ROWS):
        code = impact.key.split(":", 1)[0] if impact.kind == "group" else ""
        rows.append(IndexRow(impact, anchors.get(impact.key, ""), code))
    return rows


def render_report(result: AuditResult, plan: ConsolidationPlan) -> str:
    """The HTML document for a result and its plan."""
    ranking = rank(result)
    position = {c.key: i for i, c in enumerate(ranking.concepts)}
    concepts = sorted(plan.concepts, key=lambda c: (position.get(c.concept, len(position)), c.concept))
    full, brief = concepts[:FULL_CONCEPTS], concepts[FULL_CONCEPTS:]
    anchors = {c.concept: f"concept-{i + 1}" for i, c in enumerate(full)}
    symbols = sorted(plan.symbols, key=lambda s: (-sum(n for _, n in s.paths), s.symbol))
    severities = Counter(f.severity.value for f in result.findings)
    impacts = {c.key: c for c in ranking.concepts}
    context = {
        "result": result,
        "plan": plan,
        "groups": _groups(result),
        "severities": [(s, severities[s]) for s in _SEVERITIES],
        "index": _index(ranking, anchors),
        "ranking_rule": RANKING_RULE,
        "concepts": [(anchors[c.concept], c, impacts.get(c.concept)) for c in full],
        "brief_concepts": [(c, impacts.get(c.concept)) for c in brief],
        "concept_names": [c.key for c in ranking.concepts if c.findings],
        "symbols": symbols[:FULL_SYMBOLS],
        "more_symbols": symbols[FULL_SYMBOLS:],
        "graphs": {c.concept: _concept_graph(result, c, str(i)) for i, c in enumerate(full)},
        "matrices": {c.concept: _matrix(c) for c in full},
        "max_steps": MAX_STEPS,
        "snippet_cap": MAX_SNIPPETS,
        "data": _packed_json(_finding_data(result, ranking)),
        "css": Markup(_asset("report.css") + "\n" + stylesheet()),  # our own files
        "js": Markup(_asset("report.js")),
    }
    return _env().get_template("report.html.j2").render(**context)


def render(result: AuditResult) -> str:
    """The reporter entry point: builds the plan (a pure function of the result), then the page."""
    return render_report(result, build_plan(result))
