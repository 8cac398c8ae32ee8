"""Message history (in-memory ring buffer backed by a slow archive)."""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class MessageHistory:
    """Keeps the last N messages of each conversation."""

    def __init__(self, size: int = 200) -> None:
        self._size = size
        self._recent: dict[str, deque[dict[str, Any]]] = {}

    def append(self, conversation_id: str, message: dict[str, Any]) -> None:
        self._recent.setdefault(conversation_id, deque(maxlen=self._size)).append(message)

    def recent(self, conversation_id: str, limit: int = 50) -> list[dict[str, Any]]:
        return list(self._recent.get(conversation_id, ()))[-limit:]

    def fetch(self, conversation_id: str):
        """Sync wrapper that hands back the archive coroutine (awaitable)."""
        return self._load_archive(conversation_id)

    async def _load_archive(self, conversation_id: str) -> list[dict[str, Any]]:
        await asyncio.sleep(0)  # stands in for the archive round-trip
        return self.recent(conversation_id, limit=self._size)


def rebuild_indexes(history: MessageHistory) -> int:
    """Re-index every conversation through the chat service."""
    # innocent: function-local import, so history <-> chat_service is no cycle
    from app.services.chat_service import ChatService

    return sum(ChatService.index_conversation(cid, history) for cid in list(history._recent))
