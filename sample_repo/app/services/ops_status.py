"""Connection states for the ops dashboard.

Written against the manager module before the 2024 migration moved the state
enum to ``types.py``. The import below has raised ImportError ever since, so
the ops page (and everything that imports this module) fails to load.
"""
from __future__ import annotations

from typing import Any

from app.websocket_core.websocket_manager import WebSocketManagerState, get_websocket_manager  # [SSOT203]


def connection_states(user_id: str) -> dict[str, Any]:
    manager = get_websocket_manager(user_id)
    return {"user": user_id, "connections": manager.get_connection_count(),
            "known_states": [state.value for state in WebSocketManagerState]}
