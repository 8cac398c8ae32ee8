"""High-capacity manager for support agents (many tabs per user)."""
from __future__ import annotations

from .websocket_manager import WebSocketManager


class TunedWebSocketManager(WebSocketManager):
    """Not a shim: it carries its own class attributes."""

    max_connections = 50
    send_timeout = 10.0
