"""Configured concepts that help: any alias may be configured; a guard, a test double or an empty class configured
as canonical is said plainly and replaced; ``ssot-audit concepts`` explains members, roles and rejections, and
``--format toml`` prints a block that configures the same concept again."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.cli import main
from ssot_audit.config import load_config, parse_table

from tests.helpers import scan_project, write_project

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"

ROLE = """
class {name}:
    def register_connection(self, user_id, ws):
        self.ws = ws
    def emit_critical_event(self, kind):
        return kind
    def drain_outbox(self):
        return []
"""

PROJECT = {
    "app/__init__.py": "",
    "app/impl.py": ROLE.format(name="_Impl") + "\nWebSocketManager = _Impl\nPerUserManager = _Impl\n",
    "app/guard.py": "class _Guard:\n    def __init__(self, *a):\n        raise RuntimeError('use get_manager()')\n\n"
                    "WebSocketManager = _Guard\n",
    "app/factory.py": "from app.impl import _Impl\n\ndef get_manager(user_id):\n    return _Impl()\n\nmake = get_manager\n",
    "app/legacy.py": ROLE.format(name="LegacyWebSocketManager"),
    "app/dash.py": "class WebSocketDashboardConfigManager:\n    def render(self):\n        return 1\n"
                   "    def register_connection(self, u, w):\n        return 1\n",
    "app/use.py": "from app.impl import WebSocketManager\nfrom app.guard import WebSocketManager as Guarded\n\n"
                  "def f():\n    return Guarded(1)\n",
}  # fmt: skip


def _table(canonical: str, factories: tuple[str, ...] = ("app.factory.make",)) -> dict[str, object]:
    return {"concepts": {"ws": {"canonical": canonical, "factories": list(factories), "name-patterns": ["*WebSocket*Manager*"]}}}


def test_canonical_and_factories_may_name_any_alias(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    project = api.load_project(root, parse_table(_table("app.impl.WebSocketManager")), jobs=1)
    (concept,) = project.concepts.concepts
    assert concept.canonical.fullname == "app.impl._Impl"
    assert concept.canonical_reason == "configured in [tool.ssot-audit.concepts] as app.impl.WebSocketManager, an alias of app.impl._Impl"
    assert [f.fullname for f in concept.factories] == ["app.factory.get_manager"]  # `make` is an alias of it
    assert [m.fullname for m in concept.members] == ["app.impl._Impl", "app.legacy.LegacyWebSocketManager"]
    assert concept.warnings == []
    (rejected, why), = concept.rejected
    assert rejected.fullname == "app.dash.WebSocketDashboardConfigManager"
    assert why.startswith("its name WebSocketDashboardConfigManager matches *WebSocket*Manager*, but shares 1 public")


def test_a_configured_guard_is_replaced_by_what_the_factory_returns_and_said_so(tmp_path: Path,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = write_project(tmp_path, {**PROJECT, "pyproject.toml": "[tool.ssot-audit.concepts.ws]\n"
                                    "canonical = 'app.guard.WebSocketManager'\nfactories = ['app.factory.get_manager']\n"
                                    "name-patterns = ['*WebSocket*Manager*']\n"})  # fmt: skip
    result = api.scan(root, config=load_config(root), jobs=1)
    (concept,) = result.concepts
    assert concept.canonical == "app.impl._Impl"
    (warning,) = concept.warnings
    assert warning == ("canonical 'app.guard.WebSocketManager' (it resolves to app.guard._Guard) is a factory guard (its "
                       "constructor always raises): using app.impl.WebSocketManager instead (returned by its factory "
                       "get_manager()); set canonical = \"app.impl.WebSocketManager\"")  # fmt: skip
    plan = api.plan(result)
    assert all("app.guard" not in step.after for step in plan.find_steps())  # nothing is aliased onto the guard
    assert main(["scan", str(root), "-q", "--exit-zero", "--select", "SSOT101"]) == 0
    assert f"ssot-audit: note: concept 'ws': {warning}" in capsys.readouterr().err


def test_a_configured_canonical_without_the_members_methods_is_a_warning(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**PROJECT, "app/empty.py": "class WebSocketManagerShell:\n    def describe(self):\n"
                                    "        return 1\n"})  # fmt: skip
    table = {"concepts": {"ws": {"canonical": "app.empty.WebSocketManagerShell", "bases": [],
                                 "name-patterns": ["*WebSocket*Manager*", "_Impl"]}}}  # fmt: skip
    (concept,) = api.load_project(root, parse_table(table), jobs=1).concepts.concepts
    assert concept.canonical.fullname == "app.impl._Impl"
    (warning,) = concept.warnings
    assert warning.startswith("canonical 'app.empty.WebSocketManagerShell' is a class with none of the public methods "
                              "of the classes its name patterns match: using app.impl.WebSocketManager instead")  # fmt: skip


def test_guard_construction_through_an_alias_is_an_error_in_production(tmp_path: Path) -> None:
    result = scan_project(write_project(tmp_path, PROJECT))
    (finding,) = [f for f in result.findings if f.code == "SSOT303"]
    assert (finding.location.path, finding.location.line, finding.severity.value) == ("app/use.py", 5, "error")
    assert finding.fix_hint == "call app.factory.get_manager(...) instead"


def test_concepts_command_text_json_and_a_toml_block_that_configures_the_same_concept(tmp_path: Path,
                                                                                     capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    root = write_project(tmp_path / "p", PROJECT)
    assert main(["concepts", str(root)]) == 0
    text = capsys.readouterr().out
    assert "canonical: app.impl.WebSocketManager (defined as app.impl._Impl)" in text
    assert re.search(r"^    guard +app\.guard\.WebSocketManager \(defined as app\.guard\._Guard\)", text, re.M)
    assert main(["concepts", str(root), "--format", "json"]) == 0
    (concept,) = json.loads(capsys.readouterr().out)
    assert {m["qualname"]: m["role"] for m in concept["members"]} == {
        "app.impl._Impl": "canonical", "app.legacy.LegacyWebSocketManager": "duplicate", "app.guard._Guard": "guard"}
    assert main(["concepts", str(root), "--format", "toml"]) == 0
    block = capsys.readouterr().out
    table = tomllib.loads("[tool.ssot-audit]\n" + block)["tool"]["ssot-audit"]
    (name, settings), = table["concepts"].items()
    assert settings["canonical"] == "app.impl.WebSocketManager" and settings["name-patterns"] == ["*WebSocket*Manager*"]
    (root / "pyproject.toml").write_text("[tool.ssot-audit]\n" + block, encoding="utf-8")
    configured = api.scan(root, config=load_config(root), jobs=1)
    (concept_again,) = configured.concepts
    assert (concept_again.name, concept_again.origin, concept_again.canonical) == (name, "configured", "app.impl._Impl")
    assert concept_again.warnings == ()


def test_sample_repo_zero_config_names_the_real_implementation_canonical() -> None:
    result = api.scan(SAMPLE, config=load_config(SAMPLE, isolated=True), jobs=1)
    ws = next(c for c in result.concepts if any(m.role == "guard" for m in c.members))
    assert ws.canonical == "app.websocket_core.websocket_manager._WebSocketManagerImplementation"
    canon = next(m for m in ws.members if m.role == "canonical")
    assert canon.public_name == "app.websocket_core.websocket_manager.WebSocketManager"
    plan = api.plan(result)
    assert next(p for p in plan.concepts if p.concept == ws.name).canonical == ws.canonical
    roles = {m.qualname: m.role for m in ws.members}
    assert roles["app.websocket_core.factory_guard._WebSocketManagerFactory"] == "guard"
    assert roles["backup.websocket_manager_old.WebSocketManager"] == "orphaned-copy"
    assert roles["app.services.realtime_facade.WebSocketManagerFacade"] == "facade"
    assert roles["test_framework.mocks.MockWebSocketManager"] == "test-double"
    assert roles["app.websocket_core.tracing.TracedWebSocketManager"] == "shim"


def test_sample_repo_configured_with_the_guard_warns_and_keeps_the_implementation(tmp_path: Path) -> None:
    config = load_config(SAMPLE)
    (ws,) = config.concepts
    guarded = parse_table({"concepts": {"websocket-manager": {
        "canonical": "app.websocket_core.factory_guard.WebSocketManager", "factories": list(ws.factories),
        "allowed-creators": list(ws.allowed_creators), "name-patterns": list(ws.name_patterns), "per-user": True}}})
    result = api.scan(SAMPLE, config=guarded, jobs=1)
    (concept,) = [c for c in result.concepts if c.name == "websocket-manager"]
    assert concept.canonical == "app.websocket_core.websocket_manager._WebSocketManagerImplementation"
    assert concept.warnings and "is a factory guard" in concept.warnings[0]
