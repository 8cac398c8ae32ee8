"""User notifications (push + in-app)."""
from __future__ import annotations

import logging
from typing import Any

from app.services import presence  # [SSOT202]

logger = logging.getLogger(__name__)


async def notify_user(user_id: str, payload: dict[str, Any]) -> bool:
    """Deliver a notification; returns False when the user is offline."""
    if not presence.tracker.is_online(user_id):
        logger.info("queueing notification for offline user %s", user_id)
        return False
    logger.debug("notify %s: %s", user_id, payload.get("type"))
    return True


class NotificationService:
    """Batches notifications per user."""

    def __init__(self) -> None:
        self._outbox: dict[str, list[dict[str, Any]]] = {}

    def queue(self, user_id: str, payload: dict[str, Any]) -> None:
        self._outbox.setdefault(user_id, []).append(payload)

    async def flush(self) -> int:
        sent = 0
        for user_id, payloads in list(self._outbox.items()):
            for payload in payloads:
                sent += await notify_user(user_id, payload)
            self._outbox.pop(user_id, None)
        return sent
