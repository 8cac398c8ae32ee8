"""The WebSocket manager: eleven classes that each implement "the" manager, and everything around them.

One private implementation exported under four public aliases, a logging subclass shim, an adapter, a guard whose
``__init__`` always raises (exported as ``WebSocketManager`` too), a legacy implementation and an analytics one,
three test doubles under ``test_framework/``, two orphaned copies (``backup/`` and ``*_backup.py``), a facade that
delegates to two managers, a Protocol, and a sync factory ``get_websocket_manager`` with an async namesake.
"""

from __future__ import annotations

from .builder import Project

CONCEPT = "websocket-manager"
CORE = "netra_backend/app/websocket_core"
PKG = "netra_backend.app.websocket_core"
IMPL = f"{PKG}.unified_manager._UnifiedWebSocketManagerImplementation"
FACTORY_MODULE = f"{PKG}.websocket_manager_factory"
FACTORY = f"{FACTORY_MODULE}.get_websocket_manager"
LEGACY_MODULE = "netra_backend.app.services.websocket_manager"
# Public methods of the canonical implementation: (name, is async, argument list at call sites).
METHODS = (("connect", True, '"conn-1", websocket'), ("disconnect", True, '"conn-1"'),
           ("send_to_user", True, 'user_id, {"type": "agent_started"}'), ("broadcast", True, '{"type": "ping"}'),
           ("emit_critical_event", True, '"agent_completed", {"run_id": run_id}'),
           ("get_connection_count", False, ""), ("is_connected", False, "user_id"), ("get_stats", False, ""),
           ("get_status", False, ""), ("initialize", True, ""), ("close", True, ""))  # fmt: skip


def _m(role: str, symbol: str, what: str, concept: str | None = CONCEPT) -> dict[str, object]:
    return {"role": role, "symbol": symbol, "what": what, "concept": concept}


def _p(kind: str, rule: str | None, what: str, **extra: object) -> dict[str, object]:
    return {"kind": kind, "rule": rule, "what": what, **extra}


IN_PACKAGE = _p("decoy", None, "inside websocket_core, importing the implementation from its defining module is "
                "right: websocket_manager (the public path) imports this module", decoy_of="divergent-import")
ALIAS = _p("concept-alias", "SSOT102", "another public name for the one implementation")
_IMPL_BODY = '''
    def __init__(self, user_context: Optional[Any] = None, *, _ssot_authorization_token: Optional[str] = None) -> None:
        self.user_context = user_context
        self._token = _ssot_authorization_token
        self._connections: Dict[str, Any] = {}
        self._stats = {"sent": 0, "dropped": 0}

    async def connect(self, connection_id: str, websocket: Any) -> None:
        self._connections[connection_id] = websocket
        logger.debug("connected %s", connection_id)

    async def disconnect(self, connection_id: str) -> None:
        self._connections.pop(connection_id, None)

    async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int:
        sent = 0
        for websocket in list(self._connections.values()):
            await websocket.send_json(message)
            sent += 1
        self._stats["sent"] += sent
        return sent

    async def broadcast(self, message: Dict[str, Any]) -> int:
        return await self.send_to_user("*", message)

    async def emit_critical_event(self, event_type: str, data: Dict[str, Any]) -> None:
        await self.send_to_user(getattr(self.user_context, "user_id", "*"), {"type": event_type, "data": data})

    def get_connection_count(self) -> int:
        return len(self._connections)

    def is_connected(self, user_id: str) -> bool:
        return bool(self._connections)

    def get_stats(self) -> Dict[str, int]:
        return dict(self._stats)

    def get_status(self) -> str:
        return "active" if self._connections else "idle"

    async def initialize(self) -> None:
        logger.info("websocket manager ready for %s", self.user_context)

    async def close(self) -> None:
        for connection_id in list(self._connections):
            await self.disconnect(connection_id)
'''
_HEAD = '''"""{doc}"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional

logger = logging.getLogger(__name__)

'''


def plant_core(project: Project) -> None:
    """The websocket_core package: implementation, alias modules, guard and factory, shim, protocol."""
    project.package(CORE)
    _implementation(project)
    _aliases(project)
    _factory(project)
    _shim_protocol_init(project)


def _implementation(project: Project) -> None:
    f = project.file(f"{CORE}/unified_manager.py")
    f.add(_HEAD.format(doc="SSOT WebSocket manager implementation (private; import it through websocket_manager)."))
    f.add("class _UnifiedWebSocketManagerImplementation:  ⟦c⟧\n", {"c": _m(
        "implementation", IMPL, "the real implementation (canonical); public names are aliases elsewhere")})
    f.add('    """Per-user WebSocket connections, events and stats."""\n', dedent=False)
    f.add(_IMPL_BODY, dedent=False)
    f.add("\n\n# UnifiedWebSocketManager used to be defined here; the 2024 refactor moved the public names to\n"
          "# websocket_manager.py (see the migration guide).\n")  # fmt: skip


