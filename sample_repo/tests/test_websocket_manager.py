"""Tests of the canonical manager, always obtained through the factory."""
from __future__ import annotations

import pytest

from app.websocket_core.types import ConnectionLimitError
from app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager


def test_factory_returns_one_manager_per_user() -> None:
    assert get_websocket_manager("alice") is get_websocket_manager("alice")
    assert get_websocket_manager("alice") is not get_websocket_manager("bob")


async def test_connect_and_send(fake_ws) -> None:
    manager = get_websocket_manager("carol")
    await manager.connect("tab-1", fake_ws)
    assert await manager.send_to_user({"hello": "world"}) == 1
    assert fake_ws.sent == [{"hello": "world"}]
    await manager.disconnect("tab-1")
    assert not manager.is_connected()


async def test_connection_limit(fake_ws) -> None:
    manager = get_websocket_manager("dave")
    with pytest.raises(ConnectionLimitError):
        for index in range(manager.config.max_connections_per_user + 1):
            await manager.connect(f"tab-{index}", fake_ws)


def test_stub_subclass_is_a_manager(stub_manager) -> None:
    assert isinstance(stub_manager, WebSocketManager)
