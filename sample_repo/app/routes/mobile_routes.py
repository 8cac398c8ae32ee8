"""WebSocket endpoint of the mobile app: goes through the realtime facade."""
from __future__ import annotations

from fastapi import APIRouter, WebSocket

from app.services.realtime_facade import WebSocketManagerFacade

router = APIRouter()


@router.websocket("/mobile/{user_id}")
async def mobile_endpoint(websocket: WebSocket, user_id: str) -> None:
    await websocket.accept()
    session = WebSocketManagerFacade(user_id)
    connection_id = f"mobile:{user_id}:{id(websocket)}"
    await session.connect(connection_id, websocket)
    try:
        async for data in websocket.iter_json():
            await session.send_to_user({"type": "echo", "data": data})
    finally:
        await session.disconnect(connection_id)
