"""Agent sessions and event streams."""
from __future__ import annotations

import asyncio

from app.agents.agent_session import create_agent_session
from app.agents.events import send_agent_event, stream_events
from app.core.session_store import SessionStore


async def test_create_agent_session_uses_store() -> None:
    store = SessionStore(namespace="test")
    session = await create_agent_session("u1", store=store)
    assert store.get(f"agent:{session.session_id}") == "u1"


async def test_events_stream_until_finished() -> None:
    await send_agent_event("r1", "started")
    await send_agent_event("r1", "finished")
    kinds = [event["kind"] async for event in stream_events("r1")]
    assert kinds == ["started", "finished"]


async def test_events_sent_concurrently() -> None:
    await asyncio.gather(send_agent_event("r2", "started"), send_agent_event("r2", "tool"))
    await send_agent_event("r2", "finished")
    kinds = [event["kind"] async for event in stream_events("r2")]
    assert kinds[-1] == "finished"
