"""The dashboard for a new user on one scan: ranked pickers and overview, missing methods highlighted, free-text
search, every finding reachable, the scan's excerpts in ``--findings`` mode, nothing read outside the scanned root,
and user text never taken as markdown."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import data
import derive
from ssot_audit import api
from ssot_audit.config import load_config
from ssot_audit.model import AuditResult, Location
from ssot_audit.model.impact import rank
from ssot_audit.serialization import result_to_dict
from tests.helpers import scan_project, write_project

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"


@pytest.fixture(scope="module")
def sample() -> AuditResult:
    return api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)


def _file(tmp_path: Path, result: AuditResult) -> Path:
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(result_to_dict(result)), encoding="utf-8")
    return path


def _page(findings: Path, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["ssot_findings"] = str(findings)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _count(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.endswith(" findings"))


def test_overview_of_one_scan_says_where_to_start(tmp_path: Path, sample: AuditResult) -> None:
    at = _page(_file(tmp_path, sample), "overview")
    top = at.dataframe[0].value  # one scan: no trend, so the first two tables are the ranking and the rules
    expected = rank(sample).top(10)
    assert list(top["evidence"]) == [i.describe() for i in expected]
    concepts = [w for k, w in zip(top["kind"], top["what"], strict=True) if k == "concept"]
    assert concepts.index("websocket-manager") < concepts.index("rate-limiter")  # 7 implementations before 2
    rules = at.dataframe[1].value
    assert set(rules["rule"]) == {f.code for f in sample.findings} and rules["findings"].sum() == 67
    assert list(rules["rule"])[0] == "SSOT401"  # 18 awaits on plain functions: the most runtime errors


def test_concept_picker_is_ranked_and_missing_methods_are_highlighted(tmp_path: Path, sample: AuditResult) -> None:
    at = _page(_file(tmp_path, sample), "concepts")
    picker = at.selectbox(key="c_concept")
    assert list(picker.options)[0].startswith("websocket-manager: ")
    assert [o.split(":")[0] for o in picker.options] == [c.key for c in rank(sample).concepts]
    matrix = at.dataframe[1].value
    missing = {m for m in matrix.columns if matrix.loc["_WebSocketManagerImplementation", m] == "MISSING"}
    plan = next(p for p in api.plan(sample).concepts if p.concept == "websocket-manager")
    assert missing == set(plan.missing_in_canonical) and missing  # the planner and the page agree
    assert all(f"`{m}`" in at.error[0].value for m in missing)


def test_free_text_search_matches_code_name_path_and_text(tmp_path: Path, sample: AuditResult) -> None:
    at = _page(_file(tmp_path, sample), "findings")
    assert _count(at) == "67 of 67 findings"
    for text, expected in (("SSOT401", 18), ("await-on-sync-callable", 18), ("legacy_routes", 3),
                           ("ssot301 legacy_routes", 1), ("no such words", 0)):  # fmt: skip
        at.text_input(key="f_text").input(text).run()
        assert _count(at) == f"{expected} of 67 findings", text


def test_the_detail_picker_reaches_every_finding(tmp_path: Path, sample: AuditResult) -> None:
    many = [dataclasses.replace(f, fingerprint=f"{i:06d}", location=dataclasses.replace(f.location, path=f"p{i}/{f.location.path}"))
            for i in range(11) for f in sample.findings]  # fmt: skip
    at = _page(_file(tmp_path, dataclasses.replace(sample, findings=tuple(many))), "findings")
    assert _count(at) == "737 of 737 findings"
    assert len(at.selectbox(key="f_pick").options) == 737


def test_findings_mode_uses_the_scans_excerpts_and_never_reads_outside_the_root(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    project = write_project(tmp_path / "proj", {"svc.py": "def f():\n    return 1\n",
                                                "a.py": "from svc import f\n\nasync def a():\n    await f()\n"})  # fmt: skip
    result = scan_project(project)
    (tmp_path / "secret.txt").write_text("TOPSECRET\n" * 10, encoding="utf-8")
    (finding,) = result.findings
    outside = dataclasses.replace(finding, fingerprint="x" * 16,
                                  location=Location("../secret.txt", 3, 1, symbol="x"))  # fmt: skip
    findings = _file(tmp_path, dataclasses.replace(result, findings=(finding, outside)))
    for f in project.iterdir():  # the tree is gone: only the findings file's excerpts remain
        f.unlink()
    monkeypatch.setenv("SSOT_AUDIT_SOURCE", str(project))
    at = _page(findings, "findings")
    at.selectbox(key="f_pick").set_value(0).run()  # the real finding (options are finding indexes)
    body = at.get("html")[0].proto.body
    assert "await" in body and any(c.value.replace("\\", "") == "a.py (as scanned):4" for c in at.caption)
    at.selectbox(key="f_pick").set_value(1).run()  # the one whose path leaves the root
    assert all("TOPSECRET" not in h.proto.body for h in at.get("html"))
    assert any("source not available" in c.value for c in at.caption)


def test_a_path_must_stay_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "root" / "pkg").mkdir(parents=True)
    (tmp_path / "root" / "pkg" / "m.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "root" / "link").symlink_to(tmp_path)
    root = str(tmp_path / "root")
    assert data.inside(root, "pkg/m.py") == (tmp_path / "root" / "pkg" / "m.py").resolve()
    for bad in ("../secret", "/etc/passwd", "pkg/../../secret", "link/secret", "."):
        assert data.inside(root, bad) is None, bad


def test_user_text_is_never_markdown() -> None:
    assert derive.md("__init__.py") == "\\_\\_init\\_\\_\\.py"
    assert derive.md("x![R](https:127.0.0.3:9)") == "x\\!\\[R\\]\\(https\\:127\\.0\\.0\\.3\\:9\\)"
    assert derive.md(":red[x] $y$ <b>") == "\\:red\\[x\\] \\$y\\$ \\<b\\>"
    assert derive.md("https://a.b") == "https\\:\u2060\\/\\/a\\.b"  # no autolink: a word joiner after the colon


def test_hostile_names_reach_the_page_escaped(tmp_path: Path, sample: AuditResult) -> None:
    evil_root = "x![R](https:127.0.0.3:9)"
    f = sample.findings[0]
    evil = dataclasses.replace(f, message="see ![p](https://127.0.0.3/m.png) and __init__.py",
                               location=dataclasses.replace(f.location, path="pkg/__init__.py"))  # fmt: skip
    at = _page(_file(tmp_path, dataclasses.replace(sample, root=evil_root, findings=(evil,))), "overview")
    assert at.title[0].value == "SSOT overview: " + derive.md(evil_root)
    at.switch_page("app_pages/findings.py").run()
    assert derive.md(evil.message) in [m.value for m in at.markdown]


def test_members_sharing_a_class_name_keep_the_matrix_working(tmp_path: Path, sample: AuditResult) -> None:
    concept = next(c for c in sample.concepts if c.name == "rate-limiter")
    twin = dataclasses.replace(concept.members[-1], qualname="other.place." + concept.members[-1].qualname.rsplit(".", 1)[1])
    doubled = dataclasses.replace(concept, members=(*concept.members, twin))
    result = dataclasses.replace(sample, concepts=tuple(doubled if c is concept else c for c in sample.concepts))
    at = _page(_file(tmp_path, result), "concepts")
    at.selectbox(key="c_concept").select(next(o for o in at.selectbox(key="c_concept").options
                                              if o.startswith("rate-limiter:"))).run()  # fmt: skip
    assert not at.exception, at.exception
    index = list(at.dataframe[1].value.index)
    assert twin.qualname in index and concept.members[-1].qualname in index and "RateLimiter" in index
