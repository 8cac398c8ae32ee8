"""AuditResult <-> JSON-compatible dicts, losslessly (a report can be rebuilt from a findings file).

The output is deterministic: sorted keys, no timestamps, repo-relative paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ssot_audit.model import (
    AuditResult,
    Applicability,
    Concept,
    ConceptMember,
    Edit,
    Fix,
    Confidence,
    BaselineComparison,
    BaselineEntry,
    Finding,
    ImportRef,
    Location,
    Related,
    RuleInfo,
    RuleOption,
    ScanStats,
    Severity,
    SourceExcerpt,
    SuppressedFinding,
)

SCHEMA_VERSION = 1


class SerializationError(ValueError):
    """A findings file that is not what this version of ssot-audit writes."""


def location_to_dict(location: Location) -> dict[str, Any]:
    """A location as a dict (None fields omitted)."""
    data: dict[str, Any] = {"path": location.path, "line": location.line, "column": location.column}
    if location.end_line is not None:
        data["end_line"] = location.end_line
    if location.end_column is not None:
        data["end_column"] = location.end_column
    if location.symbol:
        data["symbol"] = location.symbol
    return data


def _field(data: Any, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    """``data[key]`` checked to be of ``kind``: a findings file is input, and a ``"line": "7"`` must be an error that
    says so, not a crash in a reporter later (``bool`` never passes for ``int``)."""
    if not isinstance(data, dict):
        raise SerializationError(f"expected an object holding '{key}', got {type(data).__name__}")
    if key not in data and default is not ...:
        return default
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))):
        names = "/".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise SerializationError(f"'{key}' must be {names}, got {value!r:.60}")
    return value


def _position(data: Any, key: str, default: Any = ...) -> Any:
    value = _field(data, key, (int, type(None)) if default is None else int, default)
    if value is not None and value < 0:
        raise SerializationError(f"'{key}' must not be negative, got {value}")
    return value


def location_from_dict(data: dict[str, Any]) -> Location:
    """Inverse of ``location_to_dict``; every field is checked (a wrong type raises ``SerializationError``)."""
    return Location(_field(data, "path", str), _position(data, "line"), _position(data, "column", 1),
                    _position(data, "end_line", None), _position(data, "end_column", None),
                    _field(data, "symbol", str, ""))  # fmt: skip


def fix_to_dict(fix: Fix) -> dict[str, Any]:
    """A fix as a dict: its message, applicability and edits."""
    return {"message": fix.message, "applicability": fix.applicability.value,
            "edits": [{"path": e.path, "line": e.line, "column": e.column, "end_line": e.end_line,
                       "end_column": e.end_column, "content": e.content} for e in fix.edits]}  # fmt: skip


def fix_from_dict(data: dict[str, Any]) -> Fix:
    """Inverse of ``fix_to_dict``."""
    return Fix(data["message"], Applicability(data["applicability"]), tuple(Edit(**e) for e in data["edits"]))


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as a dict (``fix`` only when it has one)."""
    data = _finding_fields(finding)
    if finding.fix is not None:
        data["fix"] = fix_to_dict(finding.fix)
    return data


