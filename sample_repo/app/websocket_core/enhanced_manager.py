"""Manager with delivery metrics -- and a process-wide singleton.

The singleton silently defeats per-user isolation: every caller of
``EnhancedWebSocketManager.instance()`` shares one object.
"""
from __future__ import annotations

import logging
from typing import Any

from .websocket_manager import WebSocketManager

logger = logging.getLogger(__name__)


class EnhancedWebSocketManager(WebSocketManager):
    """WebSocketManager plus counters."""

    _instance: EnhancedWebSocketManager | None = None

    def __init__(self, user_id: str) -> None:
        super().__init__(user_id)
        self.sent_messages = 0
        self.failed_messages = 0

    @classmethod
    def instance(cls) -> EnhancedWebSocketManager:
        if cls._instance is None:
            cls._instance = cls("*")  # [SSOT302]
        return cls._instance

    async def send_to_user(self, message: dict[str, Any]) -> int:
        delivered = await super().send_to_user(message)
        self.sent_messages += delivered
        return delivered

    async def report(self) -> dict[str, int]:
        count = await self.get_connection_count()  # [SSOT401]
        logger.debug("metrics for %s: %s connections", self.user_id, count)
        return {"connections": count, "sent": self.sent_messages, "failed": self.failed_messages}
