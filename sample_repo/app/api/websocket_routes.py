"""Main WebSocket endpoint of the web client."""
from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.websocket_core import get_websocket_manager  # [SSOT201]

logger = logging.getLogger(__name__)
router = APIRouter()


@router.websocket("/ws/{user_id}")
async def websocket_endpoint(websocket: WebSocket, user_id: str) -> None:
    await websocket.accept()
    manager = await get_websocket_manager(user_id)  # [SSOT401]
    connection_id = f"{user_id}:{id(websocket)}"
    await manager.connect(connection_id, websocket)
    try:
        while True:
            data = await websocket.receive_json()
            await manager.broadcast({"type": "echo", "data": data}, exclude=connection_id)
    except WebSocketDisconnect:
        logger.info("client %s went away", connection_id)
    finally:
        await manager.disconnect(connection_id)
