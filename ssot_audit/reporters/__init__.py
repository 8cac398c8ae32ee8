"""Reporters turn an ``AuditResult`` into a string; they never see the engine.

Each reporter module is imported when its format is first used: the HTML report pulls in jinja2 and pygments,
which a scan writing JSON or text should not pay for at start-up (a warm scan takes well under a second).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ssot_audit.model import AuditResult, ConsolidationPlan

Reporter = Callable[[AuditResult], str]
PlanReporter = Callable[[ConsolidationPlan], str]
_F = TypeVar("_F", Reporter, PlanReporter)


class _Lazy(Mapping[str, _F]):
    """Format name -> render function, importing the reporter module on first use."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> _F:
        render: Any = importlib.import_module(f"ssot_audit.reporters.{self._modules[name]}").render
        return render  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS: Mapping[str, Reporter] = _Lazy({
    "text": "text",
    "json": "json_reporter",
    "html": "html",
    "sarif": "sarif",
    "github": "github",
    "markdown": "markdown",
    "junit": "junit",
})  # fmt: skip

PLAN_REPORTERS: Mapping[str, PlanReporter] = _Lazy({
    "text": "plan_text",
    "json": "plan_json",
    "markdown": "plan_markdown",
})  # fmt: skip

__all__ = ["PLAN_REPORTERS", "REPORTERS", "PlanReporter", "Reporter"]
