"""ASGI application factory."""
from __future__ import annotations

import logging

from fastapi import FastAPI

from app.api import admin, history_api, presence_api, sessions, stats, status, websocket_routes
from app.core.settings import get_settings
from app.routes import agent_routes, auth, chat_routes, events, legacy_routes


def create_app() -> FastAPI:
    settings = get_settings()
    logging.basicConfig(level=logging.DEBUG if settings.debug else logging.INFO)
    app = FastAPI(title="chatapp", debug=settings.debug)
    for module in (admin, history_api, presence_api, sessions, stats, status, websocket_routes):
        app.include_router(module.router)
    for module in (agent_routes, auth, chat_routes, events, legacy_routes):
        app.include_router(module.router)
    return app
