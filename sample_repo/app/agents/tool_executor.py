"""Runs agent tools and reports their progress to the user."""
from __future__ import annotations

import logging
from typing import Any, Callable

try:
    from app.websocket_core import get_websocket_manager  # [SSOT201]
except ImportError:  # pragma: no cover - very old deployments
    from app.websocket_core.websocket_manager import get_websocket_manager

logger = logging.getLogger(__name__)


async def report_tool_progress(user_id: str, tool: str, percent: int) -> None:
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    await manager.send_to_user({"type": "tool.progress", "tool": tool, "percent": percent})


async def execute_tool(user_id: str, tool: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    await report_tool_progress(user_id, tool, 0)
    try:
        result = fn(**kwargs)
    except Exception:
        logger.exception("tool %s failed", tool)
        raise
    await report_tool_progress(user_id, tool, 100)
    return result
