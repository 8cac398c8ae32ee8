"""Connection manager copied from the FastAPI docs in the very first sprint."""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

logger = logging.getLogger(__name__)


class WebSocketConnectionManager:
    """Keeps a list of sockets per user."""

    def __init__(self) -> None:
        self._by_user: dict[str, list[Any]] = defaultdict(list)

    async def connect(self, user_id: str, websocket: Any) -> None:
        await websocket.accept()
        self._by_user[user_id].append(websocket)

    async def disconnect(self, user_id: str, websocket: Any) -> None:
        sockets = self._by_user.get(user_id, [])
        if websocket in sockets:
            sockets.remove(websocket)

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> None:
        for websocket in self._by_user.get(user_id, []):
            await websocket.send_json(message)

    async def broadcast(self, message: dict[str, Any]) -> None:
        for user_id in list(self._by_user):
            await self.send_to_user(user_id, message)

    def get_connection_count(self) -> int:
        return sum(len(s) for s in self._by_user.values())

    def active_users(self) -> list[str]:
        return [uid for uid, sockets in self._by_user.items() if sockets]


connection_manager = WebSocketConnectionManager()  # [SSOT301] [SSOT302]
