"""Reporters turn an ``AuditResult`` into a string; they never see the engine."""

from __future__ import annotations

from collections.abc import Callable

from ssot_audit.model import AuditResult, ConsolidationPlan
from ssot_audit.reporters import html, plan_json, plan_markdown, plan_text
from ssot_audit.reporters import github, json_reporter, junit, markdown, sarif, text

Reporter = Callable[[AuditResult], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_reporter.render,
    "html": html.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
    "junit": junit.render,
}

PlanReporter = Callable[[ConsolidationPlan], str]

PLAN_REPORTERS: dict[str, PlanReporter] = {
    "text": plan_text.render,
    "json": plan_json.render,
    "markdown": plan_markdown.render,
}

__all__ = ["PLAN_REPORTERS", "REPORTERS", "PlanReporter", "Reporter"]
