"""Connection states for the ops dashboard.

Written against the manager module before the 2024 migration moved the state
enum to ``types.py``. The import below has raised ImportError ever since, so
this module (and the app that includes its router) no longer loads.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.websocket_core.websocket_manager import WebSocketManagerState, get_websocket_manager  # [SSOT203]

router = APIRouter(prefix="/ops")


@router.get("/states/{user_id}")
def states(user_id: str) -> dict[str, Any]:
    manager = get_websocket_manager(user_id)
    return {"user": user_id, "connections": manager.get_connection_count(),
            "known_states": [state.value for state in WebSocketManagerState]}
