"""SSOT101 duplicate-concept-implementation: configured and discovered clusters, and the lookalikes they exclude."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT101"

MANAGER_METHODS = """
    async def connect(self, user_id, ws):
        return None

    async def disconnect(self, user_id):
        return None

    async def send_to_user(self, user_id, message):
        return None
"""


def manager(name: str, extra: str = "") -> str:
    return f"class {name}:{MANAGER_METHODS}{extra}"


def test_discovered_cluster_reported_once_on_the_most_imported_class(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/manager.py": manager("WebSocketManager"),
        "app/ws/unified.py": manager("UnifiedWebSocketManager"),
        "app/ws/conn.py": manager("WebSocketConnectionManager"),
        "app/a.py": "from app.ws.unified import UnifiedWebSocketManager\n",
        "app/b.py": "from app.ws.unified import UnifiedWebSocketManager\n",
        "app/c.py": "from app.ws.manager import WebSocketManager\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/ws/unified.py", 1)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert sorted(r.location.path for r in finding.related) == ["app/ws/conn.py", "app/ws/manager.py"]
    assert finding.facts["canonical"] == "app.ws.unified.UnifiedWebSocketManager"


def test_same_stem_without_shared_methods_is_not_a_cluster(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": manager("WebSocketManager"),
        "app/other.py": """
            class WebSocketSessionManager:
                def open(self):
                    return None

                def close(self):
                    return None
        """,
        "app/users.py": manager("UserManager"),
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_lookalikes_are_never_implementations(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": manager("WebSocketManager"),
        "app/proto.py": "from typing import Protocol\n\n" + manager("WebSocketManagerProtocol(Protocol)").replace(
            "class WebSocketManagerProtocol(Protocol)", "class BaseWebSocketManager(Protocol)"
        ),
        "app/record.py": "from dataclasses import dataclass\n\n@dataclass\n" + manager("WebSocketManagerState"),
        "app/errors.py": "class WebSocketManagerError(Exception):\n    pass\n",
        "tests/test_fake.py": manager("FakeWebSocketManager"),
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == set()


def test_configured_name_pattern_narrows_it_never_adds_a_class_that_plays_another_role(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": manager("WebSocketManager"),
        "app/legacy.py": manager("OldSocketHub"),
        "app/dashboard.py": """
            class DashboardSocketHub:
                def render_panel(self, panel): ...
                def connect(self, user_id, ws): ...
        """,
        "app/unrelated.py": "class Hub:\n    def connect(self):\n        return None\n",
    })  # fmt: skip
    table = {"concepts": {"ws": {"canonical": "app.manager.WebSocketManager", "name-patterns": ["*SocketHub"]}}}
    result = scan_project(tmp_path, table)
    assert triples(result, CODE) == {(CODE, "app/manager.py", 1)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.facts["members"] == ["app.manager.WebSocketManager", "app.legacy.OldSocketHub"]
    ((rejected, why),) = [(r["class"], r["why"]) for r in finding.facts["rejected"]]
    assert rejected == "app.dashboard.DashboardSocketHub"
    assert "its name DashboardSocketHub matches *SocketHub" in why and "shares 1 public methods" in why


def test_configured_concept_alone_is_not_reported(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/manager.py": manager("WebSocketManager")})
    table = {"concepts": {"ws": {"canonical": "app.manager.WebSocketManager", "name-patterns": ["*Hub"]}}}
    assert triples(scan_project(tmp_path, table), CODE) == set()
