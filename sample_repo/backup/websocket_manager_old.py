"""Copy of the manager from before the 2024 migration, kept "just in case"."""
from __future__ import annotations

import asyncio
from typing import Any


class WebSocketManager:  # [SSOT105]
    """Owns the live WebSocket connections of exactly one user."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self._connections: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    async def connect(self, connection_id: str, websocket: Any) -> None:
        async with self._lock:
            self._connections[connection_id] = websocket

    async def disconnect(self, connection_id: str) -> None:
        async with self._lock:
            self._connections.pop(connection_id, None)

    async def send_to_user(self, message: dict[str, Any]) -> int:
        return await self.broadcast(message)

    async def broadcast(self, message: dict[str, Any], exclude: str | None = None) -> int:
        delivered = 0
        for connection_id, websocket in list(self._connections.items()):
            if connection_id != exclude:
                await websocket.send_json(message)
                delivered += 1
        return delivered

    def get_connection_count(self) -> int:
        return len(self._connections)
