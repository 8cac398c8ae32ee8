"""The dashboard's Host check (``dashboard/serve.py``): DNS-rebinding requests are refused before the app sees them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import serve


def _call(host: bytes | None, kind: str = "http", hosts: tuple[str, ...] | None = None) -> tuple[list[Any], bool]:
    """(messages sent back, whether the app was reached) for one request with that Host header."""
    reached: list[bool] = []
    sent: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)

    async def receive() -> Any:
        return {"type": f"{kind}.request"}

    async def send(message: Any) -> None:
        sent.append(message)

    headers = [(b"host", host)] if host is not None else []
    guard = serve.HostGuard(app, hosts if hosts is not None else serve.allowed_hosts(""))
    asyncio.run(guard({"type": kind, "headers": headers}, receive, send))
    return sent, bool(reached)


@pytest.mark.parametrize("host", [b"localhost:8501", b"127.0.0.1:8501", b"[::1]:8501", b"LOCALHOST", b"localhost.:80"])
def test_localhost_names_reach_the_app(host: bytes) -> None:
    assert _call(host) == ([], True)
    assert _call(host, "websocket") == ([], True)


@pytest.mark.parametrize("host", [b"evil.example:8501", b"127.0.0.1.evil.example", b"localhost@evil:1", b"", None,
                                  b"localhost:99999", b"localhost/x"])  # fmt: skip
def test_other_names_get_403_and_never_reach_the_app(host: bytes | None) -> None:
    sent, reached = _call(host)
    assert not reached and sent[0]["type"] == "http.response.start" and sent[0]["status"] == 403
    sent, reached = _call(host, "websocket")
    assert not reached and sent == [{"type": "websocket.close", "code": 1008}]


def test_the_environment_names_the_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(serve.HOSTS_ENV, "localhost,box.lan")
    assert serve.allowed_hosts() == ("localhost", "box.lan")
    assert _call(b"box.lan:8501", hosts=serve.allowed_hosts())[1] is True
    assert _call(b"127.0.0.1", hosts=serve.allowed_hosts())[1] is False
    assert _call(b"anything.at.all", hosts=("*",))[1] is True
    monkeypatch.delenv(serve.HOSTS_ENV)
    assert serve.allowed_hosts() == serve.LOCAL_NAMES