def _aliases(project: Project) -> None:
    """The public names: three aliases in websocket_manager, a fourth (``as``) in connection_manager."""
    f = project.file(f"{CORE}/websocket_manager.py")
    f.add('''
        """Public entry point: the SSOT names of the WebSocket manager."""
        from netra_backend.app.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation
        from netra_backend.app.websocket_core.websocket_manager_factory import get_websocket_manager

        UnifiedWebSocketManager = _UnifiedWebSocketManagerImplementation  ⟦a1,al⟧
        WebSocketConnectionManager = _UnifiedWebSocketManagerImplementation  ⟦a2,al⟧
        WebSocketManager = _UnifiedWebSocketManagerImplementation  ⟦a3,al,amb⟧

        __all__ = ["UnifiedWebSocketManager", "WebSocketConnectionManager", "WebSocketManager", "get_websocket_manager"]
    ''', {
        "a1": _m("alias", f"{PKG}.websocket_manager.UnifiedWebSocketManager", "public alias of the implementation"),
        "a2": _m("alias", f"{PKG}.websocket_manager.WebSocketConnectionManager",
                 "public alias of the implementation"),
        "a3": _m("alias", f"{PKG}.websocket_manager.WebSocketManager",
                 "public alias of the implementation (the canonical import name)"),
        "amb": ambiguous(f"{PKG}.websocket_manager", "an alias of the implementation"), "al": ALIAS,
    })  # fmt: skip

    f = project.file(f"{CORE}/connection_manager.py")
    f.add('''
        """Backward-compatible name used by the agents package."""
        from .unified_manager import _UnifiedWebSocketManagerImplementation as ConnectionManager  ⟦a4,al⟧

        __all__ = ["ConnectionManager"]
    ''', {"a4": _m("alias", f"{PKG}.connection_manager.ConnectionManager", "fourth public alias (import ... as)"),
          "al": ALIAS})


def _factory(project: Project) -> None:
    """The factory module: the guard (exported as WebSocketManager) and the sync factory."""
    f = project.file(f"{CORE}/websocket_manager_factory.py")
    f.add(_HEAD.format(doc="The one way to get a WebSocket manager: get_websocket_manager()."))
    f.add('''
        from netra_backend.app.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation  ⟦in⟧

        _AUTH_TOKEN = "ssot-factory"


        class _WebSocketManagerFactory:  ⟦g⟧
            """Guard: constructing the manager directly is forbidden."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                raise RuntimeError("Direct WebSocketManager instantiation is not allowed; use get_websocket_manager()")


        WebSocketManager = _WebSocketManagerFactory  ⟦ga,al,amb⟧


        def get_websocket_manager(user_context: Optional[Any] = None) -> _UnifiedWebSocketManagerImplementation:  ⟦f⟧
            """Return the manager of this user context (synchronous: do not await it)."""
            logger.debug("creating websocket manager for %s", user_context)
            return _UnifiedWebSocketManagerImplementation(user_context=user_context, _ssot_authorization_token=_AUTH_TOKEN)


        async def create_websocket_manager(user_context: Optional[Any] = None) -> _UnifiedWebSocketManagerImplementation:
            """Async variant: returns an initialised manager (await it)."""
            manager = get_websocket_manager(user_context)
            await manager.initialize()
            return manager
    ''', {
        "g": _m("guard", f"{FACTORY_MODULE}._WebSocketManagerFactory", "__init__ always raises RuntimeError"),
        "ga": _m("alias", f"{FACTORY_MODULE}.WebSocketManager", "the guard exported as WebSocketManager"),
        "f": _m("factory", FACTORY, "the sync factory (awaited at many sites)"),
        "amb": ambiguous(FACTORY_MODULE, "the guard, whose __init__ always raises"),
        "al": _p("concept-alias", "SSOT102", "the guard under the public name WebSocketManager"), "in": IN_PACKAGE,
    })  # fmt: skip


def _shim_protocol_init(project: Project) -> None:
    """The logging subclass shim, the Protocol and the package __init__ re-exports."""
    f = project.file(f"{CORE}/isolated_manager.py")
    f.add(_HEAD.format(doc="Per-request isolation (kept for the v2 API; behaves as the unified manager)."))
    f.add('''
        from netra_backend.app.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation  ⟦in⟧


        class IsolatedWebSocketManager(_UnifiedWebSocketManagerImplementation):  ⟦s,sp⟧
            """Compatibility subclass: logs, then does exactly what the parent does."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                logger.info("IsolatedWebSocketManager is deprecated; use get_websocket_manager()")
                super().__init__(*args, **kwargs)
    ''', {"s": _m("shim", f"{PKG}.isolated_manager.IsolatedWebSocketManager",
                  "subclass whose __init__ logs before super().__init__()"),
          "sp": _p("shim-subclass", "SSOT103", "a subclass that only logs, then calls super().__init__()"),
          "in": IN_PACKAGE})

    f = project.file(f"{CORE}/protocols.py")
    f.add('''
        """Structural type of a WebSocket manager (for type hints only)."""
        from typing import Any, Dict, Protocol


        class WebSocketManagerProtocol(Protocol):  ⟦i⟧
            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> int: ...

            async def emit_critical_event(self, event_type: str, data: Dict[str, Any]) -> None: ...

            def get_connection_count(self) -> int: ...
    ''', {"i": _m("interface", f"{PKG}.protocols.WebSocketManagerProtocol", "Protocol of the manager: not a copy")})
    f = project.file(f"{CORE}/__init__.py")
    f.add('''
        """WebSocket core: re-exports for convenience (importers should use websocket_manager)."""
        from netra_backend.app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager
        from netra_backend.app.websocket_core.protocols import WebSocketManagerProtocol

        __all__ = ["WebSocketManager", "WebSocketManagerProtocol", "get_websocket_manager"]
    ''')


def ambiguous(module: str, meaning: str) -> dict[str, object]:
    """The label of a binding of ``WebSocketManager`` (three different classes, by module)."""
    return _p("ambiguous-name", "SSOT204", f"WebSocketManager in {module} is {meaning}; other modules bind the name "
              "to other classes", name="WebSocketManager", symbol=f"{module}.WebSocketManager")
