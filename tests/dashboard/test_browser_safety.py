"""The running dashboard in Chromium (DevTools protocol): hostile names stay text, no request leaves the machine
(favicon included), no Deploy button; and the server refuses requests whose Host is not a localhost name.

``SSOT_AUDIT_SCREENSHOTS=DIR`` also saves the pages seen, for a human to look at."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssot_audit.serialization import result_to_dict
from tests.browser import CHROMIUM, open_browser
from tests.dashboard.serving import free_port, running
from tests.helpers import scan_project, write_project

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (CI installs it and never skips)", allow_module_level=True)

EVIL_ROOT = "x![R](https:127.0.0.3:9)"
EVIL_MESSAGE = "see ![p](https://127.0.0.4/m.png) **bold** :red[x] in __init__.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    project = write_project(root / "proj", {"pkg/__init__.py": "def f():\n    return 1\n",
                                            "pkg/a.py": "from pkg import f\n\nasync def a():\n    await f()\n"})  # fmt: skip
    result = scan_project(project)
    (finding,) = result.findings
    finding = dataclasses.replace(finding, message=EVIL_MESSAGE)
    findings = root / "findings.json"
    findings.write_text(json.dumps(result_to_dict(dataclasses.replace(result, root=EVIL_ROOT, findings=(finding,)))))
    port = free_port()
    with running([sys.executable, "-m", "ssot_audit", "dashboard", "--findings", str(findings), "--port", str(port)],
                 port) as url:  # fmt: skip
        yield url


def _raw(port: int, request: str) -> str:
    """The status line of a raw HTTP request (so the Host header can be anything)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        return s.recv(200).decode("latin-1").split("\r\n", 1)[0]


def test_foreign_host_names_are_refused_on_http_and_websocket(server: str) -> None:
    port = int(server.rsplit(":", 1)[1].strip("/"))
    assert _raw(port, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").split()[1] == "200"
    assert _raw(port, "GET / HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n").split()[1] == "403"
    upgrade = ("GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert _raw(port, upgrade.format(host="attacker.example")).split()[1] == "403"
    assert _raw(port, upgrade.format(host=f"127.0.0.1:{port}")).split()[1] == "101"


def test_pages_show_hostile_text_literally_and_fetch_nothing_from_outside(server: str) -> None:
    shots = os.environ.get("SSOT_AUDIT_SCREENSHOTS")
    with open_browser(1400, 1000) as page:
        for path, expected in (("", "SSOT overview: " + EVIL_ROOT), ("findings", EVIL_MESSAGE)):
            page.open(server + path)
            shown = "document.body.innerText.replaceAll('\\u2060', '')"  # md() breaks autolinks with word joiners
            page.wait_until(f"{shown}.includes({json.dumps(expected)})", timeout=90)
            time.sleep(1)  # let the page settle: late requests are caught below
            text = page.eval(shown)
            assert "Deploy" not in text and "**bold**" not in text.replace(EVIL_MESSAGE, "")
            assert page.eval("document.querySelectorAll('main img, main a[href*=\"127.0.0\"]').length") == 0
            outside = [u for u in page.requests() if not u.startswith(server) and not u.startswith("data:")]
            assert outside == [], outside
            icon = page.eval("(document.querySelector('link[rel~=icon]') || {}).href || ''")
            assert icon.startswith(server) or icon.startswith("data:"), icon
            # Streamlit's client, opened on a page URL, first probes <page>/_stcore/health and host-config (404)
            missing = [e["params"]["response"]["url"] for e in page.events if e.get("method") == "Network.responseReceived"
                       and e["params"]["response"]["status"] >= 400]  # fmt: skip
            assert all(re.search(r"/[a-z]+/_stcore/(health|host-config)$", u) for u in missing), missing
            assert [p for p in page.problems() if "Failed to load resource" not in p] == []
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(Path(shots) / f"hostile-{path or 'overview'}.png")
