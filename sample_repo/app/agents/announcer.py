"""Announces agent availability to everyone watching the status channel."""
from __future__ import annotations

import logging

from app.services.broadcast import announcement_manager

logger = logging.getLogger(__name__)


async def announce_agent_pool(available: int) -> bool:
    watchers = await announcement_manager.get_connection_count()  # [SSOT401]
    if not watchers:
        logger.debug("nobody is watching, skipping")
        return False
    await announcement_manager.broadcast({"type": "agents.available", "count": available})
    return True
