"""The original (2020) connection manager, still used by the v1 endpoints."""
from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger(__name__)


class LegacyWebSocketManager:
    """List-based manager from the FastAPI tutorial era."""

    def __init__(self) -> None:
        self.active: list[tuple[str, Any]] = []

    async def connect(self, websocket: Any, user_id: str) -> None:
        await websocket.accept()
        self.active.append((user_id, websocket))

    async def disconnect(self, websocket: Any) -> None:
        self.active = [(uid, ws) for uid, ws in self.active if ws is not websocket]

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> None:
        payload = json.dumps(message)
        for uid, websocket in self.active:
            if uid == user_id:
                await websocket.send_text(payload)

    async def broadcast(self, message: dict[str, Any]) -> None:
        payload = json.dumps(message)
        for _, websocket in self.active:
            await websocket.send_text(payload)

    def get_connection_count(self) -> int:
        return len(self.active)
