"""Per-user manager written by the agents team before the canonical one existed."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

logger = logging.getLogger(__name__)


class IsolatedWebSocketManager:
    """Isolated per-user manager with its own heartbeat."""

    def __init__(self, user_id: str, heartbeat: float = 20.0) -> None:
        self.user_id = user_id
        self.heartbeat = heartbeat
        self._sockets: dict[str, Any] = {}
        self._ready = asyncio.Event()

    async def warm_up(self) -> None:
        """Pretend to load pending messages before accepting sockets."""
        await asyncio.sleep(0)
        self._ready.set()

    async def connect(self, connection_id: str, websocket: Any) -> None:
        await self._ready.wait()
        self._sockets[connection_id] = websocket

    async def disconnect(self, connection_id: str) -> None:
        self._sockets.pop(connection_id, None)

    async def send_to_user(self, message: dict[str, Any]) -> int:
        for websocket in list(self._sockets.values()):
            await websocket.send_json(message)
        return len(self._sockets)

    async def broadcast(self, message: dict[str, Any]) -> int:
        return await self.send_to_user(message)

    def get_connection_count(self) -> int:
        return len(self._sockets)
