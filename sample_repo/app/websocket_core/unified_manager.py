"""'One manager to rule them all' (2022 rewrite).

Keeps the connections of ALL users in one object, which is exactly what the
per-user design later had to undo.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

logger = logging.getLogger(__name__)


class UnifiedWebSocketManager:
    """Process-wide manager keyed by user id."""

    def __init__(self) -> None:
        self._connections: dict[str, dict[str, Any]] = defaultdict(dict)

    async def connect(self, user_id: str, connection_id: str, websocket: Any) -> None:
        self._connections[user_id][connection_id] = websocket
        logger.debug("unified: %s/%s connected", user_id, connection_id)

    async def disconnect(self, user_id: str, connection_id: str) -> None:
        self._connections[user_id].pop(connection_id, None)
        if not self._connections[user_id]:
            del self._connections[user_id]

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> int:
        sockets = list(self._connections.get(user_id, {}).values())
        for websocket in sockets:
            await websocket.send_json(message)
        return len(sockets)

    async def broadcast(self, message: dict[str, Any]) -> int:
        total = 0
        for user_id in list(self._connections):
            total += await self.send_to_user(user_id, message)
        return total

    def get_connection_count(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return len(self._connections.get(user_id, {}))
        return sum(len(c) for c in self._connections.values())

    def is_connected(self, user_id: str) -> bool:
        return bool(self._connections.get(user_id))


WebSocketManagerImpl = UnifiedWebSocketManager  # [SSOT102]
