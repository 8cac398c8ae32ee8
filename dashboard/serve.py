"""What ``ssot-audit dashboard`` runs: the dashboard app (``app.py``) as an ``st.App``, behind a Host-header check.

Why a check: a page on another site can rebind its own host name to 127.0.0.1 (DNS rebinding) and then read the
dashboard, which shows the scanned project's code, as same-origin. A browser always sends the name it resolved in
the ``Host`` header, so refusing every request (HTTP and websocket) whose host is not one of ours stops that.
``ssot-audit dashboard`` puts the accepted names in ``SSOT_AUDIT_ALLOWED_HOSTS`` (comma-separated; ``*`` accepts
any): the localhost names by default, plus the ``--host`` name when one is given.

The guard is a plain ASGI middleware (no third-party import), so it is tested without a server.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

HOSTS_ENV = "SSOT_AUDIT_ALLOWED_HOSTS"
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def allowed_hosts(value: str | None = None) -> tuple[str, ...]:
    """The accepted host names: ``value`` (or the environment's), else the localhost names."""
    raw = os.environ.get(HOSTS_ENV, "") if value is None else value
    names = tuple(n.strip().lower().strip("[]").rstrip(".") for n in raw.split(",") if n.strip())
    return names or LOCAL_NAMES


def host_name(header: str) -> str | None:
    """The host name of a ``Host`` header (port and IPv6 brackets removed); None when it is malformed."""
    try:
        parts = urlsplit(f"//{header}")
        _ = parts.port  # validates the port
    except ValueError:
        return None
    if not parts.hostname or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname.lower().rstrip(".")


class HostGuard:
    """ASGI middleware: answers 403 to any HTTP or websocket request whose ``Host`` is not allowed."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...] | None = None) -> None:
        self.app = app
        self.hosts = hosts if hosts is not None else allowed_hosts()

    def allows(self, scope: Scope) -> bool:
        """Whether the request's ``Host`` header names an accepted host."""
        if "*" in self.hosts:
            return True
        headers = dict(scope.get("headers") or [])
        name = host_name(headers.get(b"host", b"").decode("latin-1"))
        return name is not None and name in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass allowed requests on; refuse the others before the app sees them."""
        if scope["type"] not in ("http", "websocket") or self.allows(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accept: the handshake gets a 403
            return
        body = b"ssot-audit dashboard: this host name is not allowed (start it with --host NAME to serve NAME)\n"
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def _middleware() -> list[Any]:
    from starlette.middleware import Middleware  # streamlit's own web framework, imported only to run the server

    return [Middleware(HostGuard)]  # built as HostGuard(app=...): the hosts come from the environment


app = st.App(Path(__file__).with_name("app.py"), middleware=_middleware())
