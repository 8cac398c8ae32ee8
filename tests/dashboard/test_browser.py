"""Real-browser check: ``ssot-audit dashboard`` on the demo history, every page rendered by headless Chromium.

Streamlit renders client-side over a websocket, so each page is opened over the DevTools protocol and the test
waits (up to two minutes, a busy CI machine is slow) until the page shows content only the running app can
produce. Skipped only when Chromium is missing and ``CI`` is unset.
Set ``SSOT_AUDIT_SCREENSHOTS=DIR`` to also save a screenshot of every page there for a human to look at.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, Page, open_browser
from tests.dashboard.serving import free_port, running

PAGES = {  # url path -> texts that only a fully rendered page shows
    "": ("SSOT overview: sample_repo", "Findings per concept"),
    "findings": ("39 of 39 findings", "Related locations"),
    "concepts": ("Method matrix", "Await misuses"),
    "graph": ("import cycles touch this view", "<svg"),  # graphviz drew the neighbourhood
    "plan": ("Consolidation plan", "Open steps only"),
}

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (the browser check runs wherever it is, and always in CI)",
                allow_module_level=True)  # fmt: skip


@pytest.fixture(scope="module")
def server(demo_history: Path) -> Iterator[str]:
    """The dashboard started the way users start it; yields its URL."""
    port = free_port()
    with running([sys.executable, "-m", "ssot_audit", "dashboard", "--history", str(demo_history), "--port", str(port)],
                 port, timeout=60) as url:  # fmt: skip
        yield url


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with open_browser(width=1400, height=1000) as tab:
        yield tab


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_in_chromium(server: str, page: Page, path: str) -> None:
    page.open(server + path)
    texts = json.dumps(list(PAGES[path]))
    html = "document.documentElement.outerHTML"
    try:
        page.wait_until(f"{texts}.every(t => {html}.includes(t))", timeout=120)
    except TimeoutError:
        dom = page.eval(html)
        missing = [text for text in PAGES[path] if text not in dom]
        pytest.fail(f"{path or 'overview'} never showed {missing}; page ends with {dom[-3000:]}")
    dom = page.eval(html)
    assert "Traceback" not in dom and "stException" not in dom
    shots = os.environ.get("SSOT_AUDIT_SCREENSHOTS")
    if shots:
        target = Path(shots) / f"{path or 'overview'}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(target)
