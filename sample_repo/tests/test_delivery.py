"""Delivery queue."""
from __future__ import annotations

from app.services.delivery import DeliveryQueue, compress_payload


async def test_schedule_returns_awaitable_task(fake_manager) -> None:
    queue = DeliveryQueue(fake_manager)
    # innocent: schedule() is a sync def returning asyncio.create_task(...)
    assert await queue.schedule({"n": 1}) == 1


async def test_drain_sends_everything(fake_manager) -> None:
    queue = DeliveryQueue(fake_manager)
    for n in range(3):
        queue.push({"n": n})
    assert await queue.drain() == 3
    assert [m["n"] for m in fake_manager.sent] == [0, 1, 2]


async def test_compress_payload_is_awaitable() -> None:
    # innocent: decorated sync def, the decorator makes it awaitable
    blob = await compress_payload({"text": "hello"})
    assert isinstance(blob, bytes)
