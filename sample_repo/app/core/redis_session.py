"""Redis-backed session store (production)."""
from __future__ import annotations

import json
from typing import Any


class RedisSessionStore:
    """Same surface as SessionStore, but talks to Redis."""

    def __init__(self, client: Any, prefix: str = "sess:") -> None:
        self._client = client
        self._prefix = prefix

    def get(self, key: str) -> Any | None:
        raw = self._client.get(self._prefix + key)
        return json.loads(raw) if raw is not None else None

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._client.set(self._prefix + key, json.dumps(value), ex=int(ttl) if ttl else None)

    def delete(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def expire(self, key: str, ttl: float) -> bool:
        return bool(self._client.expire(self._prefix + key, int(ttl)))

    def ping(self) -> bool:
        return bool(self._client.ping())
