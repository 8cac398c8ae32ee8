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
from ssot_audit.model import baseline, findings, fixes, impact, plan, pickling, result, sources

# The cache pickles results (findings, fixes, excerpts...) at every scan that computes one: positionally
for _module in (baseline, findings, fixes, impact, plan, result, sources):
    for _class in list(vars(_module).values()):
        if isinstance(_class, type) and _class.__module__ == _module.__name__ and hasattr(_class, "__dataclass_fields__"):
            pickling.pickle_positionally(_class)

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
