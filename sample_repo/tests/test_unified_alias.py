"""Written when ``unified_manager`` still exported ``UnifiedManager`` (a short alias of
``UnifiedWebSocketManager``). The 2022 clean-up removed the alias; this module has not
imported since, and nothing defines the name any more, so no tool can guess the fix.
"""
from __future__ import annotations

from app.websocket_core.unified_manager import UnifiedManager  # [SSOT203]


def test_unified_manager_starts_empty() -> None:
    assert UnifiedManager().get_connection_count() == 0
