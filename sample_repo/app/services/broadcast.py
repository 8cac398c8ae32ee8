"""System-wide announcements (maintenance windows, release notes)."""
from __future__ import annotations

import logging
from typing import Any

from app.websocket_core.websocket_manager import WebSocketManager

logger = logging.getLogger(__name__)

announcement_manager = WebSocketManager("announcements")  # [SSOT301] [SSOT302]


async def announce(text: str, level: str = "info") -> int:
    message: dict[str, Any] = {"type": "announcement", "level": level, "text": text}
    delivered = await announcement_manager.broadcast(message)
    logger.info("announcement delivered to %d sockets", delivered)
    return delivered
