"""Reporters turn an ``AuditResult`` into a string; they never see the engine."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from ssot_audit.model import AuditResult, ConsolidationPlan
from ssot_audit.model.escape import json_safe, visible_output
from ssot_audit.reporters import html, plan_json, plan_markdown, plan_text
from ssot_audit.reporters import github, json_reporter, junit, markdown, sarif, text

_T = TypeVar("_T")

Reporter = Callable[[AuditResult], str]
PlanReporter = Callable[[ConsolidationPlan], str]
_JSON_FORMATS = frozenset({"json", "sarif"})


def _safe(name: str, render: Callable[[_T], str]) -> Callable[[_T], str]:
    """Every output leaves through here: whatever control or bidi character a reporter let through from the
    scanned tree is replaced (JSON keeps it losslessly as ``\\uXXXX``). Reporters escape their own syntax
    (Markdown, XML, workflow commands); this pass is the floor under all of them."""
    clean = json_safe if name in _JSON_FORMATS else visible_output

    @functools.wraps(render)
    def rendered(value: _T) -> str:
        return clean(render(value))

    return rendered


REPORTERS: dict[str, Reporter] = {name: _safe(name, render) for name, render in {
    "text": text.render,
    "json": json_reporter.render,
    "html": html.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
    "junit": junit.render,
}.items()}  # fmt: skip

PLAN_REPORTERS: dict[str, PlanReporter] = {name: _safe(name, render) for name, render in {
    "text": plan_text.render,
    "json": plan_json.render,
    "markdown": plan_markdown.render,
}.items()}  # fmt: skip

__all__ = ["PLAN_REPORTERS", "REPORTERS", "PlanReporter", "Reporter"]
