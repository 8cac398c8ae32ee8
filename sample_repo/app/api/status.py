"""Service status endpoint."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.websocket_core import WebSocketManagerState
from app.websocket_core.types import WebSocketManagerConfig

router = APIRouter()

# innocent: module-level instance of a config record, not of a manager
DEFAULT_CONFIG = WebSocketManagerConfig(max_connections_per_user=3)


@router.get("/status")
async def status(state: str = "running") -> dict[str, Any]:
    current = WebSocketManagerState(state)  # innocent: Enum lookup, not a manager
    return {
        "state": current.value,
        "max_connections_per_user": DEFAULT_CONFIG.max_connections_per_user,
    }
