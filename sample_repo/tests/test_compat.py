"""The compat module must keep re-exporting the canonical objects."""
from __future__ import annotations

import app.compat.websocket as compat
import app.websocket_core.websocket_manager as canonical
from app.compat.websocket import WebSocketManager  # [SSOT201]


def test_compat_reexports_canonical_class() -> None:
    assert WebSocketManager is canonical.WebSocketManager


def test_compat_factory_is_canonical() -> None:
    assert compat.get_websocket_manager is canonical.get_websocket_manager


def test_legacy_alias_still_importable() -> None:
    assert compat.ConnectionManager.__name__ == "LegacyWebSocketManager"
