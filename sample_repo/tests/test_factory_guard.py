from __future__ import annotations

import pytest

from app.websocket_core.factory_guard import WebSocketManager


def test_guard_refuses_direct_construction() -> None:
    with pytest.raises(RuntimeError):
        WebSocketManager("ivy")


def test_manager_for_push() -> None:
    manager = WebSocketManager("jack")  # [SSOT303]
    assert manager is not None
