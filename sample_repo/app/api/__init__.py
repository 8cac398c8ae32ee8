"""HTTP / WebSocket API layer (FastAPI routers)."""
