"""An AppTest per dashboard page: each runs without exception, and its filters change what is shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ssot_audit.history import HistoryStore
from ssot_audit.serialization import result_to_dict
from tests.helpers import scan_project, write_project

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _app(page: str | None = None, **state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _caption_with(at: AppTest, pattern: str) -> str:
    return next(c.value for c in at.caption if re.search(pattern, c.value))


@pytest.fixture(scope="module")
def growing_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two scans of a small project; the second adds one await misuse (so one finding is new)."""
    root = tmp_path_factory.mktemp("grow")
    db = root / "history.db"
    files = {"proj/svc.py": "def count():\n    return 1\n",
             "proj/a.py": "from svc import count\n\nasync def a():\n    return await count()\n"}  # fmt: skip
    write_project(root, files)
    with HistoryStore(db) as store:
        store.record(scan_project(root / "proj"), config_hash="c", root="proj", root_path=root / "proj")
        write_project(root, {"proj/b.py": "from svc import count\n\nasync def b():\n    return await count()\n"})
        store.record(scan_project(root / "proj"), config_hash="c", root="proj", root_path=root / "proj")
    return db


def test_overview_headline_trend_and_scan_picker(demo_history: Path) -> None:
    at = _app(ssot_history=str(demo_history))
    assert at.title[0].value == "SSOT overview: sample\\_repo"  # markdown-escaped: the browser shows sample_repo
    assert _metric(at, "Findings") == "39" and _metric(at, "Fixed") == "1"  # the legacy script's parse error
    assert len(at.get("vega_lite_chart")) == 2  # trend per rule and per concept
    at.sidebar.selectbox(key="ssot_scan").set_value(2).run()  # scan #2: after the await fix
    assert not at.exception
    assert _metric(at, "Findings") == "49" and _metric(at, "Fixed") == "18" and _metric(at, "New") == "0"
    at.switch_page("app_pages/findings.py").run()  # the picked scan survives a page switch
    assert _caption_with(at, "findings$") == "49 of 49 findings"


def test_findings_filters_change_the_table(demo_history: Path) -> None:
    at = _app("findings", ssot_history=str(demo_history))
    assert _caption_with(at, "findings$") == "39 of 39 findings"
    at.multiselect(key="f_codes").select("SSOT301").run()
    assert _caption_with(at, "findings$") == "8 of 39 findings"
    table = at.dataframe[0].value
    assert set(table["code"]) == {"SSOT301"} and len(table) == 8
    at.text_input(key="f_glob").input("app/services/*").run()
    assert _caption_with(at, "findings$") == "3 of 39 findings"
    assert all(p.startswith("app/services/") for p in at.dataframe[0].value["path"])
    at.multiselect(key="f_codes").unselect("SSOT301").run()
    at.text_input(key="f_glob").input("").run()
    at.selectbox(key="f_concept").select("rate-limiter").run()
    assert set(at.dataframe[0].value["concept"]) == {"rate-limiter"}
    at.selectbox(key="f_concept").select("(any)").run()
    at.multiselect(key="f_severity").select("error").run()
    assert set(at.dataframe[0].value["severity"]) == {"error"}
    at.radio(key="f_sort").set_value("rule").run()
    codes = list(at.dataframe[0].value["code"])
    assert codes == sorted(codes)


def test_findings_detail_panel_shows_snippet_and_related(demo_history: Path) -> None:
    at = _app("findings", ssot_history=str(demo_history))
    at.multiselect(key="f_codes").select("SSOT101").run()
    assert not at.exception
    panel = " ".join(m.value for m in at.markdown)
    assert "SSOT101 duplicate\\-concept\\-implementation" in panel and "Related locations" in panel  # escaped markdown
    snippets = at.get("html")
    assert snippets and "class" in snippets[0].proto.body and "background-color" in snippets[0].proto.body
    assert any(re.search(r"\.py \(as scanned\):\d+$", c.value.replace("\\", "")) for c in at.caption)  # the scan's excerpt


def test_findings_new_only(growing_history: Path) -> None:
    at = _app("findings", ssot_history=str(growing_history))
    assert _caption_with(at, "findings$") == "2 of 2 findings"
    at.checkbox(key="f_new").check().run()
    assert _caption_with(at, "findings$") == "1 of 2 findings"
    assert list(at.dataframe[0].value["path"]) == ["b.py"]


