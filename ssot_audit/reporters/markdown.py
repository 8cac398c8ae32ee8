"""Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Counts per severity and rule, where to start (the top concepts and finding groups by ``model.impact``), the top
findings in that order (the new ones when a baseline was applied), what the baseline absorbed, fixed and holds
stale, and how many findings comments suppressed. Deterministic, and small whatever the number of findings.
"""

from __future__ import annotations

from collections import Counter

from ssot_audit.model import AuditResult, BaselineEntry, Finding
from ssot_audit.model.escape import markdown_code, markdown_text
from ssot_audit.model.impact import RANKING_RULE, Ranking, rank
from ssot_audit.reporters.folding import fold

TOP = 20  # findings listed in full; the rest are counted
TOP_IMPACT = 10  # concepts and finding groups listed under "Where to start"
_SEVERITIES = ("error", "warning", "note")


def _cell(text: str) -> str:
    """Text shown as written inside a table cell: markup characters escaped, no HTML, no line breaks."""
    return markdown_text(text)


def _code(text: str) -> str:
    """A code span inside a table cell (backslash escapes are literal there; GFM still needs ``\\|``)."""
    return markdown_code(text) if text else "-"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _severity_counts(findings: tuple[Finding, ...]) -> str:
    counts = Counter(f.severity.value for f in findings)
    parts = [f"{counts[s]} {s}" for s in _SEVERITIES if counts[s]]
    return f" ({', '.join(parts)})" if parts else ""


def _headline(result: AuditResult) -> list[str]:
    stats, findings = result.stats, result.findings
    what = "new finding" if result.baseline is not None else "finding"
    lines = [f"## ssot-audit: {_plural(len(findings), what)}", "",
             f"Scanned {stats.files} files ({stats.lines} lines, {stats.parse_failures} skipped) in `{result.root or '.'}`: "
             f"**{_plural(len(findings), what)}**{_severity_counts(findings)}."]  # fmt: skip
    baseline = result.baseline
    if baseline is not None:
        lines += ["", f"Baseline `{baseline.path}`: **{len(findings)} new**, {baseline.unchanged} unchanged, "
                  f"{baseline.fixed_count} fixed, {baseline.stale_count} stale."]  # fmt: skip
    if result.suppressed:
        reasons = sum(1 for s in result.suppressed if s.reason)
        lines += ["", f"{_plural(len(result.suppressed), 'finding')} suppressed by `# ssot: ignore` comments "
                  f"({reasons} with a reason)."]  # fmt: skip
    return lines


def _by_rule(findings: tuple[Finding, ...]) -> list[str]:
    if not findings:
        return []
    counts = Counter((f.code, f.name, f.severity.value) for f in findings)
    rules = sorted({(f.code, f.name) for f in findings})
    lines = ["", "### Findings by rule", "", "| rule | name | error | warning | note | total |",
             "|---|---|---:|---:|---:|---:|"]  # fmt: skip
    for code, name in rules:
        per = [counts[(code, name, s)] for s in _SEVERITIES]
        lines.append(f"| {code} | {name} | {' | '.join(map(str, per))} | {sum(per)} |")
    return lines


def _where_to_start(ranking: Ranking) -> list[str]:
    top = ranking.top(TOP_IMPACT)
    if not top:
        return []
    lines = ["", "### Where to start", "", f"Top {len(top)} by impact: {RANKING_RULE}.", "",
             "| # | concept or group | runtime errors in production | implementations | importers | findings (in tests) |",
             "|---:|---|---:|---:|---:|---:|"]  # fmt: skip
    for i, impact in enumerate(top, 1):
        what = f"concept {_code(impact.key)}" if impact.kind == "concept" else f"{impact.key.split(':', 1)[0]} {_code(impact.title)}"
        counts = (impact.implementations, impact.importers) if impact.kind == "concept" else ("-", "-")
        lines.append(f"| {i} | {what} | {impact.runtime_errors} | {counts[0]} | {counts[1]} | "
                     f"{impact.findings} ({impact.test_findings}) |")  # fmt: skip
    return lines


def _top(findings: tuple[Finding, ...], title: str, ranking: Ranking) -> list[str]:
    if not findings:
        return []
    position: dict[str, int] = {}
    for i, impact in enumerate(sorted((*ranking.concepts, *ranking.groups), key=lambda x: x.sort_key)):
        position.update(dict.fromkeys(impact.fingerprints, i))
    ranked = sorted(findings, key=lambda f: (position.get(f.fingerprint, len(position)), -f.severity.rank, f.sort_key))
    lines = ["", f"### {title}", "", "| severity | rule | location | message |", "|---|---|---|---|"]
    for f in ranked[:TOP]:
        loc = f.location
        lines.append(f"| {f.severity.value} | {f.code} | {_code(f'{loc.path}:{loc.line}')} | {_cell(fold(f.message, 300))} |")
    if len(ranked) > TOP:
        lines += ["", f"... and {len(ranked) - TOP} more (see the full report)."]
    return lines


def _entries(entries: tuple[BaselineEntry, ...], title: str, note: str) -> list[str]:
    if not entries:
        return []
    lines = ["", f"### {title}", "", note, "", "| rule | path | symbol | count |", "|---|---|---|---:|"]
    lines += [f"| {e.code} | {_code(e.path)} | {_code(e.symbol)} | {e.count} |" for e in entries]
    return lines


def render(result: AuditResult) -> str:
    """The summary as GitHub-flavoured Markdown."""
    ranking = rank(result)
    out = _headline(result)
    out += _by_rule(result.findings)
    out += _where_to_start(ranking)
    out += _top(result.findings, "New findings" if result.baseline is not None else "Top findings", ranking)
    if result.baseline is not None:
        out += _entries(result.baseline.fixed, "Fixed since the baseline",
                        "Gone from the code: shrink the baseline with `--baseline FILE --write-baseline FILE`.")
        out += _entries(result.baseline.stale, "Stale baseline entries",
                        "Their file is no longer scanned or their rule no longer exists.")
    return "\n".join(out) + "\n"
