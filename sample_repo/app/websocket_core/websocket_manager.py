"""Canonical per-user WebSocket manager.

Every user owns exactly one isolated ``WebSocketManager``. Always obtain it
through ``get_websocket_manager(user_id)`` -- a plain *synchronous* factory:
do NOT ``await`` it.

The implementation class is private since the 2024 "factory pattern"
migration; ``WebSocketManager`` is its public name.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from .types import ConnectionLimitError, WebSocketManagerConfig

logger = logging.getLogger(__name__)


class _WebSocketManagerImplementation:  # [SSOT101]
    """Owns the live WebSocket connections of exactly one user."""

    def __init__(self, user_id: str, config: WebSocketManagerConfig | None = None) -> None:
        self.user_id = user_id
        self.config = config or WebSocketManagerConfig()
        self._connections: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    async def connect(self, connection_id: str, websocket: Any) -> None:
        async with self._lock:
            if len(self._connections) >= self.config.max_connections_per_user:
                raise ConnectionLimitError(f"{self.user_id}: too many connections")
            self._connections[connection_id] = websocket
        logger.info("user %s connected (%s)", self.user_id, connection_id)

    async def disconnect(self, connection_id: str) -> None:
        async with self._lock:
            self._connections.pop(connection_id, None)
        logger.info("user %s disconnected (%s)", self.user_id, connection_id)

    async def send_to_user(self, message: dict[str, Any]) -> int:
        """Send ``message`` to every open tab of this user."""
        return await self.broadcast(message)

    async def broadcast(self, message: dict[str, Any], exclude: str | None = None) -> int:
        delivered = 0
        for connection_id, websocket in list(self._connections.items()):
            if connection_id != exclude and await self._send_one(connection_id, websocket, message):
                delivered += 1
        return delivered

    def get_connection_count(self) -> int:
        return len(self._connections)

    def is_connected(self) -> bool:
        return bool(self._connections)

    async def _send_one(self, connection_id: str, websocket: Any, message: dict[str, Any]) -> bool:
        try:
            await asyncio.wait_for(websocket.send_json(message), timeout=self.config.send_timeout)
            return True
        except Exception:  # noqa: BLE001 - a dead socket must not kill the fan-out
            logger.exception("dropping connection %s of %s", connection_id, self.user_id)
            await self.disconnect(connection_id)
            return False


WebSocketManager = _WebSocketManagerImplementation  # [SSOT204]
PerUserWebSocketManager = _WebSocketManagerImplementation  # [SSOT102]

_managers: dict[str, WebSocketManager] = {}


def get_websocket_manager(user_id: str) -> WebSocketManager:
    """Return THE manager of ``user_id`` (synchronous: never await it)."""
    manager = _managers.get(user_id)
    if manager is None:
        manager = _WebSocketManagerImplementation(user_id)
        _managers[user_id] = manager
    return manager
