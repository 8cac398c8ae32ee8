"""Pure functions behind the dashboard pages: rows, filters, diffs, graph neighbourhoods, DOT, plan progress.

No streamlit here, so each piece is fast to test and reusable; ``data`` caches what these compute.
"""

from __future__ import annotations

import fnmatch
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import re

from ssot_audit.history import concept_of
from ssot_audit.history.summary import concept_index
from ssot_audit.model import AuditResult, Finding
from ssot_audit.model.impact import concept_of_finding, concept_owners
from ssot_audit.planner.graph import strongly_connected as planner_components
from ssot_audit.planner.graph_view import ROLES, GraphView

SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
AWAIT_RULES = ("SSOT401", "SSOT402")
# Every ASCII punctuation character CommonMark lets a backslash escape: with all of them escaped, nothing in a name
# or message can become emphasis (__init__), a link or an image (![x](https://...)), a heading, HTML, or one of
# Streamlit's own directives (:red[...], :material/icon:, $math$).
_MARKDOWN_SPECIAL = re.compile(r"""([\\`*_{}\[\]()<>#+\-.!|~:$&"'=^/;?@,%])""")


_AUTOLINK_STARTS = (("://", ":\u2060//"), ("www.", "www\u2060."), ("@", "@\u2060"))  # word joiner: invisible


def md(text: object) -> str:
    """``text`` shown literally by ``st.markdown``, titles, captions, labels and ``st.write``: escape everything.

    GFM turns ``https://...``, ``www.`` and e-mail addresses into links even when escaped, so an invisible word
    joiner (U+2060) goes after ``:``, ``www`` and ``@`` there: the text reads the same and links nowhere.
    """
    raw = str(text)
    for plain, broken in _AUTOLINK_STARTS:
        raw = raw.replace(plain, broken)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", raw).replace("\n", "  \n")


def finding_rows(result: AuditResult, previous: AuditResult | None) -> list[dict[str, Any]]:
    """One flat row per finding (what the table shows), with its concept and whether it is new."""
    owners = concept_owners(result.concepts)  # the ranking's own attribution (model.impact), so counts agree
    known = {c.name for c in result.concepts}
    before = {f.fingerprint for f in previous.findings} if previous is not None else None
    rows = []
    for i, f in enumerate(result.findings):
        concept = concept_of_finding(f, owners)
        rows.append({
            "idx": i, "code": f.code, "name": f.name, "severity": f.severity.value, "path": f.location.path,
            "line": f.location.line, "symbol": f.location.symbol,
            "concept": concept if concept in known else "", "message": f.message,
            "new": before is not None and f.fingerprint not in before, "fingerprint": f.fingerprint,
            "text": "\n".join((f.code, f.name, f.severity.value, f"{f.location.path}:{f.location.line}",
                               f.location.symbol or "", f.message, f.fix_hint)).lower(),
        })  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """What the Findings page filters on; empty means "any"."""

    codes: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    path_glob: str = ""
    concept: str = ""
    new_only: bool = False
    text: str = ""  # words that must all appear in the code, rule name, severity, path, symbol, message or fix

    def matches(self, row: dict[str, Any]) -> bool:
        """Whether a finding row passes every filter."""
        if self.text and not all(w in row["text"] or w in row["concept"].lower() for w in self.text.lower().split()):
            return False
        if self.codes and row["code"] not in self.codes:
            return False
        if self.severities and row["severity"] not in self.severities:
            return False
        if self.path_glob and not fnmatch.fnmatch(row["path"], self.path_glob):
            return False
        if self.concept and row["concept"] != self.concept:
            return False
        return not self.new_only or bool(row["new"])


SORT_KEYS = {
    "location": lambda r: (r["path"], r["line"], r["code"]),
    "severity": lambda r: (SEVERITY_ORDER.get(r["severity"], 9), r["code"], r["path"], r["line"]),
    "rule": lambda r: (r["code"], r["path"], r["line"]),
    "concept": lambda r: (r["concept"] == "", r["concept"], r["code"], r["path"], r["line"]),
}


def filter_rows(rows: Iterable[dict[str, Any]], flt: FindingFilter, sort: str = "location") -> list[dict[str, Any]]:
    """Rows passing ``flt``, sorted by one of ``SORT_KEYS``."""
    return sorted((r for r in rows if flt.matches(r)), key=SORT_KEYS[sort])


def diff_findings(current: AuditResult, previous: AuditResult | None) -> tuple[list[Finding], list[Finding]]:
    """(new, fixed): findings whose fingerprint appears only in the current / only in the previous scan."""
    if previous is None:
        return [], []
    now = {f.fingerprint for f in current.findings}
    before = {f.fingerprint for f in previous.findings}
    return ([f for f in current.findings if f.fingerprint not in before],
            [f for f in previous.findings if f.fingerprint not in now])  # fmt: skip


# -- import graph -------------------------------------------------------------------------------------------


def strongly_connected(edges: Sequence[tuple[str, str]]) -> list[set[str]]:
    """Cycles of the import graph: strongly connected components with more than one module (the planner's)."""
    succ: dict[str, set[str]] = {}
    for u, v in edges:
        succ.setdefault(u, set()).add(v)
    nodes = sorted({node for edge in edges for node in edge})
    return [set(component) for component in planner_components(nodes, succ) if len(component) > 1]


