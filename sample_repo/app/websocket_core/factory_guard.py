"""Guard added by the 2024 "factory pattern" migration.

``WebSocketManager`` here is not a manager: constructing it raises, so that
nobody bypasses ``get_websocket_manager(user_id)``. Modules that still import
``WebSocketManager`` from this module get the guard, not the manager.
"""
from __future__ import annotations


class _WebSocketManagerFactory:
    """Refuses to be constructed: use the factory."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("WebSocketManager cannot be constructed directly: call get_websocket_manager(user_id)")


WebSocketManager = _WebSocketManagerFactory
