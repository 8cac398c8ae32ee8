"""Manager type exposed by the v2 API docs."""
from __future__ import annotations

from app.websocket_core.websocket_manager import WebSocketManager


class ChatWebSocketManager(WebSocketManager):  # [SSOT103]
    """Documented v2 name. Behaviour is identical to WebSocketManager."""

    def get_connection_count(self) -> int:
        return super().get_connection_count()

    def is_connected(self) -> bool:
        return super().is_connected()