def test_findings_file_without_history(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"svc.py": "def f():\n    return 1\n",
                                          "a.py": "from svc import f\n\nasync def a():\n    await f()\n"})  # fmt: skip
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps(result_to_dict(scan_project(root))))
    at = _app("findings", ssot_findings=str(findings))
    assert _caption_with(at, "findings$") == "1 of 1 findings"
    assert at.dataframe[0].value["code"].tolist() == ["SSOT401"]


def test_concepts_page_switches_concept(demo_history: Path) -> None:
    at = _app("concepts", ssot_history=str(demo_history))
    assert "WebSocketManager" in at.markdown[0].value
    matrix = at.dataframe[1].value
    assert "get_connection_count" in matrix.columns and set(matrix.loc["WebSocketManager"]) >= {"async", "def"}
    assert at.subheader.values[-1] == "Await misuses"
    at.selectbox(key="c_concept").select("rate-limiter").run()
    assert not at.exception
    assert "app.core.rate_limit.RateLimiter" in at.markdown[0].value
    assert _metric(at, "Implementations") == "2"


def test_graph_page_focus_depth_and_cycles(demo_history: Path) -> None:
    at = _app("graph", ssot_history=str(demo_history))
    assert "import cycles touch this view" in _caption_with(at, "modules")
    at.radio(key="g_mode").set_value("module").run()
    at.selectbox(key="g_module").select("app.services.presence").run()
    at.slider(key="g_depth").set_value(0).run()
    assert _caption_with(at, "modules").startswith("1 modules within depth 0, 0 imports; 1 import cycles")
    at.slider(key="g_depth").set_value(1).run()
    caption = _caption_with(at, "modules")
    assert not caption.startswith("1 modules") and "1 import cycles" in caption
    dot = at.get("graphviz_chart")[0].proto.spec
    assert re.search(r'"app.services.presence" -> "app.services.notifications" \[[^]]*color="#d62728"', dot)


def test_plan_page_progress_since_first_scan(demo_history: Path) -> None:
    at = _app("plan", ssot_history=str(demo_history))
    rows = at.dataframe[0].value
    done = int(_metric(at, "Done"))
    assert done >= 1 and len(rows) == int(_metric(at, "Steps"))
    at.multiselect(key="p_kind").select("remove-await").run()
    awaits = at.dataframe[0].value
    assert len(awaits) >= 10 and set(awaits["kind"]) == {"remove-await"} and awaits["done"].all()  # the demo's step 1
    at.multiselect(key="p_kind").unselect("remove-await").run()
    at.checkbox(key="p_open").check().run()
    assert len(at.dataframe[0].value) == len(rows) - done
    at.sidebar.selectbox(key="ssot_scan").set_value(1).run()  # the first scan: nothing done yet
    assert _metric(at, "Done") == "0"


def test_no_data_is_a_message_not_a_crash(tmp_path: Path) -> None:
    at = _app(ssot_history=str(tmp_path / "missing.db"))
    assert "no such history file" in at.error[0].value


def test_a_scan_recorded_while_the_app_runs_shows_up(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"svc.py": "def f():\n    return 1\n",
                                          "a.py": "from svc import f\n\nasync def a():\n    await f()\n"})  # fmt: skip
    db = tmp_path / "h.db"
    with HistoryStore(db) as store:
        store.record(scan_project(root), config_hash="c", root="p")
    at = _app(ssot_history=str(db))
    assert _caption_with(at, "recorded scans") == "1 recorded scans"
    with HistoryStore(db) as store:
        store.record(scan_project(root), config_hash="c", root="p")
    at.run()
    assert _caption_with(at, "recorded scans").startswith("2 recorded scans")


def test_graph_page_deep_link(demo_history: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["ssot_history"] = str(demo_history)
    at.query_params["module"] = "app.services.notifications"
    at.query_params["depth"] = "0"
    at.switch_page("app_pages/graph.py").run()
    assert not at.exception
    assert at.selectbox(key="g_module").value == "app.services.notifications"
    assert _caption_with(at, "modules").startswith("1 modules within depth 0, 0 imports; 1 import cycles")

