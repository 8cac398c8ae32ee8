"""The await-on-sync paths, run without any async plugin (plain ``asyncio.run``): they fail until the awaits go;
and the ops status, which fails until its broken import is pointed at the enum's module.

``ssot-audit fix --write`` drops the planted ``await``s on the sync factory and the sync ``get_connection_count``
and repairs the import; the end-to-end test of the fix command runs this module before (failing) and after (passing).
"""
from __future__ import annotations

import asyncio

from app.plugins.slack_bridge import relay_slack_message, slack_presence
from app.services.session_sync import resync_user
from app.websocket_core.health import check_user_channel
from app.websocket_core.websocket_manager import get_websocket_manager


def test_health_probe_reports_no_connection() -> None:
    result = asyncio.run(check_user_channel("ivy"))
    assert (result["user_id"], result["connections"]) == ("ivy", 0)


def test_session_resync_reaches_no_tab() -> None:
    assert asyncio.run(resync_user("ivy", "s-1")) == 0


def test_slack_relay_and_presence() -> None:
    assert asyncio.run(relay_slack_message("ivy", "#general", "hi")) == 0
    assert asyncio.run(slack_presence(get_websocket_manager("ivy"))) == "away"


def test_ops_status_lists_every_state() -> None:
    from app.services.ops_status import connection_states  # ImportError until the import is repaired

    assert connection_states("ivy") == {"user": "ivy", "connections": 0,
                                        "known_states": ["idle", "running", "draining", "closed"]}