def neighbourhood(edges: Sequence[tuple[str, str]], focus: Iterable[str], depth: int) -> set[str]:
    """Modules within ``depth`` import steps of ``focus``, following imports in both directions."""
    adjacent: dict[str, set[str]] = {}
    for u, v in edges:
        adjacent.setdefault(u, set()).add(v)
        adjacent.setdefault(v, set()).add(u)
    seen = {m for m in focus}
    queue = deque((m, 0) for m in seen)
    while queue:
        node, dist = queue.popleft()
        if dist == depth:
            continue
        for nxt in adjacent.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, dist + 1))
    return seen


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cycle_edges(view: GraphView, edges: Sequence[tuple[str, str]], cycles: list[set[str]]) -> set[tuple[str, str]]:
    """The view's edges that carry at least one import inside an import cycle."""
    owner = {m: n.id for n in view.nodes for m in n.modules}
    component = {m: i for i, comp in enumerate(cycles) for m in comp}
    return {(owner[u], owner[v]) for u, v in edges
            if u in owner and v in owner and u in component and component[u] == component.get(v)}  # fmt: skip


def graph_dot(view: GraphView, red: set[tuple[str, str]]) -> str:
    """A graphviz DOT digraph of a grouped picture: boxes coloured by role, one cluster per package, the full name
    as tooltip, thicker edges for more imports, edges within an import cycle red."""
    lines = ["digraph imports {", "  rankdir=LR;", "  newrank=true;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [color="#888888"];']  # fmt: skip
    packages: dict[str, list[str]] = {}
    for node in view.nodes:
        fill, stroke, _ = ROLES[node.role]
        look = f'label={_quote(node.label)}, tooltip={_quote(node.hover)}, fillcolor="{fill}", color="{stroke}"'
        packages.setdefault(node.package, []).append(f"    {_quote(node.id)} [{look}];")
    for i, (package, members) in enumerate(sorted(packages.items())):
        lines += [f"  subgraph cluster_{i} {{", f"    label={_quote(package)}; style=dashed; color=\"#cbd5e1\";",
                  "    fontname=\"Helvetica\"; fontsize=9;", *members, "  }"]  # fmt: skip
    for u, v, weight in view.edges:
        attrs = [f"penwidth={1 + min(3, weight.bit_length() - 1)}", f'tooltip="{weight} imports"']
        if (u, v) in red:
            attrs.append('color="#d62728"')
        lines.append(f"  {_quote(u)} -> {_quote(v)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def legend_html(view: GraphView) -> str:
    """A one-line legend of the roles in the picture (our own words and colours only: no user text)."""
    keys = "".join(f'<span style="display:inline-block;margin-right:14px"><span style="display:inline-block;width:12px;'
                   f'height:12px;border:1px solid {stroke};background:{fill};border-radius:3px;vertical-align:middle">'
                   f"</span> {text}</span>" for _, fill, stroke, text in view.legend)  # fmt: skip
    return f'<div style="font-size:13px">{keys}<span style="color:#d62728">&#8594; import cycle</span></div>'


def concept_modules(result: AuditResult, concept: str) -> set[str]:
    """Modules defining a member class or factory of ``concept``."""
    modules: set[str] = set()
    for c in result.concepts:
        if c.name == concept:
            modules.update(m.qualname.rsplit(".", 1)[0] for m in c.members)
            modules.update(f.rsplit(".", 1)[0] for f in c.factories)
    known = {m for e in result.import_edges for m in e}
    return {m for m in modules if m in known} or modules


# -- plan progress ------------------------------------------------------------------------------------------


def step_rows(steps: Iterable[Any], current: AuditResult) -> list[dict[str, Any]]:
    """Progress of planner steps (``PlanStep``-like: id, kind, title, files, resolves): share of resolved gone."""
    now = {f.fingerprint for f in current.findings}
    rows = []
    for step in steps:
        resolves = tuple(step.resolves)
        gone = sum(1 for fp in resolves if fp not in now)
        rows.append({"step": step.id, "kind": step.kind, "title": step.title, "files": len(step.files),
                     "findings": len(resolves), "gone": gone,
                     "progress": gone / len(resolves) if resolves else None,
                     "done": bool(resolves) and gone == len(resolves)})  # fmt: skip
    return rows


def group_rows(first: AuditResult, current: AuditResult) -> list[dict[str, Any]]:
    """Progress per concept, then per rule for findings outside concepts, since the first recorded scan.

    The fallback when no planner is available: a "step" is making one concept's (or rule's) findings go away.
    """

    def groups(result: AuditResult) -> dict[str, set[str]]:
        index = concept_index(result.concepts)
        out: dict[str, set[str]] = {}
        for f in result.findings:
            concept = concept_of(f, result.concepts, index=index)
            key = f"concept {concept}" if concept else f"{f.code} {f.name}"
            out.setdefault(key, set()).add(f.fingerprint)
        return out

    before, now = groups(first), groups(current)
    now_all = {f.fingerprint for f in current.findings}
    rows = []
    for key in sorted(set(before) | set(now), key=lambda k: (not k.startswith("concept"), k)):
        base = before.get(key, set())
        gone = len(base - now_all)
        rows.append({"step": key, "first scan": len(base), "now": len(now.get(key, set())), "fixed": gone,
                     "new": len(now.get(key, set()) - base), "progress": gone / len(base) if base else 0.0,
                     "done": bool(base) and not now.get(key)})  # fmt: skip
    return rows
