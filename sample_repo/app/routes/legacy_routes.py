"""v1 broadcast endpoints, still used by the support console."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.compat.factory import get_websocket_manager
from app.compat.websocket import WebSocketManagerV2  # [SSOT201]

router = APIRouter(prefix="/v1/broadcast")


@router.post("/all")
async def broadcast_all(payload: dict[str, Any]) -> dict[str, int]:
    manager = WebSocketManagerV2()  # [SSOT301]
    return {"delivered": await manager.broadcast(payload)}


@router.post("/{user_id}")
async def broadcast_user(user_id: str, payload: dict[str, Any]) -> dict[str, int]:
    manager = await get_websocket_manager(user_id, legacy_client=True)  # [SSOT401]
    return {"delivered": await manager.send_to_user(payload)}
