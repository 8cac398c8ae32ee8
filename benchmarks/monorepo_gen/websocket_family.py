"""The rest of the WebSocket manager family: the copies, doubles, adapter and facade around the implementation.

A legacy implementation still named ``WebSocketManager`` (with an *async* ``get_websocket_manager`` namesake),
an analytics copy, an adapter and a facade that delegate, three test doubles under ``test_framework/``, and two
orphaned copies of the pre-refactor class that nothing imports.
"""

from __future__ import annotations

from .builder import Project
from .websocket import _HEAD, _IMPL_BODY, CONCEPT, FACTORY_MODULE, IMPL, LEGACY_MODULE, PKG, _m, _p, ambiguous

_FACTORY_VIA_FACADE = _p("divergent-import", "SSOT201", f"get_websocket_manager imported from the re-export in "
                         f"{PKG}.websocket_manager; canonical: {FACTORY_MODULE}", used_path=f"{PKG}.websocket_manager",
                         canonical_path=FACTORY_MODULE, imported=f"{FACTORY_MODULE}.get_websocket_manager",
                         fallback=False, name="get_websocket_manager")  # fmt: skip
_OLD_BODY = _IMPL_BODY.replace("Optional[Any] = None, *, _ssot_authorization_token: Optional[str] = None",
                               "Optional[Any] = None")  # fmt: skip


def plant_family(project: Project) -> None:
    """Write the ten other members' files (and their labels)."""
    _legacy(project)
    _analytics(project)
    _adapter_and_facade(project)
    _doubles(project)
    _fakes(project)
    _orphans(project)


def _legacy(project: Project) -> None:
    project.package("netra_backend/app/services")
    f = project.file("netra_backend/app/services/websocket_manager.py")
    f.add(_HEAD.format(doc="Legacy WebSocket manager (pre-SSOT). Still used by the v1 routes and the facade."))
    f.add('''
        class WebSocketManager:  ⟦c,amb,dup⟧
            """Keeps every user's sockets in one dict; predates the per-user manager."""

            def __init__(self) -> None:
                self.active: Dict[str, list[Any]] = {}

            async def connect(self, connection_id: str, websocket: Any) -> None:
                self.active.setdefault(connection_id, []).append(websocket)

            async def disconnect(self, connection_id: str) -> None:
                self.active.pop(connection_id, None)

            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
                sockets = self.active.get(user_id, [])
                for socket in sockets:
                    await socket.send_json(message)
                return len(sockets)

            async def broadcast(self, message: Dict[str, Any]) -> int:
                return sum([await self.send_to_user(user, message) for user in list(self.active)])

            def get_connection_count(self) -> int:
                return sum(len(v) for v in self.active.values())

            def get_stats(self) -> Dict[str, int]:
                return {"users": len(self.active)}


        _legacy_manager: Optional[WebSocketManager] = None


        async def get_websocket_manager() -> WebSocketManager:  ⟦df⟧
            """Legacy async accessor (awaiting this one is right)."""
            global _legacy_manager
            if _legacy_manager is None:
                _legacy_manager = WebSocketManager()  ⟦si⟧
            return _legacy_manager
    ''', {
        "c": _m("implementation", f"{LEGACY_MODULE}.WebSocketManager", "independent legacy implementation"),
        "amb": ambiguous(LEGACY_MODULE, "an independent legacy class"),
        "dup": _p("duplicate-implementation", "SSOT101", "second implementation of the WebSocket manager",
                  concept=CONCEPT),
        "df": _p("duplicate-factory", "SSOT104", "get_websocket_manager defined again, async here, sync in "
                 f"{FACTORY_MODULE}", symbol=f"{LEGACY_MODULE}.get_websocket_manager"),
        "si": _p("shared-instance", "SSOT302", "a process-wide (global) instance of a per-user manager",
                 symbol=f"{LEGACY_MODULE}.get_websocket_manager"),
    })  # fmt: skip


def _analytics(project: Project) -> None:
    project.package("analytics_service/analytics_core/websocket")
    f = project.file("analytics_service/analytics_core/websocket/stream_manager.py")
    f.add(_HEAD.format(doc="Live analytics stream to dashboards (copied from netra_backend in 2023)."))
    name = "AnalyticsWebSocketManager"
    f.add(f"class {name}:  ⟦c,dup⟧\n", {
        "c": _m("implementation", f"analytics_service.analytics_core.websocket.stream_manager.{name}",
                "copy of the implementation in another service"),
        "dup": _p("duplicate-implementation", "SSOT101", "copy of the WebSocket manager in analytics_service",
                  concept=CONCEPT),
    })  # fmt: skip
    f.add('    """Dashboard sockets of one tenant."""\n', dedent=False)
    f.add(_OLD_BODY.replace("    async def emit_critical_event", "    async def push_metric"), dedent=False)


