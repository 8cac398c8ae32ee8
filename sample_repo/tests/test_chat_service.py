"""Chat service."""
from __future__ import annotations

from app.core.session_store import SessionStore
from app.services.chat_service import ChatService
from app.services.history import MessageHistory, rebuild_indexes


async def test_post_message_records_history() -> None:
    service = ChatService(SessionStore(), MessageHistory())
    message = await service.post_message("amy", "bob", "hi")
    assert service.conversation("amy", "bob") == [message]


async def test_muted_sender_is_dropped() -> None:
    store = SessionStore()
    store.set("muted:bob:amy", True)
    service = ChatService(store, MessageHistory())
    assert await service.post_message("amy", "bob", "spam") == {}


async def test_history_fetch_is_awaitable() -> None:
    history = MessageHistory()
    history.append("c1", {"text": "x"})
    assert await history.fetch("c1") == [{"text": "x"}]
    assert rebuild_indexes(history) == 1
