"""Async flavour of the factory, added for the agent runtime.

It shares its *name* with the canonical synchronous factory, which is how
callers ended up awaiting the synchronous one.
"""
from __future__ import annotations

from .isolated_manager import IsolatedWebSocketManager


async def get_websocket_manager(user_id: str) -> IsolatedWebSocketManager:  # [SSOT104]
    """Build a warmed-up isolated manager (this one really is a coroutine)."""
    manager = IsolatedWebSocketManager(user_id)
    await manager.warm_up()
    return manager
