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
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html.render(result), encoding="utf-8")
    return path


@pytest.fixture
def sample_page(browser: Page, sample_report: Path) -> Page:
    _open(browser, sample_report)
    return browser


def _open(page: Page, path: Path) -> None:
    """Load a report and wait until its script has unpacked the findings (the page is interactive)."""
    page.open(path.as_uri())
    page.wait_until("document.body.hasAttribute('data-ready')", timeout=30)


def _visible(page: Page) -> int:
    return int(page.eval("document.querySelectorAll('.finding:not([hidden])').length"))


def _filter(page: Page, q: str = "", rule: str = "", severity: str = "", concept: str = "") -> str:
    """Set the filter controls as a user would, and return the count line."""
    page.eval(
        f"(function(){{var q=document.getElementById('q');q.value={json.dumps(q)};"
        f"document.getElementById('rule').value={json.dumps(rule)};"
        f"document.getElementById('severity').value={json.dumps(severity)};"
        f"document.getElementById('concept').value={json.dumps(concept)};"
        "q.dispatchEvent(new Event('input'));})()"
    )
    return str(page.eval("document.getElementById('count').textContent"))


def _shown_locations(page: Page) -> set[str]:
    """``path:line`` of every finding box shown."""
    shown = page.eval("Array.from(document.querySelectorAll('.finding .loc')).map(e => e.textContent)")
    return {loc.rsplit(":", 1)[0] for loc in shown}


def test_sample_report_loads_without_errors_or_network_requests(sample_page: Page) -> None:
    assert sample_page.problems() == []
    assert [u for u in sample_page.requests() if not u.startswith("file://")] == []
    assert sample_page.eval("document.title") == "ssot-audit report: sample_repo"
    assert sample_page.eval("document.getElementById('count').textContent") == "67 of 67 findings"
    assert _visible(sample_page) == 0  # groups start closed and their findings are built only when opened
    assert sample_page.eval("document.querySelectorAll('svg.graph g.node').length") > 20
    sample_page.eval("document.getElementById('rule-SSOT402').open = true")
    sample_page.wait_until("document.querySelectorAll('#rule-SSOT402 .finding').length === 4")


def test_filter_matches_rule_codes_names_severity_concept_path_and_text(sample_page: Page) -> None:
    assert _filter(sample_page, rule="SSOT401") == "18 of 67 findings" and _visible(sample_page) == 18
    assert _filter(sample_page, q="SSOT401") == "18 of 67 findings"  # the code typed in the box
    assert _filter(sample_page, q="ssot401") == "18 of 67 findings"
    assert _filter(sample_page, q="await-on-sync-callable") == "18 of 67 findings"  # the rule's name
    assert _filter(sample_page, severity="note") == "2 of 67 findings"
    assert _filter(sample_page, q="legacy_routes") == "3 of 67 findings"  # app/routes/legacy_routes.py:9, :16, :22
    assert _shown_locations(sample_page) == {"app/routes/legacy_routes.py:9", "app/routes/legacy_routes.py:16",
                                             "app/routes/legacy_routes.py:22"}  # fmt: skip
    assert _filter(sample_page, q="SSOT301 legacy_routes") == "1 of 67 findings"
    assert sample_page.eval("document.querySelector('#rule-SSOT301 summary .badge').textContent") == "1 of 8"
    assert sample_page.eval("document.getElementById('rule-SSOT401').hidden") is True
    assert _filter(sample_page, concept="rate-limiter", rule="SSOT101") == "1 of 67 findings"
    assert _filter(sample_page, q="no such text anywhere") == "0 of 67 findings"
    assert sample_page.eval("document.getElementById('none').hidden") is False
    assert _filter(sample_page) == "67 of 67 findings"
    assert sample_page.problems() == []


def test_filter_on_a_project_whose_snippets_never_name_the_rule(browser: Page, tmp_path: Path) -> None:
    """The bug: the filter matched only the text shown, and sample_repo's snippets carry ``# [SSOT401]`` markers."""
    project = write_project(tmp_path / "proj", {
        "svc/__init__.py": "",
        "svc/count.py": "def count():\n    return 1\n",
        "svc/a.py": "from svc.count import count\n\nasync def a():\n    return await count()\n",
        "svc/b.py": "from svc.count import count\n\nasync def b():\n    total = await count()\n    return total\n",
    })  # fmt: skip
    result = scan_project(project)
    awaits = {(f.location.path, f.location.line) for f in result.findings if f.code == "SSOT401"}
    assert awaits == {("svc/a.py", 4), ("svc/b.py", 4)}
    assert not any("SSOT401" in line for e in result.excerpts for line in e.lines)
    page_path = tmp_path / "report.html"
    page_path.write_text(html.render(result), encoding="utf-8")
    _open(browser, page_path)
    total = len(result.findings)
    assert _filter(browser, q="SSOT401") == f"2 of {total} findings"
    assert _shown_locations(browser) == {"svc/a.py:4", "svc/b.py:4"}
    assert _filter(browser, q="await-on-sync") == f"2 of {total} findings"
    assert _filter(browser, q="error b.py") == f"1 of {total} findings"
    assert browser.problems() == []


def test_index_links_and_finding_anchors_open_what_they_name(sample_page: Page) -> None:
    _filter(sample_page)
    sample_page.eval("document.querySelector('table.index a.show[data-concept=\"rate-limiter\"]').click()")
    assert sample_page.eval("document.getElementById('concept').value") == "rate-limiter"
    assert sample_page.eval("document.getElementById('count').textContent") == "1 of 67 findings"
    sample_page.eval("location.hash = '#f-SSOT401-4'")
    sample_page.wait_until("document.getElementById('f-SSOT401-4') !== null")
    assert sample_page.eval("document.querySelector('#f-SSOT401-4 .loc').textContent").startswith("app/api/admin.py:19:")
    assert sample_page.eval("document.getElementById('count').textContent") == "67 of 67 findings"


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
    assert text.count("<script") == 2 and "<img" not in text  # ours: the findings JSON and the page's script
    _open(browser, page_path)
    browser.eval("document.querySelectorAll('details.rule-group').forEach(d => { d.open = true; })")
    browser.wait_until("document.querySelectorAll('.finding').length === 2")
    assert browser.eval("typeof window.__xss") == "undefined"
    assert browser.eval("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert browser.eval("document.scripts.length") == 2
    shown = browser.eval("document.body.innerText")
    assert evil_name in shown and "<script>window.__xss=2</script>" in shown
    assert browser.problems() == []
    assert [u for u in browser.requests() if not u.startswith("file://")] == []
