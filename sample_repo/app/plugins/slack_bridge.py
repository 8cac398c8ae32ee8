"""Slack bridge plugin (namespace package: app/plugins has no __init__.py)."""
from __future__ import annotations

import logging

from app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager

logger = logging.getLogger(__name__)


async def relay_slack_message(user_id: str, channel: str, text: str) -> int:
    """Mirror a Slack message into the user's open chat tabs."""
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    return await manager.send_to_user({"type": "slack", "channel": channel, "text": text})


async def slack_presence(manager: WebSocketManager) -> str:
    """Presence string shown next to the user's Slack handle."""
    tabs = await manager.get_connection_count()  # [SSOT401]
    logger.debug("%s has %d tabs open", manager.user_id, tabs)
    return "active" if tabs else "away"
