"""Keeps a user's sockets in sync after a session refresh."""
from __future__ import annotations

import logging

import app.websocket_core.websocket_manager as wsm

logger = logging.getLogger(__name__)


async def resync_user(user_id: str, session_id: str) -> int:
    """Tell every open tab that the session token changed."""
    manager = await wsm.get_websocket_manager(user_id)  # [SSOT401]
    logger.debug("resync %s (%s)", user_id, session_id)
    return await manager.send_to_user({"type": "session.refreshed", "session": session_id})
