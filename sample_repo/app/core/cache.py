"""Wiring of the production cache."""
from __future__ import annotations

import os
from typing import Any

from app.core.redis_session import RedisSessionStore


def get_cache(client: Any | None = None) -> RedisSessionStore:
    """Build the Redis store from REDIS_URL (client injectable for tests)."""
    if client is None:
        import redis  # third-party, only needed in production

        client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    return RedisSessionStore(client, prefix=os.environ.get("SESSION_PREFIX", "sess:"))
