"""Admin actions: kick a user, push a message to a user."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from ..core.rate_limit import RateLimiter
from ..websocket_core import get_websocket_manager  # [SSOT201]

router = APIRouter(prefix="/admin")
_push_limiter = RateLimiter(limit=100)


@router.post("/users/{user_id}/message")
async def push_message(user_id: str, body: dict[str, Any]) -> dict[str, int]:
    if not _push_limiter.allow_request(user_id):
        raise HTTPException(status_code=429, detail="slow down")
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    if not manager.is_connected():
        raise HTTPException(status_code=404, detail="user offline")
    delivered = await manager.send_to_user({"type": "admin", **body})
    return {"delivered": delivered}
