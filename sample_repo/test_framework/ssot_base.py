"""Base helpers of the SSOT test cases."""
from __future__ import annotations

from app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager


async def connected_manager(user_id: str) -> WebSocketManager:
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    return manager
