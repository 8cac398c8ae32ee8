"""Small asyncio helpers."""
from __future__ import annotations

import asyncio
import functools
from typing import Any, Awaitable, Callable, TypeVar

T = TypeVar("T")


def to_async(fn: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """Decorator: run a blocking function in the default thread pool."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(fn, *args, **kwargs)

    return wrapper


def pause(seconds: float = 0.01) -> Awaitable[None]:
    """Sync def annotated as returning an awaitable."""
    return asyncio.sleep(seconds)
