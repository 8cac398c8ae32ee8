"""Manager that logs its creation (added while debugging the 2024 outage, never removed)."""
from __future__ import annotations

import logging

from .types import WebSocketManagerConfig
from .websocket_manager import WebSocketManager as _PerUserManager

logger = logging.getLogger(__name__)


class TracedWebSocketManager(_PerUserManager):  # [SSOT103]
    """Same manager, one log line more."""

    def __init__(self, user_id: str, config: WebSocketManagerConfig | None = None) -> None:
        logger.info("creating a WebSocket manager for %s", user_id)
        super().__init__(user_id, config)


# debug builds import the traced manager under the usual name
WebSocketManager = TracedWebSocketManager  # [SSOT102]
