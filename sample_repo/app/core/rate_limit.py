"""Per-user request rate limiting (sliding window)."""
from __future__ import annotations

import time


class RateLimiter:  # [SSOT101]
    """At most ``limit`` requests per ``window`` seconds per user."""

    def __init__(self, limit: int = 60, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, list[float]] = {}

    def allow_request(self, user_id: str) -> bool:
        self._drop_old(user_id)
        return len(self._hits.get(user_id, [])) < self.limit

    def record_hit(self, user_id: str) -> None:
        self._hits.setdefault(user_id, []).append(time.monotonic())

    def remaining_quota(self, user_id: str) -> int:
        self._drop_old(user_id)
        return max(self.limit - len(self._hits.get(user_id, [])), 0)

    def reset_window(self, user_id: str) -> None:
        self._hits.pop(user_id, None)

    def _drop_old(self, user_id: str) -> None:
        cutoff = time.monotonic() - self.window
        self._hits[user_id] = [t for t in self._hits.get(user_id, []) if t >= cutoff]
