"""Agent sessions (conversation memory for a user's runs)."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from app.core.session_store import SessionStore, get_session_store


@dataclass
class AgentSession:
    session_id: str
    user_id: str


async def create_agent_session(user_id: str, store: SessionStore | None = None) -> AgentSession:
    """Async factory: reserves a session id (the store may be remote)."""
    store = store or get_session_store()
    session = AgentSession(session_id=uuid.uuid4().hex, user_id=user_id)
    await asyncio.sleep(0)
    store.set(f"agent:{session.session_id}", user_id, ttl=1800)
    return session
