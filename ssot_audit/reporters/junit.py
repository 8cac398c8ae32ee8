"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure): one failing test case per finding.

A clean scan is one passing test case, so the report is never empty. Deterministic: no timestamps or times.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ssot_audit.model import AuditResult, Finding


def _case(parent: ET.Element, finding: Finding) -> None:
    loc = finding.location
    case = ET.SubElement(parent, "testcase", classname=loc.path, name=f"{finding.code} {finding.name} at {loc.line}:{loc.column}",
                         file=loc.path, line=str(loc.line))  # fmt: skip
    failure = ET.SubElement(case, "failure", type=finding.code, message=finding.message)
    failure.text = f"{loc.path}:{loc.line}:{loc.column}: [{finding.severity.value}] {finding.message}\nfix: {finding.fix_hint}"


def render(result: AuditResult) -> str:
    """A ``<testsuites>`` document with one suite, ``ssot-audit``."""
    total = max(1, len(result.findings))
    counts = {"tests": str(total), "failures": str(len(result.findings)), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "ssot-audit", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "ssot-audit", **counts})
    for finding in result.findings:
        _case(suite, finding)
    if not result.findings:
        ET.SubElement(suite, "testcase", classname="ssot-audit", name="no findings")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
