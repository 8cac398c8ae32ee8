"""Health probe tests (currently failing, see CHAT-1412)."""
from __future__ import annotations

import pytest

from app.websocket_core.health import check_user_channel
from app.websocket_core.websocket_manager import get_websocket_manager


@pytest.mark.xfail(raises=TypeError, reason="the probe awaits the sync factory")
async def test_probe_reports_connections() -> None:
    result = await check_user_channel("hank")
    assert result["connections"] == 0


@pytest.mark.xfail(raises=TypeError, reason="copied from the probe")
async def test_probe_manager_is_per_user() -> None:
    manager = await get_websocket_manager("hank")  # [SSOT401]
    assert manager.user_id == "hank"
