"""Agent run events."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

logger = logging.getLogger(__name__)
_queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}


async def send_agent_event(run_id: str, kind: str, **data: Any) -> None:
    queue = _queues.setdefault(run_id, asyncio.Queue())
    await queue.put({"run": run_id, "kind": kind, **data})
    logger.debug("run %s: %s", run_id, kind)


async def stream_events(run_id: str) -> AsyncIterator[dict[str, Any]]:
    """Async generator: iterate with ``async for``."""
    queue = _queues.setdefault(run_id, asyncio.Queue())
    while True:
        event = await queue.get()
        yield event
        if event["kind"] == "finished":
            return
