"""SARIF 2.1.0 for GitHub code scanning, SonarQube and other SARIF readers.

One run; a de-duplicated rules table built from the docs of the rules that ran (``AuditResult.rule_info``);
results with repo-relative URIs against ``%SRCROOT%``, ``relatedLocations`` for the other members of a cluster,
``partialFingerprints`` from the line-free fingerprint (so alerts survive edits that move code), suppressed
findings as results with an ``inSource`` suppression (and its justification), and ``baselineState`` when a
baseline was applied: "new" for the findings that gate, "unchanged" for the ones the baseline absorbed (so
code scanning keeps every alert open while the exit code looks only at new ones). Deterministic: no timestamps, no absolute paths.

``security-severity`` is deliberately absent: these are design and correctness findings, not vulnerabilities,
and GitHub would otherwise rank them among security alerts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ssot_audit.model import AuditResult, Finding, Fix, Location, RuleInfo, SuppressedFinding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/ssot-audit/"
FINGERPRINT_KEY = "ssotFingerprint/v1"
SRCROOT = "%SRCROOT%"
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def _section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule doc (empty when absent)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return match.group(1).strip() if match else ""


def _rule(info: RuleInfo) -> dict[str, Any]:
    what = _section(info.doc, "What it does") or info.summary
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": what},
        "help": {"text": info.doc or info.summary, "markdown": info.doc or info.summary},
        "defaultConfiguration": {"level": info.default_severity.value},
        "properties": {
            "tags": ["ssot", "maintainability", info.name],
            "precision": "high",
            "problem.severity": _PROBLEM_SEVERITY[info.default_severity.value],
            **({"fix": info.fix} if info.fix != "none" else {}),  # "safe" | "unsafe": whether results carry fixes
        },
    }


def _rules_table(result: AuditResult, findings: list[Finding]) -> list[dict[str, Any]]:
    """One entry per rule: every rule that ran, plus any code a result uses that the catalog did not list."""
    infos = {info.code: info for info in result.rule_info}
    for finding in findings:
        if finding.code not in infos:
            infos[finding.code] = RuleInfo(finding.code, finding.name, finding.name, finding.severity, "")
    return [_rule(infos[code]) for code in sorted(infos)]


def _physical(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, location.line), "startColumn": max(1, location.column)}
    if location.end_line is not None and location.end_line >= location.line:
        region["endLine"] = location.end_line
        if location.end_column is not None and location.end_column >= 1:
            region["endColumn"] = location.end_column
    return {"artifactLocation": {"uri": location.path, "uriBaseId": SRCROOT}, "region": region}


def _location(location: Location) -> dict[str, Any]:
    data: dict[str, Any] = {"physicalLocation": _physical(location)}
    if location.symbol:
        data["logicalLocations"] = [{"fullyQualifiedName": location.symbol}]
    return data


def _fix(fix: Fix) -> dict[str, Any]:
    """A SARIF fix: one artifactChange per file, each edit a replacement (an empty region inserts)."""
    changes = []
    for path in fix.paths:
        replacements = [{"deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line,
                                           "endColumn": e.end_column},
                         "insertedContent": {"text": e.content}} for e in fix.edits if e.path == path]  # fmt: skip
        changes.append({"artifactLocation": {"uri": path, "uriBaseId": SRCROOT}, "replacements": replacements})
    return {"description": {"text": fix.message}, "artifactChanges": changes,
            "properties": {"applicability": fix.applicability.value}}  # fmt: skip


def _result(finding: Finding, rule_index: int, result: AuditResult,
            suppressed: SuppressedFinding | None = None, state: str = "new") -> dict[str, Any]:  # fmt: skip
    data: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": f"{finding.message}\nFix: {finding.fix_hint}"},
        "locations": [_location(finding.location)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"confidence": finding.confidence.value, "inTests": finding.in_tests,
                       "tags": ["test"] if finding.in_tests else []},  # fmt: skip
    }
    if finding.fix is not None:
        data["fixes"] = [_fix(finding.fix)]
    if finding.related:
        data["relatedLocations"] = [{"id": number, **_location(r.location), "message": {"text": r.message}}
                                    for number, r in enumerate(finding.related, 1)]  # fmt: skip
    if suppressed is not None:
        suppression: dict[str, Any] = {"kind": "inSource", "location": {"physicalLocation": _physical(suppressed.comment)}}
        if suppressed.reason:
            suppression["justification"] = suppressed.reason
        data["suppressions"] = [suppression]
    elif result.baseline is not None:
        data["baselineState"] = state
    return data


def to_sarif(result: AuditResult) -> dict[str, Any]:
    """The SARIF log as a JSON-compatible dict."""
    unchanged = result.baseline.unchanged_findings if result.baseline is not None else ()
    findings = list(result.findings) + list(unchanged) + [s.finding for s in result.suppressed]
    rules = _rules_table(result, findings)
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    results = [_result(f, index[f.code], result) for f in result.findings]
    results += [_result(f, index[f.code], result, state="unchanged") for f in unchanged]
    results += [_result(s.finding, index[s.finding.code], result, s) for s in result.suppressed]
    driver = {"name": "ssot-audit", "version": result.tool_version, "semanticVersion": result.tool_version,
              "informationUri": INFORMATION_URI, "rules": rules}  # fmt: skip
    run = {
        "tool": {"driver": driver},
        "automationDetails": {"id": "ssot-audit/"},  # the category GitHub keeps alerts apart by
        "originalUriBaseIds": {SRCROOT: {"description": {"text": f"The scanned directory ({result.root or '.'}); "
                                                                 "result URIs are relative to it."}}},  # fmt: skip
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: AuditResult) -> str:
    """The SARIF log, pretty-printed, deterministic."""
    return json.dumps(to_sarif(result), indent=2, ensure_ascii=False) + "\n"
