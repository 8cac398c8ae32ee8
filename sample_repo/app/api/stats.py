"""Connection statistics for the admin dashboard."""
from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from app.websocket_core.websocket_manager import get_websocket_manager

router = APIRouter(prefix="/stats")


@router.get("/connections/{user_id}")
async def connection_stats(user_id: str) -> dict[str, Any]:
    manager = get_websocket_manager(user_id)
    count = await manager.get_connection_count()  # [SSOT401]
    return {"user_id": user_id, "connections": count}


@router.get("/connections/{user_id}/threaded")
async def connection_stats_threaded(user_id: str) -> dict[str, Any]:
    # innocent: the sync factory is run in a thread, to_thread returns a coroutine
    manager = await asyncio.to_thread(get_websocket_manager, user_id)
    return {"user_id": user_id, "connected": manager.is_connected()}
