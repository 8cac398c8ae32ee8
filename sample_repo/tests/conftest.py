"""Shared fixtures and test doubles."""
from __future__ import annotations

from typing import Any

import pytest

from app.websocket_core.websocket_manager import WebSocketManager


class FakeWebSocket:
    """Records what the server sent."""

    def __init__(self) -> None:
        self.accepted = False
        self.sent: list[Any] = []

    async def accept(self) -> None:
        self.accepted = True

    async def send_json(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def send_text(self, text: str) -> None:
        self.sent.append(text)


class FakeWebSocketManager:
    """Test double: classes defined in test files never join a cluster."""

    def __init__(self, user_id: str = "fake") -> None:
        self.user_id = user_id
        self.sent: list[dict[str, Any]] = []
        self.connections: dict[str, Any] = {}

    async def connect(self, connection_id: str, websocket: Any) -> None:
        self.connections[connection_id] = websocket

    async def disconnect(self, connection_id: str) -> None:
        self.connections.pop(connection_id, None)

    async def send_to_user(self, message: dict[str, Any]) -> int:
        self.sent.append(message)
        return 1

    async def broadcast(self, message: dict[str, Any]) -> int:
        return await self.send_to_user(message)

    async def get_connection_count(self) -> int:
        return len(self.connections)


class StubManager(WebSocketManager):
    """Empty subclass used to check isinstance() paths (fine in a test file)."""


@pytest.fixture
def fake_ws() -> FakeWebSocket:
    return FakeWebSocket()


@pytest.fixture
def fake_manager() -> FakeWebSocketManager:
    return FakeWebSocketManager()


@pytest.fixture
def stub_manager() -> StubManager:
    return StubManager("stub")
