"""Realtime hub used by the collaborative-editing prototype.

Its name does not say so, but it is yet another WebSocket manager: it has the
same connect/disconnect/send_to_user/broadcast surface.
"""
from __future__ import annotations

import asyncio
from typing import Any


class RealtimeHub:
    """Fan-out hub for document rooms."""

    def __init__(self) -> None:
        self._members: dict[str, Any] = {}
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def connect(self, member_id: str, websocket: Any) -> None:
        self._members[member_id] = websocket

    async def disconnect(self, member_id: str) -> None:
        self._members.pop(member_id, None)

    async def send_to_user(self, member_id: str, message: dict[str, Any]) -> None:
        websocket = self._members.get(member_id)
        if websocket is not None:
            await websocket.send_json(message)

    async def broadcast(self, message: dict[str, Any]) -> None:
        await self._queue.put(message)
        for websocket in list(self._members.values()):
            await websocket.send_json(message)
