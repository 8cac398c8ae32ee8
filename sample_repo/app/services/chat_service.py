"""Posting and reading chat messages."""
from __future__ import annotations

import logging
import time
from typing import Any

from app.core.session_store import SessionStore
from app.services.history import MessageHistory
from app.websocket_core.unified_manager import UnifiedWebSocketManager

logger = logging.getLogger(__name__)


class ChatService:
    """Glue between sessions, history and live sockets."""

    def __init__(self, store: SessionStore, history: MessageHistory) -> None:
        self._store = store
        self._history = history
        self._ws = UnifiedWebSocketManager()  # [SSOT301]

    async def post_message(self, sender: str, recipient: str, text: str) -> dict[str, Any]:
        if self._store.get(f"muted:{recipient}:{sender}"):
            logger.info("%s muted %s, dropping message", recipient, sender)
            return {}
        message = {"from": sender, "to": recipient, "text": text, "ts": time.time()}
        self._history.append(f"{sender}:{recipient}", message)
        await self._ws.send_to_user(recipient, message)
        return message

    def conversation(self, sender: str, recipient: str) -> list[dict[str, Any]]:
        return self._history.recent(f"{sender}:{recipient}")

    @staticmethod
    def index_conversation(conversation_id: str, history: MessageHistory) -> int:
        return len(history.recent(conversation_id))
