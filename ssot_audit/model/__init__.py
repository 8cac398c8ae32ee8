"""The data model: frozen dataclasses and enums, standard library only."""

from ssot_audit.model.baseline import BaselineComparison, BaselineEntry, SuppressedFinding
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
from ssot_audit.model.fixes import Applicability, Edit, Fix
from ssot_audit.model.plan import ConceptPlan, ConsolidationPlan, MemberRow, PlanStep, PlanSummary, SymbolPlan
from ssot_audit.model.result import AuditResult, Concept, ConceptMember, ScanStats
from ssot_audit.model.sources import ImportRef, SourceExcerpt

__all__ = [
    "Applicability",
    "Edit",
    "Fix",
    "AuditResult",
    "BaselineComparison",
    "BaselineEntry",
    "Concept",
    "ConceptMember",
    "ConceptPlan",
    "ConsolidationPlan",
    "ImportRef",
    "MemberRow",
    "PlanStep",
    "PlanSummary",
    "SourceExcerpt",
    "SymbolPlan",
    "Confidence",
    "Finding",
    "Location",
    "Related",
    "RuleInfo",
    "RuleOption",
    "ScanStats",
    "Severity",
    "SuppressedFinding",
    "make_fingerprint",
]
