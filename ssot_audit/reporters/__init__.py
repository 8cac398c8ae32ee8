"""Reporters turn an ``AuditResult`` into a string; they never see the engine."""

from __future__ import annotations

from collections.abc import Callable

from ssot_audit.model import AuditResult
from ssot_audit.reporters import json_reporter, text

Reporter = Callable[[AuditResult], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_reporter.render,
}

__all__ = ["REPORTERS", "Reporter"]
