"""The consolidation planner: golden plan for sample_repo, ordering guarantees, small projects with exact steps.

Refresh the golden file only on purpose, and review the diff: ``SSOT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_planner.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.cli import main
from ssot_audit.config import load_config
from ssot_audit.model import AuditResult, ConsolidationPlan
from ssot_audit.model.impact import implementations
from ssot_audit.planner import build_plan
from ssot_audit.planner.graph import ModuleGraph, strongly_connected
from ssot_audit.reporters import plan_json, plan_markdown, plan_text
from ssot_audit.serialization import result_from_dict, result_to_dict

from tests.helpers import scan_project, write_project

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"
GOLDEN = Path(__file__).resolve().parent / "golden" / "plan_sample_repo.json"
UPDATE = os.environ.get("SSOT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def sample_result() -> AuditResult:
    return api.scan(SAMPLE, config=load_config(SAMPLE), jobs=1)


@pytest.fixture(scope="module")
def sample_plan(sample_result: AuditResult) -> ConsolidationPlan:
    return build_plan(sample_result)


def test_sample_plan_json_matches_the_reviewed_golden_file(sample_plan: ConsolidationPlan) -> None:
    rendered = plan_json.render(sample_plan)
    if UPDATE:
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8"), "plan changed: review, then SSOT_UPDATE_GOLDEN=1"


def test_plan_command_prints_the_golden_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(SAMPLE), "--format", "json"]) == 0
    assert capsys.readouterr().out == GOLDEN.read_text(encoding="utf-8")


def test_plan_from_a_saved_findings_file_is_the_same_plan(sample_result: AuditResult, sample_plan: ConsolidationPlan) -> None:
    reloaded = result_from_dict(json.loads(json.dumps(result_to_dict(sample_result))))
    assert reloaded == sample_result
    assert build_plan(reloaded) == sample_plan


def test_every_dependency_comes_earlier_and_ids_are_numbered_in_order(sample_plan: ConsolidationPlan) -> None:
    for plans in (sample_plan.concepts, sample_plan.symbols):
        for plan in plans:
            position = {s.id: i for i, s in enumerate(plan.steps)}
            assert [int(s.id.rsplit(".", 1)[1]) for s in plan.steps] == list(range(1, len(plan.steps) + 1))
            for step in plan.steps:
                assert all(position[d] < position[step.id] for d in step.depends_on), step.id


def test_sample_plan_chooses_the_configured_canonical_and_lists_what_it_lacks(sample_result: AuditResult,
                                                                              sample_plan: ConsolidationPlan) -> None:  # fmt: skip
    ws = sample_plan.concepts[0]
    assert ws.concept == "websocket-manager"
    # configured as the public alias WebSocketManager, it resolves to the private class that implements it
    assert ws.canonical == "app.websocket_core.websocket_manager._WebSocketManagerImplementation"
    assert ws.missing_in_canonical == ("active_users", "emit_event", "warm_up")  # Enhanced is a subclass, not a copy
    (concept,) = [c for c in sample_result.concepts if c.name == "websocket-manager"]
    assert ws.summary.implementations == implementations(concept) == 7  # canonical + 6 duplicates; shims are not
    assert ws.summary.canonical_paths == 1
    moves = [s.title for s in ws.steps if s.kind == "move-methods"]
    assert moves == [  # steps name the public name users import, never the private class
        "Move emit_event() from AgentWebSocketManager into WebSocketManager",
        "Move active_users() from WebSocketConnectionManager into WebSocketManager",
        "Move warm_up() from IsolatedWebSocketManager into WebSocketManager",
    ]
    assert all("_WebSocketManagerImplementation" not in s.after for s in ws.steps)


def test_a_duplicate_is_deleted_only_after_its_alias_imports_and_constructions(sample_plan: ConsolidationPlan) -> None:
    ws = sample_plan.concepts[0]
    by_id = {s.id: s for s in ws.steps}
    (delete,) = [s for s in ws.steps if s.title == "Delete UnifiedWebSocketManager from app/websocket_core/unified_manager.py"]
    needed = {(by_id[d].kind, by_id[d].files[0], by_id[d].locations[0].line if by_id[d].locations else 0) for d in delete.depends_on}
    assert needed == {
        ("alias-duplicate", "app/websocket_core/unified_manager.py", 15),
        ("rewrite-import", "app/agents/notifier.py", 4),
        ("rewrite-import", "app/services/chat_service.py", 10),
        ("rewrite-import", "app/websocket_core/registry.py", 9),
        ("rewrite-import", "app/routes/legacy_routes.py", 9),
        ("use-factory", "app/agents/notifier.py", 8),
        ("use-factory", "app/services/chat_service.py", 21),
        ("use-factory", "app/routes/legacy_routes.py", 16),
        ("isolate-instance", "app/websocket_core/registry.py", 11),
        ("delete-reexport", "app/compat/websocket.py", 8),
        ("delete-shim", "app/websocket_core/unified_manager.py", 51),
        ("delete-shim", "app/compat/websocket.py", 20),
    }


def test_every_caller_finding_of_the_concept_is_resolved_by_exactly_one_step(
    sample_result: AuditResult, sample_plan: ConsolidationPlan
) -> None:
    resolved = [fp for s in sample_plan.find_steps() for fp in s.resolves]
    assert len(resolved) == len(set(resolved))
    unresolved = {(f.code, f.location.path, f.location.line) for f in sample_result.findings
                  if f.code in ("SSOT201", "SSOT301", "SSOT302", "SSOT303", "SSOT401", "SSOT402", "SSOT104", "SSOT105")
                  and f.fingerprint not in resolved}  # fmt: skip
    # the only ones left are coroutines of functions no concept or split symbol is about
    assert unresolved == {("SSOT402", "app/agents/runner.py", 24), ("SSOT402", "app/services/message_service.py", 34)}


def test_unawaited_call_of_the_async_copy_is_fixed_by_the_import_rewrite_not_by_adding_await(
    sample_result: AuditResult, sample_plan: ConsolidationPlan
) -> None:
    (unawaited,) = [f for f in sample_result.findings if f.code == "SSOT402" and f.location.path == "app/api/sessions.py"]
    (step,) = [s for s in sample_plan.find_steps() if unawaited.fingerprint in s.resolves]
    assert (step.kind, step.files, step.mechanical) == ("rewrite-import", ("app/api/sessions.py",), False)
    assert step.after == "from app.websocket_core.websocket_manager import get_websocket_manager as get_async_ws_manager"
    assert [s for s in sample_plan.find_steps(kind="add-await") if s.files == ("app/api/sessions.py",)] == []


def test_text_and_markdown_show_the_total_line(sample_plan: ConsolidationPlan) -> None:
    total = "9 implementations -> 2, 14 import paths -> 3, 20 await misuses, ~46 files touched, 89 steps (48 mechanical)"
    assert plan_text.render(sample_plan).splitlines()[1] == f"Total: {total}."  # first, under the title
    assert f"**Total:** {total.replace('>', '&gt;')}" in plan_markdown.render(sample_plan)


def test_markdown_keeps_scanned_names_inert(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "pkg/__init__.py": "from pkg.impl import make_thing\n",
        "pkg/impl.py": "def make_thing():\n    return 1\n",
        "a.py": "from pkg import make_thing\n",
        "b.py": "from pkg import make_thing\n",
        "c.py": "from pkg.impl import make_thing\n",
    })  # fmt: skip
    plan = build_plan(scan_project(tmp_path))
    text = plan_markdown.render(plan)
    assert "<script" not in text
    assert "| pkg.c.1 |" not in text  # ids come from the symbol's short name
    (symbol,) = plan.symbols
    assert symbol.symbol == "pkg.impl.make_thing"
    assert symbol.canonical == "pkg"
    assert symbol.paths == (("pkg", 2), ("pkg.impl", 1))
    assert [(s.kind, s.files, s.before, s.after) for s in symbol.steps] == [
        ("rewrite-import", ("c.py",), "from pkg.impl import make_thing", "from pkg import make_thing"),
    ]


def test_small_concept_plan_has_exact_steps_in_order(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/core.py": """
            class Manager:
                def send_packet(self): ...
                def close_channel(self): ...

            def get_manager():
                return Manager()
        """,
        "app/old.py": """
            class OldManager:
                def send_packet(self): ...
                def close_channel(self): ...
                def flush_queue(self): ...
        """,
        "app/user.py": """
            from app.old import OldManager

            async def handler():
                manager = OldManager()
                other = await get()
            from app.core import get_manager as get
        """,
    })  # fmt: skip
    table = {"concepts": {"manager": {"canonical": "app.core.Manager", "factories": ["app.core.get_manager"],
                                      "name-patterns": ["*Manager"]}}}  # fmt: skip
    plan = build_plan(scan_project(tmp_path, table))
    (concept,) = plan.concepts
    assert concept.missing_in_canonical == ("flush_queue",)
    assert [(s.id, s.kind, s.files, s.depends_on, s.mechanical) for s in concept.steps] == [
        ("manager.01", "move-methods", ("app/core.py", "app/old.py"), (), False),
        ("manager.02", "alias-duplicate", ("app/old.py",), ("manager.01",), False),
        ("manager.03", "rewrite-import", ("app/user.py",), ("manager.02",), True),
        ("manager.04", "use-factory", ("app/user.py",), ("manager.02",), False),
        ("manager.05", "remove-await", ("app/user.py",), (), True),
        ("manager.06", "delete-shim", ("app/old.py",), ("manager.02", "manager.03", "manager.04"), True),
    ]
    rewrite = concept.steps[2]
    assert (rewrite.before, rewrite.after) == ("from app.old import OldManager", "from app.core import Manager as OldManager")
    assert (rewrite.verify_command, rewrite.verify_expect) == ("ssot-audit plan . --format json",
                                                               "no step rewrites the import at app/user.py:1")  # fmt: skip
    assert concept.summary.await_misuses == 1


def test_blast_radius_and_cycle_flag_come_from_the_import_graph(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/impl.py": "import pkg.a\n\ndef make_thing():\n    return 1\n",
        "pkg/api.py": "from pkg.impl import make_thing\n",
        "pkg/a.py": "import pkg.impl\nfrom pkg.api import make_thing\n",
        "pkg/b.py": "from pkg.api import make_thing\n",
        "app/__init__.py": "",  # outside pkg: the definition's neighbours may import it from its module
        "app/c.py": "from pkg.impl import make_thing\n",
        "app/d.py": "import app.c\n",
    })  # fmt: skip
    plan = build_plan(scan_project(tmp_path))
    (symbol,) = plan.symbols
    steps = {s.files[0]: s for s in symbol.steps if s.kind == "rewrite-import"}
    assert set(steps) == {"app/c.py"}
    assert (steps["app/c.py"].blast_radius, steps["app/c.py"].in_cycle) == (1, False)
    graph = ModuleGraph([("pkg.a", "pkg.impl"), ("pkg.impl", "pkg.a"), ("pkg.d", "pkg.c")], [("pkg.a", "pkg/a.py")])
    assert graph.in_cycle(["pkg.a"]) and not graph.in_cycle(["pkg.c", "pkg.d"])
    assert graph.count_importers(["pkg.c"]) == 1
    assert graph.rank["pkg.c"] < graph.rank["pkg.d"]


def test_strongly_connected_components_are_deterministic() -> None:
    succ = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert strongly_connected(["e", "d", "c", "b", "a"], succ) == [["d"], ["a", "b", "c"], ["e"]]
