"""Handler logic tested with the factory replaced by an AsyncMock."""
from __future__ import annotations

from unittest.mock import AsyncMock

from app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager


def test_sync_factory_returns_manager() -> None:
    assert isinstance(get_websocket_manager("ivan"), WebSocketManager)


async def test_handler_logic_with_async_mock(fake_manager) -> None:
    # innocent: the name is rebound locally to an AsyncMock before it is awaited
    get_websocket_manager = AsyncMock(return_value=fake_manager)
    manager = await get_websocket_manager("ivan")
    await manager.send_to_user({"type": "ping"})
    get_websocket_manager.assert_awaited_once_with("ivan")
    assert fake_manager.sent == [{"type": "ping"}]
