"""Executes an agent run and streams its progress."""
from __future__ import annotations

import asyncio
import logging
import uuid

from app.agents.agent_ws_manager import AgentWebSocketManager
from app.agents.context import RunContext
from app.agents.events import send_agent_event, stream_events

logger = logging.getLogger(__name__)


class AgentRunner:
    """One instance per run."""

    def __init__(self, user_id: str) -> None:
        self.run_id = uuid.uuid4().hex
        self.context = RunContext(run_id=self.run_id, user_id=user_id, runner=self)
        self.ws = AgentWebSocketManager(self.run_id)  # [SSOT301]

    async def run(self, prompt: str) -> list[str]:
        send_agent_event(self.run_id, "started", prompt=prompt)  # [SSOT402]
        worker = asyncio.create_task(send_agent_event(self.run_id, "finished"))
        steps: list[str] = []
        async for event in stream_events(self.run_id):
            steps.append(event["kind"])
            await self.ws.emit_event(event["kind"])
        await worker
        logger.info("run %s finished after %d events", self.run_id, len(steps))
        return steps
