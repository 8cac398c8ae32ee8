"""Conversation history endpoint."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.core.asyncutils import pause
from app.services.history import MessageHistory

router = APIRouter(prefix="/history")
_history = MessageHistory()


@router.get("/{conversation_id}")
async def get_history(conversation_id: str) -> dict[str, Any]:
    history = MessageHistory()
    # innocent: fetch() is a sync def that returns a coroutine
    archived = await history.fetch(conversation_id)
    # innocent: pause() is a sync def annotated -> Awaitable[None]
    await pause()
    return {"recent": _history.recent(conversation_id), "archived": archived}
