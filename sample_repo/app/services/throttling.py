"""Throttling for the message service (copied from the API gateway and adapted)."""
from __future__ import annotations

import time


class RequestRateLimiter:
    """Sliding-window limiter keyed by user id."""

    def __init__(self, max_requests: int = 30, per_seconds: float = 60.0) -> None:
        self.max_requests = max_requests
        self.per_seconds = per_seconds
        self._log: dict[str, list[float]] = {}

    def allow_request(self, user_id: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self._log.get(user_id, []) if now - t < self.per_seconds]
        self._log[user_id] = recent
        return len(recent) < self.max_requests

    def record_hit(self, user_id: str) -> None:
        self._log.setdefault(user_id, []).append(time.monotonic())

    def remaining_quota(self, user_id: str) -> int:
        return max(self.max_requests - len(self._log.get(user_id, [])), 0)

    def reset_window(self, user_id: str) -> None:
        self._log[user_id] = []
