"""Plain text for terminals and CI logs: a summary first, then the findings, in ruff's three shapes.

- ``full`` (default): findings most important first, in the order of their concept or group in ``model.impact``'s
  ranking, then by place; the first three of a group as a block (location, message, fix, a few related locations),
  the rest of the group (one cause, the same message) one line each.
- ``concise``: one line per finding, ``path:line:col: CODE [severity] message``, in path order (for grep and editors).
- ``grouped``: findings under one heading per file, in path order.

The summary (counts per rule and per concept, production vs tests, the top 10 by impact) comes first so a reader
of a 4,000-finding scan knows where to start before the findings scroll by. Long lists in messages are folded
(``reporters.folding``); colour only when asked for (``Style``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ssot_audit.model import AuditResult, Finding, SourceExcerpt
from ssot_audit.model.impact import RANKING_RULE, Impact, Ranking, rank
from ssot_audit.reporters.folding import fold

OUTPUT_FORMATS = ("full", "concise", "grouped")
TOP = 10  # concepts and groups listed by impact in the summary
MAX_CONCEPTS = 20  # concepts listed with their counts in the summary
MAX_RELATED = 5  # related locations shown per finding
MAX_FULL_PER_GROUP = 3  # findings of one concept or group shown in full; the others one line each
_SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True, slots=True)
class Style:
    """ANSI colours, or none (``Style(False)``): severity, code, path, dim."""

    enabled: bool = False

    def _wrap(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def severity(self, text: str, severity: str) -> str:
        """Red errors, yellow warnings, cyan notes."""
        return self._wrap(text, {"error": "1;31", "warning": "33", "note": "36"}.get(severity, "0"))

    def bold(self, text: str) -> str:
        """Paths and codes."""
        return self._wrap(text, "1")

    def dim(self, text: str) -> str:
        """Fix hints, related locations, source."""
        return self._wrap(text, "2")


@dataclass(frozen=True, slots=True)
class TextOptions:
    """What ``render`` shows: the shape, statistics only, source lines, colour."""

    output_format: str = "full"
    statistics: bool = False
    show_source: bool = False
    style: Style = Style()


def _location(f: Finding, style: Style) -> str:
    loc = f.location
    return f"{style.bold(loc.path)}:{loc.line}:{loc.column}"


def _tags(f: Finding, style: Style) -> str:
    tags = [style.severity(f.severity.value, f.severity.value)]
    if f.confidence.value != "high":
        tags.append(f"{f.confidence.value} confidence")
    if f.in_tests:
        tags.append("test")
    return ", ".join(tags)


def _source(f: Finding, excerpts: dict[str, list[SourceExcerpt]], style: Style) -> list[str]:
    loc = f.location
    for excerpt in excerpts.get(loc.path, []):
        if excerpt.start <= loc.line <= excerpt.end:
            first, last = max(excerpt.start, loc.line - 1), min(excerpt.end, max(loc.end_line or loc.line, loc.line) + 1)
            width = len(str(last))
            return [style.dim(f"    {n:>{width}} | ") + fold(excerpt.lines[n - excerpt.start], 160)
                    + ("   <--" if n == loc.line else "") for n in range(first, last + 1)]  # fmt: skip
    return []


def _block(f: Finding, options: TextOptions, excerpts: dict[str, list[SourceExcerpt]]) -> list[str]:
    style = options.style
    lines = [f"{_location(f, style)}: {style.bold(f.code)} {f.name} [{_tags(f, style)}]", f"    {fold(f.message)}"]
    if options.show_source:
        lines += _source(f, excerpts, style)
    lines.append(style.dim(f"    fix: {fold(f.fix_hint)}"))
    paths = f.facts.get("paths") if f.code == "SSOT201" else None
    if isinstance(paths, dict) and paths:
        ordered = sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{p} ({n})" for p, n in ordered[:4]) + (f" (+{len(ordered) - 4} more)" if len(ordered) > 4 else "")
        lines.append(style.dim(f"    paths: {shown}"))
    for related in f.related[:MAX_RELATED]:
        lines.append(style.dim(f"    see {related.location.path}:{related.location.line}: {fold(related.message, 160)}"))
    if len(f.related) > MAX_RELATED:
        lines.append(style.dim(f"    ... and {len(f.related) - MAX_RELATED} more related locations"))
    return lines


def _concise(f: Finding, style: Style) -> str:
    test = ", test" if f.in_tests else ""
    severity = style.severity(f.severity.value, f.severity.value)
    return f"{_location(f, style)}: {style.bold(f.code)} [{severity}{test}] {fold(f.message, 200)}"


def _impact_groups(result: AuditResult, ranking: Ranking) -> list[list[Finding]]:
    """Findings by concept or group (``model.impact``), most important group first; in a group production code
    comes before tests, then by place."""
    position: dict[str, int] = {}
    for i, impact in enumerate(sorted((*ranking.concepts, *ranking.groups), key=lambda x: x.sort_key)):
        for fp in impact.fingerprints:
            position.setdefault(fp, i)
    groups: dict[int, list[Finding]] = {}
    for f in sorted(result.findings, key=lambda f: (position.get(f.fingerprint, len(position)), f.in_tests, f.sort_key)):
        groups.setdefault(position.get(f.fingerprint, len(position)), []).append(f)
    return list(groups.values())


def _full(result: AuditResult, ranking: Ranking, options: TextOptions, excerpts: dict[str, list[SourceExcerpt]]) -> list[str]:
    """Each group's first findings in full; the rest of a group (one cause, the same message) one line each."""
    out: list[str] = []
    for group in _impact_groups(result, ranking):
        for f in group[:MAX_FULL_PER_GROUP]:
            out += ["", *_block(f, options, excerpts)]
        rest = group[MAX_FULL_PER_GROUP:]
        if rest:
            out += ["", f"  ... {len(rest)} more {rest[0].code} findings of the same cause:"]
            out += [f"    {_location(f, options.style)}: {f.code} [{_tags(f, options.style)}]" for f in rest]
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(result: AuditResult) -> str:
    """``Scanned 225 files (17,383 lines, 224 modules, 1 skipped): 51 findings (23 error, ...).``"""
    stats, findings = result.stats, result.findings
    severities = Counter(f.severity.value for f in findings)
    per_severity = ", ".join(f"{severities[s]} {s}" for s in _SEVERITIES if severities[s])
    return (f"Scanned {stats.files} files ({stats.lines} lines, {stats.modules} modules, {stats.parse_failures} "
            f"skipped): {_plural(len(findings), 'finding')}" + (f" ({per_severity})" if per_severity else "") + ".")  # fmt: skip


