"""Session endpoints used by the agent runtime."""
from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter

from app.core.session_store import SessionStore, get_session_store
from app.websocket_core.async_factory import get_websocket_manager as get_async_ws_manager

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/sessions")


def _store() -> SessionStore:
    return get_session_store()


@router.post("/{user_id}")
async def open_session(user_id: str) -> dict[str, str]:
    session_id = uuid.uuid4().hex
    _store().set(f"session:{session_id}", user_id, ttl=3600)
    manager = get_async_ws_manager(user_id)  # [SSOT402]
    logger.info("session %s opened for %s", session_id, manager.user_id)
    return {"session_id": session_id}


@router.post("/{user_id}/warm")
async def warm_session(user_id: str) -> dict[str, int]:
    # innocent: the async factory, correctly awaited
    manager = await get_async_ws_manager(user_id)
    return {"connections": manager.get_connection_count()}
