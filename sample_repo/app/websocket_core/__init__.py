"""WebSocket core package.

The public API is re-exported here for convenience, but the canonical import
location of the manager and its factory is
``app.websocket_core.websocket_manager``.
"""
from .protocols import WebSocketManagerProtocol
from .types import WebSocketManagerConfig, WebSocketManagerState
from .websocket_manager import WebSocketManager, get_websocket_manager

__all__ = [
    "WebSocketManager",
    "WebSocketManagerConfig",
    "WebSocketManagerProtocol",
    "WebSocketManagerState",
    "get_websocket_manager",
]