def statistics(result: AuditResult) -> list[str]:
    """Counts per rule, most frequent first, with how many are in tests (``--statistics``)."""
    counts = Counter((f.code, f.name) for f in result.findings)
    tests = Counter(f.code for f in result.findings if f.in_tests)
    width = len(str(max(counts.values(), default=0)))
    return [f"{count:>{width}}  {code}  {name:<34} ({tests[code]} in tests)"
            for (code, name), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]  # fmt: skip


def _impact_line(i: int, impact: Impact) -> str:
    what = f"concept {impact.key}" if impact.kind == "concept" else f"{impact.key.split(':', 1)[0]} {impact.title}"
    return f"  {i:>2}. {fold(what, 120)}: {impact.describe()}"


def summary(result: AuditResult, ranking: Ranking) -> list[str]:
    """Per rule, production vs tests, per concept, the top 10 by impact."""
    findings = result.findings
    if not findings:
        return []
    in_tests = sum(1 for f in findings if f.in_tests)
    out = ["Summary", f"  {headline(result)}",
           f"  {len(findings) - in_tests} in production code, {in_tests} in tests.", "", "Findings per rule:"]  # fmt: skip
    out += [f"  {line}" for line in statistics(result)]
    concepts = [c for c in ranking.concepts if c.findings]
    if concepts:
        out += ["", f"Concepts ({len(concepts)}, by impact):"]
        out += [f"  {c.key}: {c.describe()}" for c in concepts[:MAX_CONCEPTS]]
        if len(concepts) > MAX_CONCEPTS:
            out.append(f"  ... and {len(concepts) - MAX_CONCEPTS} more concepts")
    top = ranking.top(TOP)
    out += ["", f"Top {len(top)} by impact:", f"  ({RANKING_RULE})"]
    out += [_impact_line(i, impact) for i, impact in enumerate(top, 1)]
    return out + [""]


def _by_path(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


def render(result: AuditResult, options: TextOptions = TextOptions()) -> str:
    """The summary, then the findings in the chosen shape; ``--statistics`` prints the per-rule counts only."""
    if options.statistics:
        return "\n".join([*statistics(result), headline(result)]) + "\n"
    ranking = rank(result)
    style = options.style
    out = summary(result, ranking)
    if result.findings:
        out.append(f"Findings ({'most important first' if options.output_format == 'full' else 'by path'}):")
    excerpts: dict[str, list[SourceExcerpt]] = {}
    for excerpt in result.excerpts:
        excerpts.setdefault(excerpt.path, []).append(excerpt)
    if options.output_format == "concise":
        out += [_concise(f, style) for f in _by_path(result.findings)]
    elif options.output_format == "grouped":
        current = None
        for f in _by_path(result.findings):
            if f.location.path != current:
                current = f.location.path
                out += ["", style.bold(current)]
            out.append(f"  {f.location.line}:{f.location.column}: {style.bold(f.code)} [{_tags(f, style)}] {fold(f.message, 200)}")
            if options.show_source:
                out += ["  " + line for line in _source(f, excerpts, style)]
            out.append(style.dim(f"      fix: {fold(f.fix_hint, 200)}"))
    else:
        out += _full(result, ranking, options, excerpts)
    if result.findings:
        out.append("")
    out.append(headline(result))
    return "\n".join(out) + "\n"
