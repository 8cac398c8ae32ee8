"""Who is online right now."""
from __future__ import annotations

import time

from app.services import notifications


class PresenceTracker:
    """In-process presence map (user id -> last seen timestamp)."""

    def __init__(self) -> None:
        self._last_seen: dict[str, float] = {}

    def mark_online(self, user_id: str) -> None:
        self._last_seen[user_id] = time.monotonic()

    def mark_offline(self, user_id: str) -> None:
        self._last_seen.pop(user_id, None)

    def is_online(self, user_id: str) -> bool:
        return user_id in self._last_seen

    def online_users(self) -> list[str]:
        return sorted(self._last_seen)

    async def announce(self, user_id: str) -> None:
        self.mark_online(user_id)
        await notifications.notify_user(user_id, {"type": "presence", "online": True})


tracker = PresenceTracker()
