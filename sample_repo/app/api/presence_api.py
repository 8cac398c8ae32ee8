"""Presence WebSocket used by the mobile app."""
from __future__ import annotations

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.services.connection_manager import connection_manager
from app.services.presence import tracker

router = APIRouter()


@router.websocket("/presence/{user_id}")
async def presence_socket(websocket: WebSocket, user_id: str) -> None:
    await connection_manager.connect(user_id, websocket)
    await tracker.announce(user_id)
    try:
        while True:
            await websocket.receive_text()
            tracker.mark_online(user_id)
    except WebSocketDisconnect:
        tracker.mark_offline(user_id)
        await connection_manager.disconnect(user_id, websocket)
