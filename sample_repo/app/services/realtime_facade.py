"""One object for the routes: the user's manager plus presence (a facade, not a second manager)."""
from __future__ import annotations

from typing import Any

from app.services.presence import PresenceTracker
from app.websocket_core.websocket_manager import get_websocket_manager


class WebSocketManagerFacade:
    """Connects through the user's manager and keeps presence in step."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self._manager = get_websocket_manager(user_id)
        self._presence = PresenceTracker()

    async def connect(self, connection_id: str, websocket: Any) -> None:
        await self._manager.connect(connection_id, websocket)
        self._presence.mark_online(self.user_id)

    async def disconnect(self, connection_id: str) -> None:
        await self._manager.disconnect(connection_id)
        if not self._manager.is_connected():
            self._presence.mark_offline(self.user_id)

    async def send_to_user(self, message: dict[str, Any]) -> int:
        return await self._manager.send_to_user(message)

    async def broadcast(self, message: dict[str, Any]) -> int:
        return await self._manager.broadcast(message)

    def get_connection_count(self) -> int:
        return self._manager.get_connection_count()
