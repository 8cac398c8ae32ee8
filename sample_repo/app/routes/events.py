"""Server-sent event relay for the status page."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from app.websocket_core.websocket_manager import get_websocket_manager

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/events")

events_manager = get_websocket_manager("status-page")  # [SSOT302]


@router.post("/publish")
async def publish(event: dict[str, Any]) -> dict[str, int]:
    delivered = await events_manager.broadcast({"type": "event", **event})
    logger.debug("event %s fanned out to %d sockets", event.get("name"), delivered)
    return {"delivered": delivered}
