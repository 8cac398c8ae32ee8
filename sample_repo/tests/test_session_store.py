"""Both session stores must behave the same."""
from __future__ import annotations

import pytest

from app.core.session_store import SessionStore
from app.services.memory_session import InMemorySessionStore


@pytest.fixture(params=[SessionStore, InMemorySessionStore], ids=["core", "memory"])
def store(request):
    return request.param()


def test_set_get_delete(store) -> None:
    store.set("k", {"user": "amy"})
    assert store.get("k") == {"user": "amy"}
    store.delete("k")
    assert store.get("k") is None


def test_expire_missing_key(store) -> None:
    assert store.expire("missing", 10) is False


def test_expired_key_disappears(store) -> None:
    store.set("k", 1)
    assert store.expire("k", -1) is True
    assert store.get("k") is None
