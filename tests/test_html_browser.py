"""The HTML report in a real browser (headless Chromium over the DevTools protocol).

Loads the report from ``file://`` and checks: no console error or uncaught exception, no network request at all,
the filter box and selects work, and a project whose names and strings carry ``<script>``/``"onload=`` payloads runs
none of them. Skipped only when Chromium is missing and ``CI`` is not set (``.ci/run`` installs it).

The DevTools client uses ``websockets`` (already installed through streamlit, declared in the dev extras); no
browser download, no driver.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.reporters import html

from tests.helpers import scan_project, write_project

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (CI installs it and never skips)", allow_module_level=True)


class Page:
    """One browser tab driven over the DevTools protocol; records console errors, exceptions and requests."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its reply (events that arrive meanwhile are kept)."""
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        """Block until ``event`` has been received."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv(timeout=remaining)))

    def open(self, url: str) -> None:
        """Navigate and wait for the load event."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def eval(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its JSON value."""
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(reply["exceptionDetails"])
        return reply["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, dialogs and log errors seen since the last ``open``."""
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog: {params.get('message')}")
        return found

    def requests(self) -> list[str]:
        """URLs of every network request since the last ``open``."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]


def _connect(url: str) -> Any:
    """A websocket to the local DevTools endpoint, never through a proxy from the environment."""
    import inspect

    from websockets.sync.client import connect

    options: dict[str, Any] = {"max_size": None, "open_timeout": 20}
    if "proxy" in inspect.signature(connect).parameters:  # websockets >= 15 honours *_proxy variables by default
        options["proxy"] = None
    return connect(url, **options)


@pytest.fixture(scope="module")
def browser() -> Iterator[Page]:
    if CHROMIUM is None:
        pytest.fail("chromium is required in CI: install it (see .ci/run)")
    profile = tempfile.mkdtemp(prefix="ssot-chromium-")
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "--window-size=1366,900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=20) as reply:  # the local DevTools endpoint only
            target = json.load(reply)
        with _connect(target["webSocketDebuggerUrl"]) as ws:
            yield Page(ws)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def sample_page(browser: Page, tmp_path_factory: pytest.TempPathFactory) -> Page:
    result = api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html.render(result), encoding="utf-8")
    browser.open(path.as_uri())
    return browser


def _visible(page: Page) -> int:
    return int(page.eval("document.querySelectorAll('.finding:not([hidden])').length"))


def test_sample_report_loads_without_errors_or_network_requests(sample_page: Page) -> None:
    assert sample_page.problems() == []
    assert [u for u in sample_page.requests() if not u.startswith("file://")] == []
    assert sample_page.eval("document.title") == "ssot-audit report: sample_repo"
    assert _visible(sample_page) == 62
    assert sample_page.eval("document.querySelectorAll('svg.graph g.node').length") > 20


def test_filter_box_and_selects_narrow_the_findings(sample_page: Page) -> None:
    def set_filter(q: str, rule: str, severity: str) -> tuple[int, str]:
        sample_page.eval(
            f"(function(){{var q=document.getElementById('q');q.value={json.dumps(q)};"
            f"document.getElementById('rule').value={json.dumps(rule)};"
            f"document.getElementById('severity').value={json.dumps(severity)};"
            "q.dispatchEvent(new Event('input'));})()"
        )
        return _visible(sample_page), str(sample_page.eval("document.getElementById('count').textContent"))

    assert set_filter("", "SSOT401", "") == (18, "18 shown")
    assert set_filter("", "", "note") == (2, "2 shown")
    assert set_filter("legacy_routes", "", "") == (3, "3 shown")  # app/routes/legacy_routes.py:9, :16, :22
    assert set_filter("legacy_routes", "SSOT301", "") == (1, "1 shown")
    assert sample_page.eval("document.querySelector('#rule-SSOT301 summary .badge').textContent") == "1 of 7"
    assert sample_page.eval("document.getElementById('rule-SSOT401').hidden") is True
    assert set_filter("no such text anywhere", "", "") == (0, "0 shown")
    assert sample_page.eval("document.getElementById('none').hidden") is False
    assert set_filter("", "", "") == (62, "62 shown")
    assert sample_page.problems() == []


PAYLOAD = '"onload=window.__xss=1 x="<script>window.__xss=2</script><img src=x onerror=window.__xss=3>'


def test_hostile_names_and_strings_are_shown_as_text_and_never_run(browser: Page, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    evil_name = "app/<img src=x onerror=window.__xss=4>.py"
    write_project(project, {
        "app/__init__.py": "",
        "app/core.py": f"DOC = {PAYLOAD!r}\n\ndef get_manager():\n    return {PAYLOAD!r}\n",
        "app/__main__.py": f"from app.core import get_manager\n\nasync def run():\n    return await get_manager()  # {PAYLOAD}\n",
        evil_name: f"from app.core import get_manager\n\nasync def go():\n    x = {PAYLOAD!r}\n    return await get_manager()\n",
    })  # fmt: skip
    result = scan_project(project)
    assert {f.location.path for f in result.findings if f.code == "SSOT401"} == {"app/__main__.py", evil_name}
    page_path = tmp_path / "report.html"
    text = html.render(result)
    page_path.write_text(text, encoding="utf-8")
    assert text.count("<script") == 1 and "<img" not in text
    browser.open(page_path.as_uri())
    assert browser.eval("typeof window.__xss") == "undefined"
    assert browser.eval("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert browser.eval("document.scripts.length") == 1
    shown = browser.eval("document.body.innerText")
    assert evil_name in shown and "<script>window.__xss=2</script>" in shown
    assert browser.problems() == []
    assert [u for u in browser.requests() if not u.startswith("file://")] == []
