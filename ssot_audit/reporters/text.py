"""Plain text for terminals and CI logs: one block per finding, then summaries."""

from __future__ import annotations

from collections import Counter

from ssot_audit.model import AuditResult, Finding


def _finding_block(finding: Finding) -> list[str]:
    loc = finding.location
    tags = [finding.severity.value]
    if finding.confidence.value != "high":
        tags.append(f"{finding.confidence.value} confidence")
    if finding.in_tests:
        tags.append("test")
    lines = [f"{loc.path}:{loc.line}:{loc.column}: {finding.code} {finding.name} [{', '.join(tags)}]",
             f"    {finding.message}", f"    fix: {finding.fix_hint}"]  # fmt: skip
    for related in finding.related[:8]:
        lines.append(f"    see {related.location.path}:{related.location.line}: {related.message}")
    if len(finding.related) > 8:
        lines.append(f"    ... and {len(finding.related) - 8} more related locations")
    return lines


def _import_path_summary(findings: list[Finding]) -> list[str]:
    by_symbol: dict[str, dict[str, int]] = {}
    canonical: dict[str, str] = {}
    for f in findings:
        if f.code == "SSOT201":
            by_symbol[f.facts["symbol"]] = f.facts["paths"]
            canonical[f.facts["symbol"]] = f.facts["canonical_path"]
    lines = []
    for symbol in sorted(by_symbol):
        lines.append(f"  {symbol}:")
        for path, count in sorted(by_symbol[symbol].items(), key=lambda kv: (-kv[1], kv[0])):
            mark = "  (canonical)" if path == canonical[symbol] else ""
            lines.append(f"    {count:4d}  {path}{mark}")
    return lines


def render(result: AuditResult) -> str:
    """Every finding, then import paths per symbol, then counts per rule."""
    out: list[str] = []
    for finding in result.findings:
        out.extend(_finding_block(finding))
        out.append("")
    paths = _import_path_summary(list(result.findings))
    if paths:
        out.append("Import paths per symbol (SSOT201):")
        out.extend(paths)
        out.append("")
    counts = Counter((f.code, f.name) for f in result.findings)
    severities = Counter(f.severity.value for f in result.findings)
    if counts:
        out.append("Findings per rule:")
        for (code, name), count in sorted(counts.items()):
            out.append(f"  {code} {name:<34} {count}")
    stats = result.stats
    per_severity = ", ".join(f"{severities[s]} {s}" for s in ("error", "warning", "note") if severities[s])
    out.append(
        f"Scanned {stats.files} files ({stats.lines} lines, {stats.modules} modules, {stats.parse_failures} "
        f"skipped): {len(result.findings)} findings" + (f" ({per_severity})" if per_severity else "") + "."
    )
    return "\n".join(out) + "\n"
