"""Reporters turn an ``AuditResult`` into a string; they never see the engine.

Each reporter module is imported when its format is first used: the HTML report pulls in jinja2 and pygments,
which a scan writing JSON or text should not pay for at start-up (a warm scan takes well under a second).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ssot_audit.model import AuditResult, ConsolidationPlan
from ssot_audit.model.escape import json_safe, visible_output

_T = TypeVar("_T")

Reporter = Callable[[AuditResult], str]
PlanReporter = Callable[[ConsolidationPlan], str]
_F = TypeVar("_F", Reporter, PlanReporter)
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


class _Lazy(Mapping[str, _F]):
    """Format name -> render function (wrapped by ``_safe``), importing the reporter module on first use."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> _F:
        render: Any = _safe(name, importlib.import_module(f"ssot_audit.reporters.{self._modules[name]}").render)
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
