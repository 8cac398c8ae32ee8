"""Push endpoint written against the pre-2024 docs: it builds the manager itself."""
from __future__ import annotations

from typing import Any

from app.websocket_core.factory_guard import WebSocketManager


async def push(user_id: str, payload: dict[str, Any]) -> int:
    manager = WebSocketManager(user_id)  # [SSOT303]
    return await manager.send_to_user(payload)
