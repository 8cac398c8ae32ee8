"""v1 factory, kept because mobile clients <= 4.2 call the v1 endpoints.

Someone re-implemented the factory here instead of importing it.
"""
from __future__ import annotations

import logging
import warnings

from app.websocket_core.websocket_manager import WebSocketManager
from app.websocket_core.websocket_manager import get_websocket_manager as _canonical_factory

logger = logging.getLogger(__name__)


def get_websocket_manager(user_id: str, *, legacy_client: bool = False) -> WebSocketManager:  # [SSOT104]
    """Return the user's manager, warning when a legacy client asks for it."""
    if legacy_client:
        warnings.warn("v1 client connected", DeprecationWarning, stacklevel=2)
        logger.info("legacy client for %s", user_id)
    return _canonical_factory(user_id)
