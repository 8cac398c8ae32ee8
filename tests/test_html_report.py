"""The HTML report without a browser: self-contained, escaped, rebuilt identically from a findings file, bounded
in size, and the SVG graph stays readable (capped) on large neighbourhoods."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.cli import main
from ssot_audit.config import load_config
from ssot_audit.model import AuditResult, SourceExcerpt
from ssot_audit.reporters import REPORTERS, html
from ssot_audit.reporters.svg_graph import MAX_NODES, render_svg

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


def test_report_has_summary_cards_plan_graph_and_highlighted_snippets(sample_html: str) -> None:
    assert '<span class="n">57</span><span class="l">findings</span>' in sample_html
    assert '<span class="n">29</span><span class="l">error</span>' in sample_html
    assert '<span class="n">1</span><span class="l">parse failures</span>' in sample_html
    assert sample_html.count('<li class="step ') == 92
    assert sample_html.count('<svg class="graph"') == 2
    assert sample_html.count('class="finding ') == 57
    (admin,) = [block for block in sample_html.split('<div class="finding ')[1:] if "app/api/admin.py:15:" in block]
    assert 'id="f-SSOT401-4"' in admin
    assert '<span class="hll">' in admin and '<span class="linenos">15</span>' in admin


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
    assert big.count('class="finding ') == 2000
    assert big.count('class="code"') == html.MAX_SNIPPETS
    assert "Code is shown for 400 findings, errors first" in big
    assert sum(f.severity.value == "error" for f in many.findings) == 1018  # more errors than the budget...
    blocks = big.split('<div class="finding ')[1:]
    assert sum('class="code"' in b for b in blocks if b.startswith("sev-error")) == html.MAX_SNIPPETS  # ...so all go there
    assert sum('class="code"' in b for b in blocks if not b.startswith("sev-error")) == 0
    assert len(sample_html.encode()) < 400_000
    assert len(big.encode()) < 3_500_000
    plan = api.plan(many)
    assert [len(p.steps) > html.MAX_STEPS for p in plan.concepts] == [True, False]
    assert big.count('<li class="step ') == html.MAX_STEPS + len(plan.concepts[1].steps)
    assert f"and {len(plan.concepts[0].steps) - html.MAX_STEPS} more steps" in big


def test_svg_graph_caps_nodes_and_escapes_labels() -> None:
    nodes = {"pkg.core": "canonical", "pkg.compat": "re-exports"}
    nodes |= {f"pkg.user{i:03d}": "imports" for i in range(100)}
    nodes['evil"<script>'] = "imports"
    edges = {(f"pkg.user{i:03d}", "pkg.compat" if i % 2 else "pkg.core") for i in range(100)}
    edges |= {("pkg.compat", "pkg.core"), ('evil"<script>', "pkg.core")}
    svg = render_svg(nodes, edges, title="t", key="x")
    assert svg.count('<g class="node') == MAX_NODES
    assert "+44 more importers" in svg
    assert "<script>" not in svg
    small = render_svg({"a": "imports", 'b"<x>': "canonical"}, {("a", 'b"<x>')}, title='<t>', key="y")
    assert "b&quot;&lt;x&gt;" in small or 'b"&lt;x&gt;' in small
    assert "<title>&lt;t&gt;</title>" in small
    assert small.count('<path class="edge"') == 1
    labels = render_svg({"app.services.feature_07.handlers": "imports", "a_very_long_single_module_name_without_dots": "canonical"},
                        set(), title="l", key="z")  # fmt: skip
    assert ">….feature_07.handlers<" in labels and ">…long_single_module_name_without_dots<" not in labels
    assert ">…" + "a_very_long_single_module_name_without_dots"[-27:] + "<" in labels
