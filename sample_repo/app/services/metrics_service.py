"""Metrics export (same lifecycle method names as every service: not a duplicate of them)."""
from __future__ import annotations


class MetricsService:
    """Collects counters and exports them."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}
        self._exporting = False

    def initialize(self) -> None:
        self._counters = {"messages": 0, "connections": 0}

    def start(self) -> None:
        self._exporting = True

    def stop(self) -> None:
        self._exporting = False

    def close(self) -> None:
        self._counters.clear()

    def get_status(self) -> dict[str, object]:
        return {"exporting": self._exporting, "counters": dict(self._counters)}

    def health_check(self) -> bool:
        return self._exporting

    def increment(self, name: str) -> None:
        self._counters[name] = self._counters.get(name, 0) + 1
