"""Sites that use the WebSocket manager, right and wrong: the bulk of the planted findings.

A usage file imports the factory and the manager through one of the paths real code uses (canonical, package
re-export, the facade module, ``as`` aliases, a module alias, try/except ImportError, function-local, relative,
importlib) and holds functions (or test methods) that await the sync factory, await its sync methods, drop
coroutines, construct the classes directly or the guard, or import a name a refactor removed. Every planted line
carries a label; the correct uses around them (awaiting the async variant, calling the factory plainly) carry none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .builder import SourceBuilder
from .websocket import FACTORY, FACTORY_MODULE, IMPL, LEGACY_MODULE, PKG, _p

WSM = f"{PKG}.websocket_manager"
# How the factory is imported: (style, import lines (``{local}`` for function-local), callee expression,
# path used when it is not the canonical one).
FACTORY_IMPORTS: tuple[tuple[str, tuple[str, ...], str, str | None], ...] = (
    ("canonical", (f"from {FACTORY_MODULE} import get_websocket_manager",), "get_websocket_manager", None),
    ("canonical", (f"from {FACTORY_MODULE} import get_websocket_manager",), "get_websocket_manager", None),
    ("package", (f"from {PKG} import get_websocket_manager  ⟦div⟧",), "get_websocket_manager", PKG),
    ("facade-module", (f"from {WSM} import get_websocket_manager  ⟦div⟧",), "get_websocket_manager", WSM),
    ("alias", (f"from {FACTORY_MODULE} import get_websocket_manager as get_ws_manager",), "get_ws_manager", None),
    ("module-alias", (f"from {PKG} import websocket_manager_factory as ws_factory",),
     "ws_factory.get_websocket_manager", None),
    ("try-except", ("try:", f"    from {FACTORY_MODULE} import get_websocket_manager",
                    "except ImportError:  # older deployments", f"    from {PKG} import get_websocket_manager  ⟦div⟧"),
     "get_websocket_manager", PKG),
    ("function-local", (), "get_websocket_manager", None),
)  # fmt: skip
# How the manager class is imported: (import line, local name, path used when not canonical, removed by refactor).
CLASS_IMPORTS: tuple[tuple[str, str, str | None, bool], ...] = (
    (f"from {WSM} import WebSocketManager", "WebSocketManager", None, False),
    (f"from {WSM} import WebSocketManager", "WebSocketManager", None, False),
    (f"from {WSM} import UnifiedWebSocketManager", "UnifiedWebSocketManager", None, False),
    (f"from {PKG} import WebSocketManager  ⟦cdiv⟧", "WebSocketManager", PKG, False),
    (f"from {PKG}.unified_manager import _UnifiedWebSocketManagerImplementation  ⟦cdiv⟧",
     "_UnifiedWebSocketManagerImplementation", f"{PKG}.unified_manager", False),
    (f"from {PKG}.connection_manager import ConnectionManager  ⟦cdiv⟧", "ConnectionManager",
     f"{PKG}.connection_manager", False),
    (f"from {PKG}.unified_manager import UnifiedWebSocketManager  ⟦broken⟧", "UnifiedWebSocketManager", None, True),
)  # fmt: skip


@dataclass
class Rates:
    """How often a usage function plants each problem (per function)."""

    await_factory: float = 0.55
    await_method: float = 0.2
    unawaited: float = 0.05
    direct: float = 0.12
    guard: float = 0.02
    broken: float = 0.08


@dataclass
class UsageFile:
    """What one usage file imports and plants, gathered before the text is written."""

    builder: SourceBuilder
    factory_style: tuple[str, tuple[str, ...], str, str | None]
    class_import: tuple[str, str, str | None, bool] | None
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    functions: list[str] = field(default_factory=list)
    needs_legacy: bool = False
    needs_async_factory: bool = False
    needs_importlib: bool = False
    count: int = 0

    def label(self, spec: dict[str, Any]) -> str:
        """Register ``spec`` under a fresh key; returns the ``  ⟦key⟧`` mark to put at the end of the line."""
        self.count += 1
        key = f"k{self.count}"
        self.labels[key] = spec
        return f"  ⟦{key}⟧"


def choose_imports(rng: random.Random, builder: SourceBuilder, rates: Rates) -> UsageFile:
    """Pick how this file imports the factory and (maybe) the manager class."""
    style = FACTORY_IMPORTS[rng.randrange(len(FACTORY_IMPORTS))]
    cls = None
    if rng.random() < 0.6:
        pool = [c for c in CLASS_IMPORTS if not c[3]] if rng.random() >= rates.broken else \
            [c for c in CLASS_IMPORTS if c[3]]  # fmt: skip
        cls = pool[rng.randrange(len(pool))]
    return UsageFile(builder, style, cls)


def await_factory_lines(rng: random.Random, use: UsageFile, indent: str, symbol: str, ctx: str) -> list[str]:
    """``manager = await get_websocket_manager(ctx)`` in one of its shapes (always labelled SSOT401)."""
    style, _, callee, _ = use.factory_style
    out: list[str] = []
    if style == "function-local":
        out.append(f"{indent}from {FACTORY_MODULE} import get_websocket_manager")
    spec = _p("await-on-sync", "SSOT401", f"await on the sync factory get_websocket_manager() ({style} import)",
              symbol=symbol, callee=FACTORY, via=style)  # fmt: skip
    shape = rng.random()
    if shape < 0.6:
        out.append(f"{indent}manager = await {callee}({ctx}){use.label(spec)}")
    elif shape < 0.8:
        out.append(f"{indent}manager = (")
        out.append(f"{indent}    await {callee}({ctx}){use.label(spec)}")
        out.append(f"{indent})")
    else:
        out.append(f"{indent}manager = await {callee}(user_context={ctx}){use.label(spec)}")
    return out


def importlib_lines(use: UsageFile, indent: str, symbol: str, ctx: str) -> list[str]:
    """The factory reached through importlib: a dynamic import no static resolver is required to follow."""
    use.needs_importlib = True
    spec = _p("await-on-sync", "SSOT401", "await on the sync factory reached through importlib.import_module",
              symbol=symbol, callee=FACTORY, via="importlib", dynamic=True)  # fmt: skip
    return [f'{indent}factory = importlib.import_module("{FACTORY_MODULE}")',
            f"{indent}manager = await factory.get_websocket_manager({ctx}){use.label(spec)}"]


def plain_factory_lines(use: UsageFile, indent: str, ctx: str) -> list[str]:
    """The right way: call the sync factory without ``await``."""
    style, _, callee, _ = use.factory_style
    local = [f"{indent}from {FACTORY_MODULE} import get_websocket_manager"] if style == "function-local" else []
    return local + [f"{indent}manager = {callee}({ctx})"]


def method_lines(rng: random.Random, use: UsageFile, indent: str, symbol: str, rates: Rates,
                 after_await: bool) -> list[str]:  # fmt: skip
    """Calls on ``manager``: async methods awaited, sync ones called, and sometimes a planted misuse.

    ``after_await``: ``manager`` came from awaiting the sync factory (labelled so: the receiver's value is what
    an invalid ``await`` gives, which a static tool cannot type)."""
    chain = {"after_await": True} if after_await else {}
    out = [f'{indent}await manager.send_to_user(user_id, {{"type": "agent_thinking"}})']
    if rng.random() < rates.await_method:
        method = rng.choice(("get_connection_count", "get_stats", "get_status", "is_connected"))
        args = "user_id" if method == "is_connected" else ""
        spec = _p("await-on-sync", "SSOT401", f"await on the sync method {method}() of the manager",
                  symbol=symbol, callee=f"{IMPL}.{method}", via="method", **chain)  # fmt: skip
        out.append(f"{indent}status = await manager.{method}({args}){use.label(spec)}")
    else:
        out.append(f"{indent}status = manager.get_connection_count()")
    if rng.random() < rates.unawaited:
        spec = _p("unawaited-coroutine", "SSOT402", "emit_critical_event() called without await: the event is "
                  "never sent", symbol=symbol, callee=f"{IMPL}.emit_critical_event", **chain)  # fmt: skip
        out.append(f'{indent}manager.emit_critical_event("agent_completed", {{"status": status}}){use.label(spec)}')
    else:
        out.append(f'{indent}await manager.emit_critical_event("agent_completed", {{"status": status}})')
    return out


def construction_lines(rng: random.Random, use: UsageFile, indent: str, symbol: str, rates: Rates) -> list[str]:
    """Direct constructions of the manager class (bypassing the factory), of the guard, or none."""
    out: list[str] = []
    if use.class_import is not None and rng.random() < rates.direct + (1.0 if use.class_import[3] else 0.0):
        _, name, _, removed = use.class_import
        if removed:
            what = f"{name} no longer exists in {PKG}.unified_manager (moved by a refactor): ImportError on import"
            out.append(f"{indent}# constructed directly since the factory refactor")
            kind, rule = "direct-instantiation", "SSOT301"
            spec = _p(kind, rule, f"{name}() constructed directly (and its import is broken: {what})",
                      symbol=symbol, cls=name)  # fmt: skip
        else:
            spec = _p("direct-instantiation", "SSOT301", f"{name}() constructed directly, bypassing "
                      "get_websocket_manager()", symbol=symbol, cls=name)  # fmt: skip
        out.append(f"{indent}direct = {name}(user_context=None){use.label(spec)}")
        out.append(f"{indent}assert direct.get_connection_count() == 0")
    elif rng.random() < rates.guard:
        spec = _p("guard-instantiation", "SSOT301", "WebSocketManager() from the factory module is the guard: its "
                  "__init__ raises RuntimeError", symbol=symbol, cls=f"{FACTORY_MODULE}.WebSocketManager")
        out.append(f"{indent}from {FACTORY_MODULE} import WebSocketManager as GuardedManager")
        out.append(f"{indent}guarded = GuardedManager(){use.label(spec)}")
    return out


def legacy_lines(use: UsageFile, indent: str) -> list[str]:
    """Awaiting the legacy *async* ``get_websocket_manager``: right, and a decoy for name-based checks."""
    use.needs_legacy = True
    return [f"{indent}legacy = await legacy_ws.get_websocket_manager()", f"{indent}await legacy.broadcast({{}})"]


def import_block(use: UsageFile) -> list[str]:
    """The file's import lines for what its functions used, with their labels' marks."""
    style, lines, _, used = use.factory_style
    out = ["import asyncio"] + (["import importlib"] if use.needs_importlib else [])
    if use.needs_legacy:
        out.append(f"from {LEGACY_MODULE.rsplit('.', 1)[0]} import websocket_manager as legacy_ws")
    for line in lines:
        if "⟦div⟧" in line:
            spec = _p("divergent-import", "SSOT201", f"get_websocket_manager imported from {used}; canonical: "
                      f"{FACTORY_MODULE}", used_path=used, canonical_path=FACTORY_MODULE, imported=FACTORY,
                      name="get_websocket_manager",
                      fallback=style == "try-except")  # fmt: skip
            line = line.replace("  ⟦div⟧", use.label(spec))
        out.append(line)
    if use.class_import is not None:
        line, name, used_cls, removed = use.class_import
        if removed:
            spec = _p("broken-import", "SSOT203", f"{name} is imported from {PKG}.unified_manager, which no longer "
                      "defines it (moved to websocket_manager by a refactor)", imported=f"{PKG}.unified_manager."
                      f"{name}", exists_in=f"{WSM}.{name}", name=name, used_path=f"{PKG}.unified_manager")  # fmt: skip
            line = line.replace("  ⟦broken⟧", use.label(spec))
        elif used_cls is not None:
            spec = _p("divergent-import", "SSOT201", f"{name} (the manager implementation) imported from {used_cls}"
                      f"; canonical: {WSM}.WebSocketManager", used_path=used_cls, canonical_path=WSM, imported=IMPL,
                      fallback=False, name=name)  # fmt: skip
            line = line.replace("  ⟦cdiv⟧", use.label(spec))
        out.append(line)
    if use.needs_async_factory:
        out.append(f"from {FACTORY_MODULE} import create_websocket_manager")
    return out
