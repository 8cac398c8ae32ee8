"""Run-scoped WebSocket manager written by the agents team."""
from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)


class AgentWebSocketManager:
    """Tracks the sockets that watch one agent run."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self._watchers: dict[str, Any] = {}
        self._events: list[dict[str, Any]] = []

    async def connect(self, user_id: str, websocket: Any) -> None:
        self._watchers[user_id] = websocket
        for event in self._events:
            await websocket.send_json(event)

    async def disconnect(self, user_id: str) -> None:
        self._watchers.pop(user_id, None)

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> None:
        websocket = self._watchers.get(user_id)
        if websocket is not None:
            await websocket.send_json(message)

    async def broadcast(self, message: dict[str, Any]) -> None:
        for websocket in list(self._watchers.values()):
            await websocket.send_json(message)

    async def emit_event(self, kind: str, **data: Any) -> None:
        event = {"run": self.run_id, "kind": kind, "ts": time.time(), **data}
        self._events.append(event)
        await self.broadcast(event)

    def get_connection_count(self) -> int:
        return len(self._watchers)
