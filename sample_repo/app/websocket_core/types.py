"""Value types shared by the WebSocket layer.

None of these is a manager implementation: the enum, the config record and
the exceptions only *look* like one because of their names.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class WebSocketManagerState(Enum):
    """Lifecycle state of a manager (innocent look-alike: an Enum)."""

    IDLE = "idle"
    RUNNING = "running"
    DRAINING = "draining"
    CLOSED = "closed"


@dataclass(frozen=True)
class WebSocketManagerConfig:
    """Tuning knobs (innocent look-alike: a plain record)."""

    max_connections_per_user: int = 5
    heartbeat_interval: float = 30.0
    send_timeout: float = 5.0


class WebSocketManagerError(Exception):
    """Base class of WebSocket layer errors (innocent: an exception)."""


class ConnectionLimitError(WebSocketManagerError):
    # innocent: an empty exception subclass is not a shim
    pass
