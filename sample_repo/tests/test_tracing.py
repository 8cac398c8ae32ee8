"""The debug build's manager logs who it was created for."""
from __future__ import annotations

import logging

import pytest

from app.websocket_core.tracing import WebSocketManager


def test_creation_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        WebSocketManager("u1")  # [SSOT301]
    assert "u1" in caplog.text
