"""Session store: the one the application is supposed to use."""
from __future__ import annotations

import time
from typing import Any


class SessionStore:  # innocent: backends of one key-value interface (generic get/set/delete/expire)
    """Key/value session store with per-key TTL."""

    def __init__(self, namespace: str = "session") -> None:
        self.namespace = namespace
        self._values: dict[str, Any] = {}
        self._deadlines: dict[str, float] = {}

    def get(self, key: str) -> Any | None:
        deadline = self._deadlines.get(key)
        if deadline is not None and deadline < time.monotonic():
            self.delete(key)
        return self._values.get(key)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._values[key] = value
        if ttl is not None:
            self.expire(key, ttl)

    def delete(self, key: str) -> None:
        self._values.pop(key, None)
        self._deadlines.pop(key, None)

    def expire(self, key: str, ttl: float) -> bool:
        if key not in self._values:
            return False
        self._deadlines[key] = time.monotonic() + ttl
        return True

    def keys(self) -> list[str]:
        return [k for k in list(self._values) if self.get(k) is not None]


_default_store = SessionStore()


def get_session_store() -> SessionStore:
    """Process-wide session store."""
    return _default_store
