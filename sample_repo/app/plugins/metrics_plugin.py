"""Pushes live metrics to dashboards (namespace package plugin)."""
from __future__ import annotations

import time
from typing import Any

from app.websocket_core import WebSocketManager  # [SSOT201]


def on_metrics_tick(manager: WebSocketManager, snapshot: dict[str, Any]) -> None:
    """Called by the metrics scheduler (a sync callback) every 10s."""
    payload = {"type": "metrics", "ts": time.time(), **snapshot}
    manager.broadcast(payload)  # [SSOT402]


def summarize(snapshot: dict[str, Any]) -> dict[str, float]:
    return {key: float(value) for key, value in snapshot.items() if isinstance(value, (int, float))}
