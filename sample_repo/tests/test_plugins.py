"""Plugins from the app.plugins namespace package."""
from __future__ import annotations

from app.plugins.metrics_plugin import summarize
from app.plugins.slack_bridge import slack_presence


def test_summarize_keeps_numbers_only() -> None:
    assert summarize({"rps": 3, "host": "a", "p99": 0.25}) == {"rps": 3.0, "p99": 0.25}


async def test_slack_presence_with_double(fake_manager) -> None:
    assert await slack_presence(fake_manager) == "away"
