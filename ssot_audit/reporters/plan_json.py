"""The consolidation plan as JSON: deterministic (sorted keys, no timestamps), the format golden tests pin."""

from __future__ import annotations

import json
from typing import Any

from ssot_audit.model import ConsolidationPlan, Location, PlanStep, PlanSummary
from ssot_audit.serialization import location_to_dict

PLAN_SCHEMA_VERSION = 1


def _summary(summary: PlanSummary) -> dict[str, Any]:
    return {
        "implementations": summary.implementations,
        "import_paths": summary.import_paths,
        "canonical_paths": summary.canonical_paths,
        "await_misuses": summary.await_misuses,
        "files_touched": summary.files_touched,
        "steps": summary.steps,
        "mechanical_steps": summary.mechanical_steps,
    }


def _locations(locations: tuple[Location, ...]) -> list[dict[str, Any]]:
    return [location_to_dict(loc) for loc in locations]


def step_to_dict(step: PlanStep) -> dict[str, Any]:
    """One step as a dict."""
    return {
        "id": step.id, "kind": step.kind, "title": step.title, "detail": step.detail, "files": list(step.files),
        "locations": _locations(step.locations), "blast_radius": step.blast_radius, "in_cycle": step.in_cycle,
        "mechanical": step.mechanical, "verify_command": step.verify_command, "verify_expect": step.verify_expect,
        "depends_on": list(step.depends_on), "before": step.before, "after": step.after, "resolves": list(step.resolves),
    }  # fmt: skip


def plan_to_dict(plan: ConsolidationPlan) -> dict[str, Any]:
    """The whole plan as a JSON-compatible dict."""
    return {
        "schema_version": PLAN_SCHEMA_VERSION,
        "root": plan.root,
        "summary": _summary(plan.summary),
        "order": list(plan.order),  # concept and symbol plans ranked together, most important first
        "concepts": [
            {
                "concept": c.concept, "origin": c.origin, "canonical": c.canonical,
                "canonical_reason": c.canonical_reason, "evidence": list(c.evidence), "factories": list(c.factories),
                "methods": list(c.methods), "missing_in_canonical": list(c.missing_in_canonical),
                "members": [{"qualname": m.qualname, "role": m.role, "location": location_to_dict(m.location),
                             "importers": m.importers, "methods": list(m.methods),
                             "async_methods": list(m.async_methods)} for m in c.members],
                "summary": _summary(c.summary), "steps": [step_to_dict(s) for s in c.steps],
            }
            for c in plan.concepts
        ],
        "symbols": [
            {
                "symbol": s.symbol, "canonical": s.canonical, "canonical_reason": s.canonical_reason,
                "paths": [[p, n] for p, n in s.paths], "definitions": list(s.definitions),
                "summary": _summary(s.summary), "steps": [step_to_dict(x) for x in s.steps],
            }
            for s in plan.symbols
        ],
        **({"omitted": plan.omitted, "omitted_concepts": plan.omitted_concepts} if plan.omitted else {}),
    }  # fmt: skip


def render(plan: ConsolidationPlan) -> str:
    """The plan as pretty-printed JSON."""
    return json.dumps(plan_to_dict(plan), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
