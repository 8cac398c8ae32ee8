"""The import-graph grouping both the HTML report and the dashboard draw (``planner.graph_view``), and its SVG."""

from __future__ import annotations

from ssot_audit.model import AuditResult, ScanStats, ImportRef
from ssot_audit.planner.graph_view import concept_roles, group_modules, is_test_module, short_label, suite_package
from ssot_audit.reporters.svg_graph import render_svg

CANONICAL = "backend.app.websocket_core.unified_websocket_manager_implementation"


def _big() -> tuple[dict[str, str], set[tuple[str, str]]]:
    """A 130-module neighbourhood: 100 test importers in two test packages, 26 production importers, 4 with roles."""
    roles = {CANONICAL: "canonical", "backend.app.compat.ws": "re-exports", "backend.app.legacy.ws_old": "defines",
             "backend.app.agents.ws": "defines"}  # fmt: skip
    roles |= {f"backend.tests.unit.test_ws_{i:02d}": "imports" for i in range(60)}
    roles |= {f"backend.app.routes.tests.test_route_{i:02d}": "imports" for i in range(40)}
    roles |= {f"backend.app.services.svc_{i:02d}": "imports" for i in range(20)}
    roles |= {f"backend.app.routes.route_{i:02d}": "imports" for i in range(6)}
    edges = {(m, CANONICAL) for m in roles if m != CANONICAL} | {("backend.app.compat.ws", CANONICAL)}
    return roles, edges


def test_test_modules_are_recognised_and_grouped_by_their_test_package() -> None:
    assert [is_test_module(m) for m in ("a.tests.x", "a.test_x", "a.x_test", "a.conftest", "a.testing_tools", "a.b")] \
        == [True, True, True, True, False, False]  # fmt: skip
    assert suite_package("backend.tests.unit.test_ws") == "backend.tests"
    assert suite_package("backend.app.routes.test_routes") == "backend.app.routes"


def test_a_big_neighbourhood_becomes_a_readable_picture() -> None:
    roles, edges = _big()
    view = group_modules(roles, edges, max_nodes=20)
    by_id = {n.id: n for n in view.nodes}
    assert view.modules == 130 and len(view.nodes) <= 20
    # every module with a role keeps its own box; the canonical label is the full name, never cut
    assert {CANONICAL, "backend.app.compat.ws", "backend.app.legacy.ws_old", "backend.app.agents.ws"} <= set(by_id)
    assert by_id[CANONICAL].label == CANONICAL and by_id[CANONICAL].role == "canonical"
    # test modules: one node per test package, naming how many it stands for; the hover lists them all
    tests = {n.id: n for n in view.nodes if n.role == "tests"}
    assert set(tests) == {"backend.tests (tests)", "backend.app.routes.tests (tests)"}
    assert len(tests["backend.tests (tests)"].modules) == 60 and "60 test modules" in tests["backend.tests (tests)"].label
    assert "backend.tests.unit.test_ws_07" in tests["backend.tests (tests)"].hover
    # production importers fit once tests are grouped: 26 + 4 + 2 > 20, so they group by package
    packages = {n.id: len(n.modules) for n in view.nodes if n.role == "package"}
    assert packages == {"backend.app.services.*": 20, "backend.app.routes.*": 6}
    # every module is in exactly one node, and edges are counted between boxes
    assert sorted(m for n in view.nodes for m in n.modules) == sorted(roles)
    assert ("backend.tests (tests)", CANONICAL, 60) in view.edges
    assert [r for r, *_ in view.legend] == ["canonical", "defines", "re-exports", "package", "tests"]


def test_a_hundred_copies_group_by_package_around_the_canonical_box() -> None:
    roles = {"core.flow": "canonical"} | {f"components.c{i:03d}.config_flow": "defines" for i in range(100)}
    roles |= {f"other.o{i}.config_flow": "defines" for i in range(3)}
    view = group_modules(roles, {(m, "core.flow") for m in roles if m != "core.flow"}, max_nodes=20)
    assert len(view.nodes) <= 20 and view.nodes[[n.id for n in view.nodes].index("core.flow")].label == "core.flow"
    assert sorted(m for n in view.nodes for m in n.modules) == sorted(roles)
    assert {n.role for n in view.nodes} == {"canonical", "defines"}


def test_small_neighbourhoods_keep_one_box_per_module() -> None:
    roles = {"app.core": "canonical", "app.a": "imports", "app.b": "imports", "app.tests.test_a": "imports"}
    view = group_modules(roles, {("app.a", "app.core"), ("app.b", "app.core")})
    assert sorted(n.id for n in view.nodes) == ["app.a", "app.b", "app.core", "app.tests.test_a"]
    assert [n.role for n in view.nodes if n.id == "app.tests.test_a"] == ["imports"]  # a lone test module stays itself


def test_svg_draws_legend_hover_and_escapes_everything() -> None:
    roles, edges = _big()
    roles['evil"<script>'] = "defines"
    svg = render_svg(group_modules(roles, edges, max_nodes=20), title="<t>", key="x")
    assert "<script>" not in svg and ("evil&quot;&lt;script&gt;" in svg or 'evil"&lt;script&gt;' in svg)
    assert "<title>&lt;t&gt;</title>" in svg
    assert svg.count('<g class="node') == 9 and svg.count('<g class="legend') == 5
    assert f">{CANONICAL}</text>" in svg  # the canonical box is wide enough for its whole name
    assert "<title>backend.tests (tests): backend.tests.unit.test_ws_00, " in svg


def test_short_labels_keep_whole_dotted_parts() -> None:
    assert short_label("app.services.feature_07.handlers", 28) == "….feature_07.handlers"
    assert short_label("a_very_long_single_module_name_without_dots", 28) == "…" + "a_very_long_single_module_name_without_dots"[-27:]


def test_concept_roles_from_the_recorded_imports() -> None:
    def ref(importer: str, source: str, target: str) -> ImportRef:
        return ImportRef(importer=importer, path=importer.replace(".", "/") + ".py", line=1, column=1, source=source,
                         name=target.rsplit(".", 1)[1], bound=target.rsplit(".", 1)[1], target=target)  # fmt: skip

    result = AuditResult(root="r", tool_version="t", stats=ScanStats(0, 0, 0, 0), findings=(), symbol_imports=(
        ref("app.compat", "app.core", "app.core.Store"), ref("app.user", "app.compat", "app.core.Store"),
        ref("app.tests.test_user", "app.core", "app.core.Store"), ref("app.job", "app.old", "app.old.Store"),
    ))  # fmt: skip
    members = iter(["app.core.Store", "app.old.Store", "app.legacy.Store"])  # any iterable: it is read more than once
    roles, edges = concept_roles(result, members, iter(()), "app.core.Store")
    assert roles == {"app.core": "canonical", "app.old": "defines", "app.legacy": "defines", "app.compat": "re-exports",
                     "app.user": "imports", "app.tests.test_user": "imports", "app.job": "imports"}  # fmt: skip
    assert edges == {("app.compat", "app.core"), ("app.user", "app.compat"), ("app.tests.test_user", "app.core"),
                     ("app.job", "app.old")}  # fmt: skip
