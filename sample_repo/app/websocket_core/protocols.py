"""Structural type that every manager is expected to satisfy."""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class WebSocketManagerProtocol(Protocol):
    """What callers may rely on (innocent look-alike: a Protocol)."""

    async def connect(self, connection_id: str, websocket: Any) -> None: ...

    async def disconnect(self, connection_id: str) -> None: ...

    async def send_to_user(self, message: dict[str, Any]) -> int: ...

    async def broadcast(self, message: dict[str, Any]) -> int: ...
