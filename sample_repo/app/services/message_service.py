"""Delivery of a single chat message to its recipient's sockets."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from app.services.notifications import notify_user
from app.services.throttling import RequestRateLimiter

logger = logging.getLogger(__name__)
_limiter = RequestRateLimiter()


@dataclass
class OutgoingMessage:
    sender: str
    recipient: str
    body: dict[str, Any] = field(default_factory=dict)


async def deliver(message: OutgoingMessage) -> int:
    """Push ``message`` to the recipient, falling back to a notification."""
    if not _limiter.allow_request(message.sender):
        return 0
    _limiter.record_hit(message.sender)
    # imported lazily to keep the worker's import time low
    from app.websocket_core.websocket_manager import get_websocket_manager

    manager = await get_websocket_manager(message.recipient)  # [SSOT401]
    delivered = await manager.send_to_user({"from": message.sender, **message.body})
    if not delivered:
        logger.info("%s offline, sending notification", message.recipient)
        notify_user(message.recipient, {"type": "message", "from": message.sender})  # [SSOT402]
    return delivered
