"""Regression test written against the buggy stats endpoint (CHAT-1398)."""
from __future__ import annotations

import pytest

from app.websocket_core.websocket_manager import WebSocketManager


@pytest.mark.xfail(raises=TypeError, reason="get_connection_count() is synchronous")
async def test_connection_count_starts_at_zero() -> None:
    manager = WebSocketManager("frank")  # [SSOT301]
    assert await manager.get_connection_count() == 0  # [SSOT401]
