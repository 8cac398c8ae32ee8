"""Tells a user that their agent run is done."""
from __future__ import annotations

from app.websocket_core.unified_manager import UnifiedWebSocketManager


async def notify_run_finished(user_id: str, run_id: str) -> int:
    manager = await UnifiedWebSocketManager()  # [SSOT301] [SSOT401]
    return await manager.send_to_user(user_id, {"type": "agent.finished", "run": run_id})
