"""The other duplicated concepts (session stores, ClickHouse clients, config managers, Redis managers), the
interface families that are *not* duplicates (an ABC with its implementations), and unrelated look-alikes that
share generic method names (``initialize``, ``close``, ``get_status``, ``start``, ``stop``, ``health_check``)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .builder import Project, module_of
from .websocket import _p

_HEAD = '"""{doc}"""\nimport logging\nfrom typing import Any, Dict, Optional\n\nlogger = logging.getLogger(__name__)\n\n'


@dataclass(frozen=True)
class Duplicate:
    """A concept implemented several times: (path, class name) per copy, the first canonical; its methods."""

    name: str
    copies: tuple[tuple[str, str], ...]
    methods: tuple[tuple[str, bool], ...]  # (name, async)
    factory: str  # sync factory defined next to the canonical copy

    @property
    def canonical_module(self) -> str:
        """The module of the canonical copy (and of the factory)."""
        return module_of(self.copies[0][0])


DUPLICATES = (
    Duplicate("session-store", (
        ("netra_backend/app/services/session_store.py", "SessionStore"),
        ("auth_service/auth_core/session/redis_session_store.py", "RedisSessionStore"),
        ("shared/session/memory_session_store.py", "InMemorySessionStore"),
    ), (("get_session", True), ("create_session", True), ("delete_session", True), ("touch", False),
        ("cleanup_expired", True), ("count", False)), "get_session_store"),
    Duplicate("clickhouse-client", (
        ("netra_backend/app/db/clickhouse.py", "ClickHouseClient"),
        ("netra_backend/app/clickhouse/service.py", "ClickHouseService"),
        ("analytics_service/analytics_core/database/clickhouse_client.py", "AnalyticsClickHouseClient"),
    ), (("execute", True), ("insert_rows", True), ("fetch_one", True), ("ping", True), ("table_exists", False),
        ("close", True)), "get_clickhouse_client"),
    Duplicate("config-manager", (
        ("netra_backend/app/core/configuration/base.py", "UnifiedConfigManager"),
        ("shared/config/config_manager.py", "ConfigManager"),
        ("auth_service/auth_core/config.py", "AuthConfigManager"),
    ), (("get", False), ("get_int", False), ("reload", False), ("validate", False), ("as_dict", False)),
        "get_config_manager"),
    Duplicate("redis-manager", (
        ("netra_backend/app/redis_manager.py", "RedisManager"),
        ("auth_service/auth_core/redis_manager.py", "AuthRedisManager"),
        ("shared/redis/redis_manager.py", "SharedRedisManager"),
    ), (("connect", True), ("get", True), ("set", True), ("delete", True), ("ping", True), ("disconnect", True)),
        "get_redis_manager"),
)  # fmt: skip


def _method(name: str, is_async: bool, rng: random.Random) -> list[str]:
    kw = "async def" if is_async else "def"
    body = rng.choice(("return self._data.get(key)", "self._data.pop(key, None)\n        return None",
                       "logger.debug('%s %s', key, value)\n        return value", "return bool(self._data)"))
    return ["", f"    {kw} {name}(self, key: Any = None, value: Any = None) -> Any:", f"        {body}"]


def plant_duplicates(project: Project, rng: random.Random) -> None:
    """Write every copy of every duplicated concept, the canonical one with its sync factory."""
    for concept in DUPLICATES:
        for i, (path, cls) in enumerate(concept.copies):
            project.package(path.rsplit("/", 1)[0])
            f = project.file(path)
            f.add(_HEAD.format(doc=f"{cls}: {concept.name.replace('-', ' ')}."))
            role = "implementation"
            labels: dict[str, dict[str, object]] = {"c": {"role": role, "concept": concept.name, "symbol": f"{f.module}.{cls}",
                            "what": "canonical copy" if i == 0 else "independent copy of the same concept"}}
            mark = "⟦c⟧"
            if i:
                labels["d"] = _p("duplicate-implementation", "SSOT101", f"{cls} duplicates {concept.copies[0][1]}",
                                 concept=concept.name)  # fmt: skip
                mark = "⟦c,d⟧"
            f.add(f"class {cls}:  {mark}\n", labels)
            lines = [f'    """{concept.name.replace("-", " ").capitalize()} ({"canonical" if i == 0 else "copy"})."""',
                     "", "    def __init__(self, url: Optional[str] = None) -> None:", "        self.url = url",
                     "        self._data: Dict[Any, Any] = {}"]  # fmt: skip
            methods = [m for m in concept.methods if i == 0 or rng.random() < 0.85]
            for name, is_async in methods:
                lines += _method(name, is_async, rng)
            if i == 0:
                lines += ["", "", f"def {concept.factory}(url: Optional[str] = None) -> {cls}:",
                          f'    """The {concept.name.replace("-", " ")} (sync)."""', f"    return {cls}(url)"]
            f.add("\n".join(lines) + "\n", dedent=False)


@dataclass(frozen=True)
class Family:
    """An ABC and its implementations: a legitimate interface family, never a duplicate."""

    name: str
    base_path: str
    base: str
    methods: tuple[str, ...]
    impls: tuple[tuple[str, str], ...]


FAMILIES = (
    Family("base-agent", "netra_backend/app/agents/base_agent.py", "BaseAgent", ("execute", "validate_preconditions"),
           tuple((f"netra_backend/app/agents/{a}_sub_agent.py", "".join(w.title() for w in a.split("_")) + "SubAgent")
                 for a in ("triage", "data", "optimization", "reporting", "synthetic_data", "corpus_admin"))),
    Family("storage-backend", "shared/protocols/storage.py", "BaseStorageBackend", ("read", "write", "delete", "exists"),
           (("netra_backend/app/services/storage/local.py", "LocalStorageBackend"),
            ("netra_backend/app/services/storage/s3.py", "S3StorageBackend"),
            ("analytics_service/analytics_core/services/gcs_storage.py", "GcsStorageBackend"))),
)  # fmt: skip


def plant_families(project: Project) -> None:
    """Write each ABC and its implementations (role "interface implementation")."""
    for fam in FAMILIES:
        project.package(fam.base_path.rsplit("/", 1)[0])
        f = project.file(fam.base_path)
        abstract = "\n".join(f"    @abstractmethod\n    async def {m}(self, payload: Any) -> Any:\n        ..."
                             for m in fam.methods)  # fmt: skip
        f.add(f'"""The {fam.base} interface."""\nfrom abc import ABC, abstractmethod\nfrom typing import Any\n\n\n'
              f"class {fam.base}(ABC):  ⟦c⟧\n{abstract}\n",
              {"c": {"role": "interface", "concept": fam.name, "symbol": f"{f.module}.{fam.base}",
                     "what": "abstract base of a family of legitimate implementations"}}, dedent=False)  # fmt: skip
        base_module = f.module
        for path, cls in fam.impls:
            project.package(path.rsplit("/", 1)[0])
            g = project.file(path)
            methods = "\n\n".join(f"    async def {m}(self, payload: Any) -> Any:\n        return {{'{cls}': payload}}"
                                  for m in fam.methods)  # fmt: skip
            g.add(f'"""{cls}."""\nfrom typing import Any\n\nfrom {base_module} import {fam.base}\n\n\n'
                  f"class {cls}({fam.base}):  ⟦c⟧\n{methods}\n",
                  {"c": {"role": "interface implementation", "concept": fam.name, "symbol": f"{g.module}.{cls}",
                         "what": f"one implementation of {fam.base}: not a duplicate"}}, dedent=False)  # fmt: skip


LOOKALIKES = (
    ("netra_backend/app/monitoring/metrics_collector.py", "MetricsCollector",
     ("initialize", "start", "stop", "get_status", "collect")),
    ("netra_backend/app/services/background_scheduler.py", "BackgroundTaskScheduler",
     ("initialize", "start", "stop", "close", "schedule")),
    ("auth_service/auth_core/services/token_refresher.py", "TokenRefresher",
     ("start", "stop", "health_check", "refresh")),
    ("netra_backend/app/llm/client_pool.py", "LLMClientPool", ("initialize", "close", "get_status", "acquire")),
    ("netra_backend/app/websocket_core/heartbeat.py", "WebSocketHeartbeatManager",
     ("initialize", "close", "get_status", "start", "stop", "health_check")),
    ("analytics_service/analytics_core/services/health_monitor.py", "HealthMonitor",
     ("health_check", "get_status", "start", "stop")),
)  # fmt: skip


def plant_lookalikes(project: Project) -> None:
    """Unrelated classes with generic method names (one of them named like the WebSocket manager)."""
    for path, cls, methods in LOOKALIKES:
        project.package(path.rsplit("/", 1)[0])
        f = project.file(path)
        body = "\n\n".join(f"    async def {m}(self) -> None:\n        self._state = '{m}'" if m != "get_status" else
                           "    def get_status(self) -> str:\n        return self._state" for m in methods)  # fmt: skip
        near = "websocket-manager" if "WebSocket" in cls else None
        f.add(f'"""{cls}: unrelated to the other classes with these method names."""\n\n\n'
              f"class {cls}:  ⟦c⟧\n    _state = 'new'\n\n{body}\n",
              {"c": {"role": "unrelated look-alike", "concept": near, "symbol": f"{f.module}.{cls}",
                     "what": "shares only generic method names (" + ", ".join(methods) + ")"}}, dedent=False)
