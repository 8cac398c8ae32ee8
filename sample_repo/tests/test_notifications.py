"""Notifications and presence."""
from __future__ import annotations

import asyncio

from app.services.notifications import NotificationService, notify_user
from app.services.presence import tracker


async def test_offline_user_is_not_notified() -> None:
    tracker.mark_offline("zed")
    assert await notify_user("zed", {"type": "ping"}) is False


async def test_notification_in_background_task() -> None:
    tracker.mark_online("amy")
    task = asyncio.create_task(notify_user("amy", {"type": "ping"}))
    assert await task is True


async def test_flush_sends_queued_notifications() -> None:
    tracker.mark_online("bob")
    service = NotificationService()
    service.queue("bob", {"type": "digest"})
    assert await service.flush() == 1
    assert await asyncio.wait_for(notify_user("bob", {"type": "ping"}), timeout=1) is True
