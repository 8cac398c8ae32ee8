"""Health probes for the WebSocket layer."""
from __future__ import annotations

import time
from typing import Any

from . import get_websocket_manager  # [SSOT201]


async def check_user_channel(user_id: str) -> dict[str, Any]:
    """Report whether ``user_id`` has live sockets."""
    started = time.perf_counter()
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    return {
        "user_id": user_id,
        "connections": manager.get_connection_count(),
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }
