"""In-memory session store used by the single-node dev setup."""
from __future__ import annotations

import time
from typing import Any


class InMemorySessionStore:
    """Dict-backed store with lazy expiry."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[Any, float | None]] = {}

    def get(self, key: str) -> Any | None:
        value, deadline = self._data.get(key, (None, None))
        if deadline is not None and deadline < time.monotonic():
            self.delete(key)
            return None
        return value

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    def delete(self, key: str) -> None:
        self._data.pop(key, None)

    def expire(self, key: str, ttl: float) -> bool:
        if key not in self._data:
            return False
        self._data[key] = (self._data[key][0], time.monotonic() + ttl)
        return True

    def clear(self) -> None:
        self._data.clear()


def get_session_store() -> InMemorySessionStore:  # innocent: a factory of another backend, not of a concept
    """Dev-only factory (duplicates app.core.session_store.get_session_store)."""
    return InMemorySessionStore()
