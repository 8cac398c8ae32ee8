"""v1 chat endpoints (mobile clients <= 4.2)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.compat.websocket import get_websocket_manager  # [SSOT201]

router = APIRouter(prefix="/v1/chat")


@router.post("/{user_id}/typing")
async def typing_indicator(user_id: str, payload: dict[str, Any]) -> dict[str, int]:
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    delivered = await manager.send_to_user({"type": "typing", **payload})
    return {"delivered": delivered}
