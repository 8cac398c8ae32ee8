"""The HTML report without a browser: self-contained, escaped, rebuilt identically from a findings file, bounded
in size, the ranked index first. (The graph grouping is tested in tests/test_graph_view.py, the page's script in
tests/test_html_browser.py.)"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import inspect
import json
import re
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.cli import main
from ssot_audit.config import load_config
from ssot_audit.model import AuditResult, SourceExcerpt
from ssot_audit.reporters import REPORTERS, html
from ssot_audit.model.impact import rank

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"


@pytest.fixture(scope="module")
def sample_result() -> AuditResult:
    return api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)


@pytest.fixture(scope="module")
def sample_html(sample_result: AuditResult) -> str:
    return html.render(sample_result)


def test_report_references_nothing_outside_the_file(sample_html: str) -> None:
    assert "http://" not in sample_html and "https://" not in sample_html and "//cdn" not in sample_html
    assert re.findall(r"<(link|img|iframe|object|embed)\b", sample_html) == []
    assert re.findall(r"\bsrc\s*=", sample_html) == []
    assert set(re.findall(r'href="([^"#][^"]*)"', sample_html)) == set()
    assert set(re.findall(r"url\(([^)]*)\)", sample_html)) == {f"#arrow-{i}" for i in range(2)}
    assert "@import" not in sample_html and "@font-face" not in sample_html
    assert sample_html.count("<script>") == 1


def findings_data(page: str) -> dict:
    """The JSON block the page's script builds the findings from."""
    block = page.split('<script type="application/octet-stream" id="findings-data">', 1)[1].split("</script>", 1)[0]
    return json.loads(gzip.decompress(base64.b64decode(block)))


def test_report_has_summary_cards_ranked_index_plan_graph_and_highlighted_snippets(sample_result: AuditResult,
                                                                                  sample_html: str) -> None:  # fmt: skip
    assert '<span class="n">67</span><span class="l">findings</span>' in sample_html
    assert '<span class="n">33</span><span class="l">error</span>' in sample_html
    assert '<span class="n">1</span><span class="l">parse failures</span>' in sample_html
    plan = api.plan(sample_result)
    assert sample_html.count('<li class="step ') == sum(min(len(p.steps), html.MAX_STEPS) for p in (*plan.concepts, *plan.symbols))
    assert sample_html.count('<svg class="graph"') == 2
    ranking = rank(sample_result)
    index = sample_html.split('<table class="index">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr class="kind-(concept|group)">', index)
    assert rows == [i.kind for i in ranking.top(html.INDEX_ROWS)]
    assert sample_html.index('<table class="index">') < sample_html.index('id="plan"')  # the index comes first
    data = findings_data(sample_html)
    assert len(data["findings"]) == 67 and data["names"]["SSOT401"] == "await-on-sync-callable"
    (admin,) = [f for f in data["findings"] if f["p"] == "app/api/admin.py" and f["l"] == 19]
    assert admin["a"] == "f-SSOT401-4" and admin["c"] == "SSOT401" and admin["s"] == "error"
    assert '<span class="hll">' in admin["h"] and '<span class="linenos">19</span>' in admin["h"]


def test_report_command_rebuilds_the_same_page_from_findings_json(tmp_path: Path, sample_html: str) -> None:
    findings, page = tmp_path / "findings.json", tmp_path / "report.html"
    assert main(["scan", str(SAMPLE), "--format", "json", "-o", str(findings), "--exit-zero", "-q"]) == 0
    assert main(["report", str(findings), "-o", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == sample_html
    assert inspect.unwrap(REPORTERS["html"]) is html.render  # behind the escaping pass every output goes through


def test_report_command_names_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["report", str(bad)]) == 2
    assert "bad.json is not JSON" in capsys.readouterr().err


def synthetic(result: AuditResult, count: int) -> AuditResult:
    """``count`` findings made from the sample's, each in its own file, with excerpts like a real scan keeps."""
    findings, excerpts = [], []
    by_path = {e.path: e for e in result.excerpts}
    for i in range(count):
        f = result.findings[i % len(result.findings)]
        path = f"gen/pkg{i // 100}/mod{i}.py"
        loc = dataclasses.replace(f.location, path=path)
        findings.append(dataclasses.replace(f, location=loc, fingerprint=f"{i:020d}",
                                            related=tuple(f.related) * 3))  # fmt: skip
        source = by_path.get(f.location.path)
        excerpts.append(SourceExcerpt(path, max(1, loc.line - 2), source.lines[:5] if source else ("x = 1",) * 5))
    return dataclasses.replace(result, findings=tuple(findings), excerpts=tuple(excerpts))


def test_report_size_stays_bounded(sample_result: AuditResult, sample_html: str) -> None:
    many = synthetic(sample_result, 2000)
    big = html.render(many)
    rows = findings_data(big)["findings"]
    assert len(rows) == 2000
    assert sum(1 for r in rows if "h" in r) == html.MAX_SNIPPETS
    assert "Code is shown for 400 findings, errors first" in big
    assert sum(f.severity.value == "error" for f in many.findings) > html.MAX_SNIPPETS  # more errors than the budget...
    assert {r["s"] for r in rows if "h" in r} == {"error"}  # ...so all go there
    assert len(sample_html.encode()) < 400_000
    assert len(big.encode()) < 1_500_000
    plan = api.plan(many)
    assert len(plan.concepts[0].steps) > html.MAX_STEPS
    assert big.count('<li class="step ') == sum(min(len(p.steps), html.MAX_STEPS) for p in (*plan.concepts, *plan.symbols))
    assert f"and {len(plan.concepts[0].steps) - html.MAX_STEPS} more steps" in big


def test_findings_json_cannot_end_its_script_element(sample_result: AuditResult) -> None:
    f = sample_result.findings[0]
    hostile = dataclasses.replace(f, message="</script><script>alert(1)</script><!-- & -->")
    page = html.render(dataclasses.replace(sample_result, findings=(hostile, *sample_result.findings[1:])))
    block = page.split('id="findings-data">', 1)[1].split("</script>", 1)[0]
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", block)
    assert hostile.message in {r["m"] for r in findings_data(page)["findings"]}


def test_the_plan_total_brings_implementations_down_to_one_per_concept(sample_result: AuditResult,
                                                                       sample_html: str) -> None:  # fmt: skip
    # langchain-community read "6 implementations -> 15": the symbols whose paths are unified were counted as
    # implementations left. The text and markdown plans say "-> N" with N the concepts.
    plan = api.plan(sample_result)
    assert plan.symbols and plan.concepts  # both kinds, so the two counts differ
    total = sample_html.split('<p class="plan-total">', 1)[1].split("</p>", 1)[0]
    assert total.startswith(f"<strong>{plan.summary.implementations}</strong> implementations &rarr; "
                            f"<strong>{len(plan.concepts)}</strong>,")  # fmt: skip
