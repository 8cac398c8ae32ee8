"""SSOT401/SSOT402 on the shapes read on a real backend: guards, patches, stores, annotations, import_module.

Each pattern has a case that must stay silent (the false positive or dead code) next to the same shape where the
misuse is real, so a fix that silences everything fails.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

API = """
class Client:
    def fetch(self):
        return None

    async def send(self):
        return None

def make_client():
    return Client()

def build():
    return None

async def notify():
    return None
"""


def found(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, str, int]]:
    write_project(tmp_path, {"app/__init__.py": "", "app/api.py": API, **files})
    result = scan_project(tmp_path)
    return triples(result, "SSOT401") | triples(result, "SSOT402")


# -- 1. coroutine-function guards ---------------------------------------------------------------------------------


def test_branch_ruled_out_by_iscoroutinefunction_is_skipped(tmp_path: Path) -> None:
    use = """
        import asyncio
        import inspect
        from app.api import Client, make_client

        async def call(client: Client):
            if asyncio.iscoroutinefunction(client.fetch):
                return await client.fetch()
            elif asyncio.iscoroutinefunction(client.send):
                await client.send()
            else:
                client.send()
            if not inspect.iscoroutinefunction(client.fetch):
                client.fetch()
            else:
                await client.fetch()
            if inspect.isawaitable(make_client()):
                await make_client()

        async def unguarded(client: Client):
            if asyncio.iscoroutinefunction(client.send):
                client.send()
            await client.fetch()
            if not asyncio.iscoroutinefunction(client.fetch):
                await client.fetch()
    """
    assert found(tmp_path, {"app/use.py": use}) == {
        ("SSOT402", "app/use.py", 21),  # the guard proves send is async: dropping its coroutine is still a bug
        ("SSOT401", "app/use.py", 22),  # no guard at all
        ("SSOT401", "app/use.py", 24),  # the guard proves fetch is sync: awaiting it is still a bug
    }


def test_early_return_guard_covers_the_rest_of_the_block(tmp_path: Path) -> None:
    use = """
        from asyncio import iscoroutinefunction
        from app.api import Client

        async def call(client: Client):
            if not iscoroutinefunction(client.fetch):
                return client.fetch()
            return await client.fetch()

        async def call_send(client: Client):
            if iscoroutinefunction(client.send):
                return await client.send()
            client.send()  # only reached when send is not a coroutine function
            await client.fetch()

        async def call_fetch(client: Client):
            if iscoroutinefunction(client.fetch):
                return
            await client.fetch()
    """
    assert found(tmp_path, {"app/use.py": use}) == {("SSOT401", "app/use.py", 13), ("SSOT401", "app/use.py", 18)}


# -- 2. hasattr guards, directly or through a local boolean -----------------------------------------------------------


def test_call_under_a_false_hasattr_is_dead_code(tmp_path: Path) -> None:
    use = """
        from app.api import Client

        async def call(client: Client):
            has_send = hasattr(client, "send")
            if not has_send:
                client.send()
            if not hasattr(client, "fetch"):
                await client.fetch()
            if has_send:
                client.send()
            has_send = True
            if not has_send:
                client.send()
    """
    assert found(tmp_path, {"app/use.py": use}) == {("SSOT402", "app/use.py", 10), ("SSOT402", "app/use.py", 13)}


def test_lazy_initialisation_under_a_false_hasattr_is_not_dead(tmp_path: Path) -> None:
    use = """
        from app.api import Client

        class Holder:
            client: Client

        def connect(holder: Holder):
            if not hasattr(holder, "client"):
                holder.client = Client()
                holder.client.send()

        def dead(holder: Holder):
            if not hasattr(holder, "client"):
                holder.client.send()
    """
    assert found(tmp_path, {"app/use.py": use}) == {("SSOT402", "app/use.py", 9)}


# -- 3. monkeypatch / patch of the current module by string -------------------------------------------------------


def test_string_patch_of_this_module_rebinds_the_global(tmp_path: Path) -> None:
    test = """
        from unittest.mock import AsyncMock, patch

        def factory():
            return None

        async def test_monkeypatched(monkeypatch):
            await factory()
            monkeypatch.setattr("tests.test_it.factory", AsyncMock())
            await factory()

        @patch("tests.test_it.factory", new=AsyncMock())
        async def test_decorated():
            await factory()

        async def test_with_block():
            with patch("tests.test_it.factory", new=AsyncMock()):
                await factory()

        async def test_other_module_is_not_this_name():
            with patch("app.api.build", new=AsyncMock()):
                await factory()

        async def test_patched_elsewhere():
            await factory()
    """
    assert found(tmp_path, {"tests/__init__.py": "", "tests/test_it.py": test}) == {
        ("SSOT401", "tests/test_it.py", 7),  # before the patch
        ("SSOT401", "tests/test_it.py", 21),
        ("SSOT401", "tests/test_it.py", 24),  # patched only in other tests
    }


def test_string_patch_through_a_module_and_a_class(tmp_path: Path) -> None:
    test = """
        from unittest.mock import AsyncMock, patch
        from app import api
        from app.api import Client

        @patch("app.api.build", new=AsyncMock())
        async def test_module_attribute():
            await api.build()

        async def test_class_attribute():
            with patch("app.api.Client.fetch", new=AsyncMock()):
                await Client().fetch()

        async def test_imported_name_is_not_rebound_by_a_patch_of_its_source():
            with patch("app.api.make_client", new=AsyncMock()):
                await api.build()

        class Base:
            def run(self):
                return None

        class Child(Base):
            def run(self):
                return None

        class Heir(Base):
            pass

        async def test_patch_of_a_base_method():
            with patch("tests.test_it.Base.run", new=AsyncMock()):
                await Heir().run()
                await Child().run()  # overrides run: the patch of Base.run does not reach it
    """
    assert found(tmp_path, {"tests/__init__.py": "", "tests/test_it.py": test}) == {
        ("SSOT401", "tests/test_it.py", 15),
        ("SSOT401", "tests/test_it.py", 31),
    }


def test_class_decorator_and_setup_patches_cover_every_test(tmp_path: Path) -> None:
    test = """
        import unittest
        from unittest import mock
        from app import api

        @mock.patch("app.api.build", new=mock.AsyncMock())
        class TestDecorated(unittest.IsolatedAsyncioTestCase):
            async def test_it(self):
                await api.build()

        class TestSetUp(unittest.IsolatedAsyncioTestCase):
            async def test_it(self):
                await api.build()

            def setUp(self):
                patcher = mock.patch("app.api.build", new=mock.AsyncMock())
                patcher.start()

        class TestUnpatched(unittest.IsolatedAsyncioTestCase):
            async def test_it(self):
                await api.build()
    """
    assert found(tmp_path, {"tests/__init__.py": "", "tests/test_it.py": test}) == {("SSOT401", "tests/test_it.py", 20)}


# -- 4. attribute stores on local instances -----------------------------------------------------------------------


def test_attribute_store_replaces_the_method_for_the_rest_of_the_function(tmp_path: Path) -> None:
    use = """
        from unittest.mock import AsyncMock, patch
        from app.api import Client, notify

        async def wrapper():
            return None

        async def stored():
            client = Client()
            await client.fetch()
            client.fetch = wrapper
            await client.fetch()

        async def nested(holder):
            holder.client = Client()
            holder.client.fetch = AsyncMock()
            await holder.client.fetch()

        async def sync_store():
            client = Client()
            client.send = lambda: None
            client.send()

        async def patched_object():
            client = Client()
            with patch.object(client, "fetch", new=AsyncMock()):
                await client.fetch()
            setattr(client, "send", print)
            client.send()

        async def maybe(flag):
            client = Client()
            if flag:
                client.fetch = wrapper
            await client.fetch()

        async def other_object():
            client = Client()
            other = Client()
            other.fetch = wrapper
            await client.fetch()
    """
    assert found(tmp_path, {"app/use.py": use}) == {("SSOT401", "app/use.py", 9), ("SSOT401", "app/use.py", 40)}


def test_store_of_a_sync_value_is_still_awaited_wrongly(tmp_path: Path) -> None:
    use = """
        from app.api import Client, build

        async def stored():
            client = Client()
            client.send = build
            await client.send()

        class Service:
            async def start(self, client):
                self.client: Client = client  # a store of an unresolved name keeps what the class knows
                await self.client.fetch()
    """
    assert found(tmp_path, {"app/use.py": use}) == {("SSOT401", "app/use.py", 6), ("SSOT401", "app/use.py", 11)}


# -- 5. annotation vs inferred return value -----------------------------------------------------------------------


def test_inferred_context_manager_wins_over_a_contradicted_annotation(tmp_path: Path) -> None:
    db = """
        from contextlib import asynccontextmanager

        class Session:
            async def execute(self, query):
                return None

        @asynccontextmanager
        async def session_scope():
            yield Session()

        def get_session() -> Session:
            return session_scope()

        def get_real_session() -> Session:
            return Session()
    """
    use = """
        from app.db import get_real_session, get_session

        def run():
            get_session().execute("select 1")
            get_real_session().execute("select 1")

        async def awaited():
            return await get_session()
    """
    assert found(tmp_path, {"app/db.py": db, "app/use.py": use}) == {
        ("SSOT402", "app/use.py", 5),
        ("SSOT401", "app/use.py", 8),  # a context manager object cannot be awaited either
    }


def test_partly_known_contradiction_keeps_the_annotation_and_says_unsure(tmp_path: Path) -> None:
    db = """
        from contextlib import asynccontextmanager

        class Session:
            async def execute(self, query):
                return None

        @asynccontextmanager
        async def session_scope():
            yield Session()

        def get_session(pool) -> Session:
            if pool:
                return pool.acquire()
            return session_scope()
    """
    use = """
        from app.db import get_session

        def run(pool):
            session = get_session(pool)
            session.execute("select 1")
    """
    write_project(tmp_path, {"app/__init__.py": "", "app/db.py": db, "app/use.py": use})
    [finding] = [f for f in scan_project(tmp_path).findings if f.code == "SSOT402"]
    assert (finding.location.path, finding.location.line) == ("app/use.py", 5)
    assert "unsure" in finding.message and "app.db.get_session()" in finding.message
    assert finding.confidence.value == "medium"


# -- 6. return annotations of external types ----------------------------------------------------------------------


def test_external_return_annotation_is_evidence_when_the_body_gives_none(tmp_path: Path) -> None:
    db = """
        from typing import Any, Awaitable, Optional, TypeVar
        from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
        import sqlalchemy.ext.asyncio as sa_async

        T = TypeVar("T")

        def get_session(factory) -> AsyncSession:
            return factory()

        def get_engine(registry) -> "Optional[sa_async.AsyncEngine]":
            return registry.engine

        def get_name(obj) -> str:
            return obj.name

        def get_any(obj) -> Any:
            return obj.value

        def get_awaitable(obj) -> Awaitable[str]:
            return obj.value

        def get_t(obj) -> T:
            return obj.value

        def get_unknown(obj) -> Unknown:
            return obj.value

        def get_mixed(obj) -> AsyncEngine | Any:
            return obj.value
    """
    use = """
        from app.db import get_any, get_awaitable, get_engine, get_mixed, get_name, get_session, get_t, get_unknown

        async def handler(obj):
            await get_session(obj)
            await get_engine(obj)
            await get_name(obj)
            await get_any(obj)
            await get_awaitable(obj)
            await get_t(obj)
            await get_unknown(obj)
            await get_mixed(obj)
    """
    write_project(tmp_path, {"app/__init__.py": "", "app/db.py": db, "app/use.py": use})
    result = scan_project(tmp_path)
    assert triples(result, "SSOT401") == {("SSOT401", "app/use.py", line) for line in (4, 5, 6)}
    messages = {f.location.line: f.message for f in result.findings if f.code == "SSOT401"}
    assert "AsyncSession (its return annotation)" in messages[4]


# -- 7. importlib.import_module over constants --------------------------------------------------------------------


def test_import_module_over_literal_names(tmp_path: Path) -> None:
    files = {
        "app/plugins/__init__.py": "",
        "app/plugins/a.py": "def factory():\n    return None\n",
        "app/plugins/b.py": "def factory():\n    return None\n",
        "app/plugins/c.py": "async def factory():\n    return None\n",
        "app/use.py": """
            import importlib
            from importlib import import_module

            async def load_all():
                for name in ("app.plugins.a", "app.plugins.b"):
                    mod = importlib.import_module(name)
                    await mod.factory()

            async def load_one():
                mod = import_module("app.plugins.a")
                await mod.factory()

            async def load_mixed():
                for name in ["app.plugins.a", "app.plugins.c"]:
                    mod = importlib.import_module(name)
                    await mod.factory()

            async def load_dynamic(name):
                mod = importlib.import_module(name)
                await mod.factory()

            async def load_relative():
                mod = importlib.import_module(".a", package="app.plugins")
                await mod.factory()
        """,
    }
    assert found(tmp_path, files) == {("SSOT401", "app/use.py", 7), ("SSOT401", "app/use.py", 11)}


# -- concept of the callee ---------------------------------------------------------------------------------------


def test_findings_name_the_concept_of_their_callee(tmp_path: Path) -> None:
    files = {
        "app/ws.py": """
            class WebSocketManager:
                def connect(self):
                    return None

                async def send(self):
                    return None

            def get_websocket_manager():
                return WebSocketManager()
        """,
        "app/use.py": """
            from app.ws import WebSocketManager, get_websocket_manager
            from app.api import build

            async def handler(manager: WebSocketManager):
                await get_websocket_manager()
                await manager.connect()
                manager.send()
                await build()
        """,
    }
    write_project(tmp_path, {"app/__init__.py": "", "app/api.py": API, **files})
    table = {"concepts": {"ws": {"canonical": "app.ws.WebSocketManager", "factories": ["app.ws.get_websocket_manager"]}}}
    result = scan_project(tmp_path, table)
    concepts = {(f.code, f.location.line): f.facts.get("concept") for f in result.findings if f.code in ("SSOT401", "SSOT402")}
    assert concepts == {("SSOT401", 5): "ws", ("SSOT401", 6): "ws", ("SSOT402", 7): "ws", ("SSOT401", 8): None}


def test_what_object_getattribute_returns_may_be_awaitable(tmp_path: Path) -> None:
    # mlflow's safe_patch: `original` may be a local def returning what `object.__getattribute__(...)` gave
    # (`builtins.object` is also the tool's name for a literal, whose methods return plain values)
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/patch.py": """
            def safe_patch(destination, name):
                original_fn = object.__getattribute__(destination, name)

                def original(*args):
                    return original_fn(*args)

                async def patched(*args):
                    return await original(*args)

                def literal(*args):
                    return "-".join(args)

                async def misuse(*args):
                    return await literal(*args)
                return patched, misuse
        """,
    })  # fmt: skip
    assert triples(scan_project(root), "SSOT401") == {("SSOT401", "app/patch.py", 14)}
