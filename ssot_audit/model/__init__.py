"""The data model: frozen dataclasses and enums, standard library only."""

from ssot_audit.model.findings import (
    Confidence,
    Finding,
    Location,
    Related,
    RuleInfo,
    RuleOption,
    Severity,
    make_fingerprint,
)
from ssot_audit.model.result import AuditResult, Concept, ConceptMember, ScanStats

__all__ = [
    "AuditResult",
    "Concept",
    "ConceptMember",
    "Confidence",
    "Finding",
    "Location",
    "Related",
    "RuleInfo",
    "RuleOption",
    "ScanStats",
    "Severity",
    "make_fingerprint",
]
