"""Old import locations kept alive for the v1 API.

Deprecated since 2.0 -- import from ``app.websocket_core.websocket_manager``.
"""
from __future__ import annotations

from app.websocket_core.types import WebSocketManagerConfig
from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManagerV2  # [SSOT102]
from app.websocket_core.websocket_manager import WebSocketManager as WebSocketManager
from app.websocket_core.websocket_manager import get_websocket_manager

from .legacy_manager import LegacyWebSocketManager

ConnectionManager = LegacyWebSocketManager  # [SSOT102]

# innocent: alias of a config record, not of a manager
ManagerSettings = WebSocketManagerConfig


class CompatWebSocketManager(WebSocketManagerV2):  # [SSOT103]
    """Deprecated name of the unified manager; adds nothing."""


__all__ = [
    "CompatWebSocketManager",
    "ConnectionManager",
    "ManagerSettings",
    "WebSocketManager",
    "WebSocketManagerV2",
    "get_websocket_manager",
]