def _finding_fields(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "fix_hint": finding.fix_hint,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "location": location_to_dict(finding.location),
        "fingerprint": finding.fingerprint,
        "related": [{"location": location_to_dict(r.location), "message": r.message} for r in finding.related],
        "facts": finding.facts,
        "in_tests": finding.in_tests,
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """Inverse of ``finding_to_dict``."""
    return Finding(
        code=_field(data, "code", str),
        name=_field(data, "name", str),
        message=_field(data, "message", str),
        fix_hint=_field(data, "fix_hint", str),
        severity=Severity(data["severity"]),
        confidence=Confidence(data["confidence"]),
        location=location_from_dict(data["location"]),
        fingerprint=_field(data, "fingerprint", str),
        related=tuple(Related(location_from_dict(r["location"]), _field(r, "message", str))
                      for r in _field(data, "related", list, [])),  # fmt: skip
        facts=_field(data, "facts", dict, {}),
        in_tests=_field(data, "in_tests", bool, False),
        fix=fix_from_dict(data["fix"]) if data.get("fix") else None,
    )


def concept_to_dict(concept: Concept) -> dict[str, Any]:
    """A concept as JSON-compatible data (``concept_from_dict`` reads it back)."""
    return {
        "name": concept.name,
        "origin": concept.origin,
        "canonical": concept.canonical,
        "canonical_reason": concept.canonical_reason,
        "factories": list(concept.factories),
        "per_user": concept.per_user,
        "importers": concept.importers,
        "rejected": [{"class": c, "why": why} for c, why in concept.rejected],
        "warnings": list(concept.warnings),
        "members": [
            {"qualname": m.qualname, "location": location_to_dict(m.location), "role": m.role,
             "public_methods": list(m.public_methods), "async_methods": list(m.async_methods),
             "importers": m.importers, **({"public_name": m.public_name} if m.public_name else {}),
             **({"names": list(m.names)} if m.names else {})}  # fmt: skip
            for m in concept.members
        ],
    }


def _concept_from_dict(data: dict[str, Any]) -> Concept:
    members = tuple(
        ConceptMember(m["qualname"], location_from_dict(m["location"]), m["role"], tuple(m["public_methods"]),
                      tuple(m["async_methods"]), m["importers"], m.get("public_name", ""), tuple(m.get("names", ())))  # fmt: skip
        for m in data["members"]
    )
    return Concept(data["name"], data["origin"], data["canonical"], data["canonical_reason"], members,
                   tuple(data["factories"]), data["per_user"], data.get("importers", 0),
                   tuple((r["class"], r["why"]) for r in data.get("rejected", ())), tuple(data.get("warnings", ())))  # fmt: skip


def _import_ref_to_dict(ref: ImportRef) -> dict[str, Any]:
    return {"importer": ref.importer, "path": ref.path, "line": ref.line, "column": ref.column, "source": ref.source,
            "name": ref.name, "bound": ref.bound, "target": ref.target, "scope": ref.scope}  # fmt: skip


def _entry_to_dict(entry: BaselineEntry) -> dict[str, Any]:
    return {"code": entry.code, "name": entry.name, "path": entry.path, "symbol": entry.symbol,
            "fingerprint": entry.fingerprint, "count": entry.count}  # fmt: skip


def _gate_to_dict(result: AuditResult) -> dict[str, Any]:
    """Rule docs, suppressed findings and the baseline comparison, each only when present."""
    data: dict[str, Any] = {}
    if result.rule_info:
        data["rule_info"] = [{"code": r.code, "name": r.name, "summary": r.summary, "doc": r.doc,
                              "default_severity": r.default_severity.value, "fix": r.fix,
                              "options": [{"name": o.name, "type": o.type, "default": o.default, "help": o.help}
                                          for o in r.options]} for r in result.rule_info]  # fmt: skip
    if result.suppressed:
        data["suppressed"] = [{"finding": finding_to_dict(s.finding), "comment": location_to_dict(s.comment),
                               "reason": s.reason} for s in result.suppressed]  # fmt: skip
    if result.baseline is not None:
        b = result.baseline
        data["baseline"] = {"path": b.path, "unchanged": b.unchanged, "fixed": [_entry_to_dict(e) for e in b.fixed],
                            "stale": [_entry_to_dict(e) for e in b.stale],
                            "unchanged_findings": [finding_to_dict(f) for f in b.unchanged_findings]}  # fmt: skip
    return data


def _gate_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Inverse of ``_gate_to_dict``: keyword arguments for ``AuditResult``."""
    suppressed = tuple(SuppressedFinding(finding_from_dict(s["finding"]), location_from_dict(s["comment"]),
                                         s.get("reason", "")) for s in data.get("suppressed", []))  # fmt: skip
    raw = data.get("baseline")
    baseline = None if raw is None else BaselineComparison(
        raw["path"], raw["unchanged"], tuple(BaselineEntry(**e) for e in raw.get("fixed", [])),
        tuple(BaselineEntry(**e) for e in raw.get("stale", [])),
        tuple(finding_from_dict(f) for f in raw.get("unchanged_findings", [])))  # fmt: skip
    rule_info = tuple(RuleInfo(r["code"], r["name"], r["summary"], Severity(r["default_severity"]), r["doc"],
                               tuple(RuleOption(**o) for o in r.get("options", [])), r.get("fix", "none"))
                      for r in data.get("rule_info", []))  # fmt: skip
    return {"suppressed": suppressed, "baseline": baseline, "rule_info": rule_info}


def summary_to_dict(findings: Sequence[Finding]) -> dict[str, Any]:
    """The result's summary: how many findings, by rule and by severity."""
    by_code: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    for f in findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
        by_severity[f.severity.value] = by_severity.get(f.severity.value, 0) + 1
    return {"total": len(findings), "by_code": dict(sorted(by_code.items())),
            "by_severity": dict(sorted(by_severity.items()))}  # fmt: skip


def result_to_dict(result: AuditResult) -> dict[str, Any]:
    """The whole result as a JSON-compatible dict, with a summary by rule and severity."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ssot-audit", "version": result.tool_version},
        "root": result.root,
        "stats": {"files": result.stats.files, "lines": result.stats.lines, "modules": result.stats.modules,
                  "parse_failures": result.stats.parse_failures},  # fmt: skip
        "summary": summary_to_dict(result.findings),
        "rules": list(result.rules),
        "findings": [finding_to_dict(f) for f in result.findings],
        "concepts": [concept_to_dict(c) for c in result.concepts],
        "import_edges": [list(e) for e in result.import_edges],
        "modules": [list(m) for m in result.modules],
        "symbol_imports": [_import_ref_to_dict(r) for r in result.symbol_imports],
        "excerpts": [{"path": e.path, "start": e.start, "lines": list(e.lines)} for e in result.excerpts],
        **_gate_to_dict(result),
    }


def result_from_dict(data: dict[str, Any]) -> AuditResult:
    """Inverse of ``result_to_dict``; raises ``SerializationError`` on a file of another shape or version."""
    if not isinstance(data, dict) or "findings" not in data:
        raise SerializationError("not an ssot-audit findings file (no 'findings' key)")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SerializationError(f"findings file has schema_version {version!r}; this ssot-audit reads {SCHEMA_VERSION}")
    try:
        stats = data["stats"]
        return AuditResult(
            tool_version=data["tool"]["version"],
            root=_field(data, "root", str),
            stats=ScanStats(*(_position(stats, key) for key in ("files", "lines", "modules", "parse_failures"))),
            findings=tuple(finding_from_dict(f) for f in data["findings"]),
            concepts=tuple(_concept_from_dict(c) for c in data.get("concepts", [])),
            rules=tuple(data.get("rules", [])),
            import_edges=tuple((u, v) for u, v in data.get("import_edges", [])),
            modules=tuple((m, p) for m, p in data.get("modules", [])),
            symbol_imports=tuple(ImportRef(**r) for r in data.get("symbol_imports", [])),
            excerpts=tuple(SourceExcerpt(_field(e, "path", str), _position(e, "start"),
                                         tuple(_strings(_field(e, "lines", list)))) for e in data.get("excerpts", [])),  # fmt: skip
            **_gate_from_dict(data),
        )
    except SerializationError as exc:
        raise SerializationError(f"malformed findings file: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SerializationError(f"malformed findings file: {exc!r}") from exc


def _strings(values: list[Any]) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise SerializationError("excerpt lines must be strings")
    return values
