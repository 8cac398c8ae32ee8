"""Background delivery queue with retries."""
from __future__ import annotations

import asyncio
import json
import logging
import zlib
from typing import Any

from app.core.asyncutils import to_async
from app.websocket_core.protocols import WebSocketManagerProtocol

logger = logging.getLogger(__name__)


@to_async
def compress_payload(message: dict[str, Any]) -> bytes:
    """CPU-bound; the decorator runs it in a worker thread (awaitable)."""
    return zlib.compress(json.dumps(message).encode())


class DeliveryQueue:
    """Sends messages through any manager satisfying the protocol."""

    def __init__(self, manager: WebSocketManagerProtocol) -> None:
        self._manager = manager
        self._pending: list[dict[str, Any]] = []

    def push(self, message: dict[str, Any]) -> None:
        self._pending.append(message)

    def schedule(self, message: dict[str, Any]):
        """Sync on purpose: returns the Task so callers may await it or not."""
        return asyncio.create_task(self._send(message))

    async def _send(self, message: dict[str, Any]) -> int:
        blob = await compress_payload(message)
        logger.debug("sending %d compressed bytes", len(blob))
        return await self._manager.send_to_user(message)

    async def drain(self) -> int:
        delivered = 0
        while self._pending:
            delivered += await self.schedule(self._pending.pop(0))
        return delivered
