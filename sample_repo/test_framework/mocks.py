"""Test doubles shared by the test suites."""
from __future__ import annotations

from typing import Any


class MockWebSocketManager:
    """Records nothing, sends nothing."""

    async def connect(self, connection_id: str, websocket: Any) -> None:
        return None

    async def disconnect(self, connection_id: str) -> None:
        return None

    async def send_to_user(self, message: dict[str, Any]) -> int:
        return 0

    async def broadcast(self, message: dict[str, Any], exclude: str | None = None) -> int:
        return 0

    def get_connection_count(self) -> int:
        return 0
