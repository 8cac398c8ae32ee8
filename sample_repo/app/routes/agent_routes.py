"""Endpoints that start agent runs."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.agents.agent_session import create_agent_session
from app.websocket_core.async_factory import get_websocket_manager as open_ws_manager

router = APIRouter(prefix="/agents")


@router.post("/{user_id}/runs")
async def start_run(user_id: str, prompt: str) -> dict[str, Any]:
    # innocent: both callees are real coroutines, correctly awaited
    session = await create_agent_session(user_id)
    manager = await open_ws_manager(user_id)
    await manager.send_to_user({"type": "agent.started", "session": session.session_id})
    return {"session_id": session.session_id, "prompt": prompt}
