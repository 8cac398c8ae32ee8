"""Shared manager instances used by background jobs.

Allowed to construct managers (it lives in websocket_core) but it still keeps
instances shared across users.
"""
from __future__ import annotations

from .isolated_manager import IsolatedWebSocketManager
from .unified_manager import UnifiedWebSocketManager

default_manager = UnifiedWebSocketManager()  # [SSOT302]

_system_manager: IsolatedWebSocketManager | None = None


def system_manager() -> IsolatedWebSocketManager:
    """Lazily created manager for system announcements."""
    global _system_manager
    if _system_manager is None:
        _system_manager = IsolatedWebSocketManager("system")  # [SSOT302]
    return _system_manager


def legacy_manager_class() -> type:
    """Class used by the v1 bootstrap code."""
    manager_class = UnifiedWebSocketManager  # innocent: function-local alias
    return manager_class