def _adapter_and_facade(project: Project) -> None:
    f = project.file("netra_backend/app/services/agent_websocket_bridge.py")
    f.add(_HEAD.format(doc="Bridge between agents and the WebSocket layer."))
    f.add('''
        from netra_backend.app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager  ⟦dv⟧


        class WebSocketManagerAdapter:  ⟦c⟧
            """Adapts the manager to the agent event API (agent_started, tool_executing...)."""

            def __init__(self, manager: Optional[WebSocketManager] = None, user_context: Any = None) -> None:
                self._manager = manager or get_websocket_manager(user_context)

            async def notify_agent_started(self, run_id: str, agent_name: str) -> None:
                await self._manager.emit_critical_event("agent_started", {"run_id": run_id, "agent": agent_name})

            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
                return await self._manager.send_to_user(user_id, message)

            def get_connection_count(self) -> int:
                return self._manager.get_connection_count()
    ''', {"c": _m("adapter", "netra_backend.app.services.agent_websocket_bridge.WebSocketManagerAdapter",
                  "wraps one manager and translates agent events"), "dv": _FACTORY_VIA_FACADE})  # fmt: skip
    f = project.file("netra_backend/app/services/websocket_facade.py")
    f.add(_HEAD.format(doc="One object for routes that still talk to both the new and the legacy manager."))
    f.add('''
        from netra_backend.app.services import websocket_manager as legacy
        from netra_backend.app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager  ⟦dv⟧


        class WebSocketServiceFacade:  ⟦c⟧
            """Holds the per-user manager and the legacy one; sends through both during the migration."""

            def __init__(self, user_context: Any = None) -> None:
                self._primary: WebSocketManager = get_websocket_manager(user_context)
                self._legacy = legacy.WebSocketManager()  ⟦di⟧

            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
                sent = await self._primary.send_to_user(user_id, message)
                return sent + await self._legacy.send_to_user(user_id, message)

            def get_connection_count(self) -> int:
                return self._primary.get_connection_count() + self._legacy.get_connection_count()
    ''', {
        "c": _m("facade", "netra_backend.app.services.websocket_facade.WebSocketServiceFacade",
                "holds and delegates to two managers: a consumer, not a copy"),
        "dv": _FACTORY_VIA_FACADE,
        "di": _p("direct-instantiation", "SSOT301", "legacy manager constructed directly, outside any factory",
                 symbol="netra_backend.app.services.websocket_facade.WebSocketServiceFacade.__init__"),
    })  # fmt: skip


def _doubles(project: Project) -> None:
    """The mock manager: test doubles live in test_framework/ (not a tests/ directory: ssot-audit sees it as code)."""
    project.package("test_framework/mocks")
    f = project.file("test_framework/mocks/websocket_mocks.py")
    f.add('''
        """Mocks of the WebSocket layer shared by every service's tests."""
        from typing import Any, Dict, List
        from unittest.mock import AsyncMock


        class MockWebSocket:
            """A socket that records what was sent."""

            def __init__(self) -> None:
                self.sent: List[Dict[str, Any]] = []

            async def send_json(self, message: Dict[str, Any]) -> None:
                self.sent.append(message)


        class MockWebSocketManager:  ⟦c⟧
            """Records events instead of sending them."""

            def __init__(self, user_context: Any = None) -> None:
                self.events: List[Dict[str, Any]] = []
                self.connect = AsyncMock()
                self.disconnect = AsyncMock()

            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
                self.events.append(message)
                return 1

            async def emit_critical_event(self, event_type: str, data: Dict[str, Any]) -> None:
                self.events.append({"type": event_type, "data": data})

            def get_connection_count(self) -> int:
                return 1
    ''', {"c": _m("test double", "test_framework.mocks.websocket_mocks.MockWebSocketManager", "mock for tests")})


def _fakes(project: Project) -> None:
    """The in-memory fake and the SSOT subclass double."""
    project.package("test_framework/fixtures")
    f = project.file("test_framework/fixtures/websocket_fixtures.py")
    f.add('''
        """Fixtures: a fake manager that keeps connections in memory."""
        from typing import Any, Dict


        class FakeWebSocketConnectionManager:  ⟦c⟧
            def __init__(self) -> None:
                self.connections: Dict[str, Any] = {}

            async def connect(self, connection_id: str, websocket: Any) -> None:
                self.connections[connection_id] = websocket

            async def disconnect(self, connection_id: str) -> None:
                self.connections.pop(connection_id, None)

            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
                return len(self.connections)

            def get_connection_count(self) -> int:
                return len(self.connections)
    ''', {"c": _m("test double", "test_framework.fixtures.websocket_fixtures.FakeWebSocketConnectionManager",
                  "in-memory fake for tests")})  # fmt: skip
    project.package("test_framework/ssot")
    f = project.file("test_framework/ssot/websocket.py")
    f.add(f'''
        """SSOT test manager: the real implementation with sending captured."""
        from typing import Any, Dict

        from {PKG}.unified_manager import _UnifiedWebSocketManagerImplementation  ⟦dv⟧


        class SSotMockWebSocketManager(_UnifiedWebSocketManagerImplementation):  ⟦c⟧
            def __init__(self, user_context: Any = None) -> None:
                super().__init__(user_context, _ssot_authorization_token="test")
                self.captured: list[Dict[str, Any]] = []

            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
                self.captured.append(message)
                return 1
    ''', {"c": _m("test double", "test_framework.ssot.websocket.SSotMockWebSocketManager",
                  "subclass of the implementation that captures messages"),
          "dv": _p("divergent-import", "SSOT201", "the private implementation imported from its defining module "
                   f"outside websocket_core; canonical: {PKG}.websocket_manager.WebSocketManager",
                   used_path=f"{PKG}.unified_manager", canonical_path=f"{PKG}.websocket_manager", imported=IMPL,
                   fallback=False, name="_UnifiedWebSocketManagerImplementation")})  # fmt: skip


def _orphans(project: Project) -> None:
    """Copies of the pre-refactor class: a ``*_backup.py`` beside the module and one under ``backup/``."""
    for path in ("netra_backend/app/websocket_core/unified_manager_backup.py",
                 "backup/netra_backend/app/websocket_core/unified_manager.py"):  # fmt: skip
        f = project.file(path)
        f.add(_HEAD.format(doc="BACKUP before the SSOT refactor. Do not import."))
        f.add("class UnifiedWebSocketManager:  ⟦c⟧\n", {"c": _m(
            "orphaned copy", f"{f.module}.UnifiedWebSocketManager", "copy of the old module that nothing imports")})
        f.add('    """Per-user WebSocket connections, events and stats."""\n', dedent=False)
        f.add(_OLD_BODY, dedent=False)
