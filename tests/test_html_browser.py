"""The HTML report in a real browser (headless Chromium over the DevTools protocol).

Loads the report from ``file://`` and checks: no console error or uncaught exception, no network request at all,
the filter box and selects work, and a project whose names and strings carry ``<script>``/``"onload=`` payloads runs
none of them. Skipped only when Chromium is missing and ``CI`` is not set (``.ci/run`` installs it).

The DevTools client is ``tests/browser.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.reporters import html

from tests.browser import CHROMIUM, Page, open_browser
from tests.helpers import scan_project, write_project

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (CI installs it and never skips)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Page]:
    with open_browser() as page:
        yield page


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
    assert _visible(sample_page) == 57
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

    assert set_filter("", "SSOT401", "") == (17, "17 shown")
    assert set_filter("", "", "note") == (1, "1 shown")
    assert set_filter("legacy_routes", "", "") == (3, "3 shown")  # app/routes/legacy_routes.py:9, :16, :22
    assert set_filter("legacy_routes", "SSOT301", "") == (1, "1 shown")
    assert sample_page.eval("document.querySelector('#rule-SSOT301 summary .badge').textContent") == "1 of 7"
    assert sample_page.eval("document.getElementById('rule-SSOT401').hidden") is True
    assert set_filter("no such text anywhere", "", "") == (0, "0 shown")
    assert sample_page.eval("document.getElementById('none').hidden") is False
    assert set_filter("", "", "") == (57, "57 shown")
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
