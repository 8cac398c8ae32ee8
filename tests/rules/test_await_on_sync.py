"""SSOT401 await-on-sync-callable: every way a callee is reached, and the awaitables that must stay silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT401"

SYNC_FACTORY = """
class Manager:
    def send(self, message):
        return None

def get_manager(user_id):
    return Manager()
"""


def found(tmp_path: Path, files: dict[str, str], table: dict | None = None) -> set[tuple[str, str, int]]:
    write_project(tmp_path, files)
    return triples(scan_project(tmp_path, table), CODE)


def found_use(tmp_path: Path, use: str) -> set[tuple[str, str, int]]:
    """Findings of a project where ``app/use.py`` (``use``) can import the sync ``app.factory``."""
    return found(tmp_path, {"app/__init__.py": "", "app/factory.py": SYNC_FACTORY, "app/use.py": use})


# -- how the callee is reached -----------------------------------------------------------------------------------


def test_direct_import_of_sync_factory(tmp_path: Path) -> None:
    use = """
            from app.factory import get_manager

            async def handler(user_id):
                return await get_manager(user_id)
    """
    assert found_use(tmp_path, use) == {(CODE, "app/use.py", 4)}


def test_awaiting_the_async_twin_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/factory.py": """
            async def get_manager(user_id):
                return object()
        """,
        "app/use.py": """
            from app.factory import get_manager

            async def handler(user_id):
                return await get_manager(user_id)
        """,
    }
    assert found(tmp_path, files) == set()


def test_reexport_through_package_init(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "from app.core.factory import get_manager\n",
        "app/core/factory.py": SYNC_FACTORY,
        "app/use.py": """
            from app.core import get_manager

            async def handler(user_id):
                manager = await get_manager(user_id)
                return manager
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 4)}


def test_reexport_of_an_async_def_through_init_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "from .factory import get_manager\n",
        "app/core/factory.py": "async def get_manager(user_id):\n    return 1\n",
        "app/use.py": """
            from app.core import get_manager

            async def handler(user_id):
                return await get_manager(user_id)
        """,
    }
    assert found(tmp_path, files) == set()


def test_from_import_as_alias(tmp_path: Path) -> None:
    use = """
            from app.factory import get_manager as make

            async def handler(user_id):
                return await make(user_id)

            async def other(user_id):
                make = object
                return make(user_id)
    """
    assert found_use(tmp_path, use) == {(CODE, "app/use.py", 4)}


@pytest.mark.parametrize(
    ("path", "statement"),
    [
        ("app/core/use.py", "from .factory import get_manager"),
        ("app/core/sub/use.py", "from ..factory import get_manager"),
        ("app/core/sub/use.py", "from .. import factory as f\nget_manager = f.get_manager"),
    ],
)
def test_relative_imports(tmp_path: Path, path: str, statement: str) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/sub/__init__.py": "",
        "app/core/factory.py": SYNC_FACTORY,
        path: statement + "\n\nasync def handler(user_id):\n    return await get_manager(user_id)\n",
    }
    line = statement.count("\n") + 4
    assert found(tmp_path, files) == {(CODE, path, line)}


def test_relative_import_that_reaches_a_different_module_is_not_reported(tmp_path: Path) -> None:
    # ``from .factory`` in app/core/sub/ is app.core.sub.factory (async), not app.core.factory (sync).
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/factory.py": SYNC_FACTORY,
        "app/core/sub/__init__.py": "",
        "app/core/sub/factory.py": "async def get_manager(user_id):\n    return 1\n",
        "app/core/sub/use.py": """
            from .factory import get_manager

            async def handler(user_id):
                return await get_manager(user_id)
        """,
    }
    assert found(tmp_path, files) == set()


def test_function_local_import(tmp_path: Path) -> None:
    use = """
            async def handler(user_id):
                from app.factory import get_manager
                return await get_manager(user_id)

            async def get_manager(user_id):
                return 1

            async def module_level_name(user_id):
                return await get_manager(user_id)
    """
    assert found_use(tmp_path, use) == {(CODE, "app/use.py", 3)}


def test_try_except_import_error_import(tmp_path: Path) -> None:
    use = """
            try:
                from app.factory import get_manager
            except ImportError:
                from app.factory import get_manager

            async def handler(user_id):
                return await get_manager(user_id)
    """
    assert found_use(tmp_path, use) == {(CODE, "app/use.py", 7)}


def test_try_except_import_error_with_an_async_fallback_is_not_reported(tmp_path: Path) -> None:
    use = """
            try:
                from app.factory import get_manager
            except ImportError:
                async def get_manager(user_id):
                    return None

            async def handler(user_id):
                return await get_manager(user_id)
    """
    # One candidate is sync and one async: which one runs depends on the environment, not a provable misuse.
    assert found_use(tmp_path, use) == set()


def test_import_dotted_module_as_alias(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/factory.py": SYNC_FACTORY,
        "app/use.py": """
            import app.core.factory as m
            import app.core.factory

            async def handler(user_id):
                a = await m.get_manager(user_id)
                b = await app.core.factory.get_manager(user_id)
                return a, b
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 5), (CODE, "app/use.py", 6)}


LOAD_SAVE_BASE = """
class Base:
    def load(self):
        return 1

    async def save(self):
        return 2
"""


def test_self_method_through_inheritance(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/base.py": LOAD_SAVE_BASE,
        "app/child.py": """
            from app.base import Base

            class Child(Base):
                async def run(self):
                    await self.save()
                    return await self.load()
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/child.py", 6)}


def test_self_method_overridden_async_in_subclass_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/base.py": "class Base:\n    def load(self):\n        return 1\n",
        "app/child.py": """
            from app.base import Base

            class Child(Base):
                async def load(self):
                    return 2

                async def run(self):
                    return await self.load()
        """,
    }
    assert found(tmp_path, files) == set()


def test_method_on_annotated_parameter(tmp_path: Path) -> None:
    use = """
            from typing import Optional
            from app.factory import Manager

            async def handler(manager: Manager, other: Optional["Manager"], unknown):
                await manager.send("a")
                await other.send("b")
                await unknown.send("c")
    """
    assert found_use(tmp_path, use) == {(CODE, "app/use.py", 5), (CODE, "app/use.py", 6)}


def test_method_on_local_from_constructor_and_factory(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            class Manager:
                def send(self, message):
                    return None

            def make() -> "Manager":
                return build()

            def build():
                return object()
        """,
        "app/use.py": """
            from app.models import Manager, make

            async def by_constructor():
                manager = Manager()
                await manager.send("a")

            async def by_factory():
                manager = make()
                await manager.send("b")
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 5), (CODE, "app/use.py", 9)}


def test_method_on_result_of_awaited_async_factory(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            class Manager:
                def send(self, message):
                    return None

                async def close(self):
                    return None

            async def get_manager():
                return Manager()
        """,
        "app/use.py": """
            from app.models import get_manager

            async def handler():
                manager = await get_manager()
                await manager.close()
                await manager.send("x")
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 6)}


def test_method_on_result_of_a_wrongly_awaited_sync_factory(tmp_path: Path) -> None:
    # both awaits raise (the first one first): drop it and the second one raises; report both at once
    use = """
        from app.factory import get_manager

        async def handler():
            manager = await get_manager("u1")
            await manager.send("x")
    """
    assert found_use(tmp_path, use) == {(CODE, "app/use.py", 4), (CODE, "app/use.py", 5)}


def test_awaiting_an_instance_that_may_be_awaitable_tells_nothing_about_the_result(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            import asyncio

            class Manager:
                def send(self, message):
                    return None

            class Pending(asyncio.Future):  # awaitable through a base we do not see into
                def send(self, message):
                    return None

            def get_pending():
                return Pending()
        """,
        "app/use.py": """
            from app.models import get_pending

            async def handler():
                result = await get_pending()
                await result.send("x")
        """,
    }
    assert found(tmp_path, files) == set()


def test_module_level_instance_imported_elsewhere(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            class Registry:
                def register(self, item):
                    return None

                async def flush(self):
                    return None

            registry = Registry()
        """,
        "app/use.py": """
            from app.models import registry

            async def handler(item):
                await registry.flush()
                await registry.register(item)
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 5)}


def test_awaiting_a_class(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            class Manager:
                pass

            class Pending:
                def __await__(self):
                    yield
                    return 1
        """,
        "app/use.py": """
            from app.models import Manager, Pending

            async def handler():
                await Pending()
                return await Manager()
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 5)}


def test_method_on_instance_attribute(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": SYNC_FACTORY,
        "app/service.py": """
            from app.models import Manager

            class Service:
                def __init__(self):
                    self.manager = Manager()

                async def run(self):
                    await self.manager.send("x")
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/service.py", 8)}


# -- what must stay silent ----------------------------------------------------------------------------------------


def test_sync_defs_that_return_awaitables_are_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/tasks.py": """
            import asyncio
            from typing import Awaitable

            async def work():
                return 1

            def schedule():
                return asyncio.create_task(work())

            def coroutine():
                return work()

            def annotated() -> Awaitable[int]:
                return make_it()

            def make_it():
                return None
        """,
        "app/use.py": """
            from app.tasks import annotated, coroutine, schedule

            async def handler():
                await schedule()
                await coroutine()
                await annotated()
        """,
    }
    assert found(tmp_path, files) == set()


def test_to_thread_and_external_calls_are_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": SYNC_FACTORY,
        "app/use.py": """
            import asyncio
            import aiohttp
            from app.models import get_manager

            async def handler(session):
                await asyncio.to_thread(get_manager, 1)
                await aiohttp.ClientSession().close()
                await session.get("x")
        """,
    }
    assert found(tmp_path, files) == set()


def test_name_rebound_to_async_mock_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": SYNC_FACTORY,
        "tests/test_use.py": """
            from unittest.mock import AsyncMock
            from app.models import get_manager

            async def test_handler():
                get_manager = AsyncMock()
                await get_manager(1)
        """,
    }
    assert found(tmp_path, files) == set()


def test_unknown_decorator_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            from somewhere import to_async
            import functools

            @to_async
            def wrapped(user_id):
                return 1

            @functools.lru_cache
            def cached(user_id):
                return 1
        """,
        "app/use.py": """
            from app.models import cached, wrapped

            async def handler():
                await wrapped(1)
                await cached(1)
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/use.py", 5)}


def test_class_with_await_through_a_base_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            class Awaitable:
                def __await__(self):
                    return iter(())

            class Job(Awaitable):
                def start(self):
                    return self
        """,
        "app/use.py": """
            from app.models import Job

            async def handler():
                await Job()
                await Job().start()
        """,
    }
    assert found(tmp_path, files) == set()


def test_async_def_method_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": """
            class Manager:
                async def send(self, message):
                    return None

                @staticmethod
                async def build():
                    return Manager()
        """,
        "app/use.py": """
            from app.models import Manager

            async def handler(manager: Manager):
                await manager.send("x")
                await Manager.build()
        """,
    }
    assert found(tmp_path, files) == set()


def test_namespace_packages(tmp_path: Path) -> None:
    files = {
        "company/billing/__init__.py": "",
        "company/billing/factory.py": SYNC_FACTORY,
        "company/shipping/use.py": """
            from company.billing.factory import get_manager
            from company.billing import factory

            async def handler(user_id):
                await get_manager(user_id)
                await factory.get_manager(user_id)
        """,
        "company/shipping/rel.py": "from ..billing.factory import get_manager\n\nasync def h():\n    await get_manager(1)\n",
    }
    assert found(tmp_path, files) == {
        (CODE, "company/shipping/use.py", 5),
        (CODE, "company/shipping/use.py", 6),
        (CODE, "company/shipping/rel.py", 4),
    }


def test_callee_in_a_file_that_failed_to_parse_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/factory.py": SYNC_FACTORY + "\ndef broken(:\n",
        "app/use.py": "from app.factory import get_manager\n\nasync def h():\n    await get_manager(1)\n",
    }
    write_project(tmp_path, files)
    result = scan_project(tmp_path)
    assert triples(result) == {("SSOT900", "app/factory.py", 8)}


def test_method_of_the_base_through_super(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/base.py": LOAD_SAVE_BASE,
        "app/child.py": """
            from app.base import Base

            class Child(Base):
                async def load(self):
                    return await super().load()

                async def save(self):
                    return await super().save()

                async def inner(self):
                    def nested():
                        return super
                    return nested
        """,
    }
    assert found(tmp_path, files) == {(CODE, "app/child.py", 5)}


def test_a_method_defined_sync_or_async_by_condition_is_not_a_provable_misuse(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/client.py": """
            import sys


            class Client:
                if sys.version_info >= (3, 11):
                    async def fetch(self):
                        return 1
                else:
                    def fetch(self):
                        return 1

                def close(self):
                    return None


            async def use(client: Client):
                await client.fetch()
                await client.close()
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path), "SSOT401") == {("SSOT401", "app/client.py", 18)}


CLIENT = """
class Request:
    pass


class RequestFactory:
    def request(self, **kw):
        return Request()

    def generic(self, method):
        self.log(method)
        return self.request(method=method)

    def get(self, path):
        return self.generic("GET")

    def log(self, method):
        return None


class AsyncRequestFactory(RequestFactory):
    def generic(self, method):  # as sync as the base's: it still hands on to self.request
        return self.request(method=method, asgi=True)


class AsyncClient(AsyncRequestFactory):
    async def request(self, **kw):
        return Request()

    async def get(self, path):
        return await super().get(path)


class LoggingFactory(RequestFactory):
    def log(self, method):  # overridden, but just as sync: get() still returns a Request
        return method

    async def get(self, path):
        return await super().get(path)
"""


def test_an_inherited_method_is_judged_with_the_receivers_overrides(tmp_path: Path) -> None:
    # django's AsyncClient.get awaits super().get(): RequestFactory.get returns self.generic(...), which reaches
    # self.request, an async def on AsyncClient. Judged by the base's code alone it returned a Request (8 false
    # errors on django/test/client.py). An override just as sync changes nothing: those awaits stay reported.
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/client.py": CLIENT,
        "app/use.py": """
            from app.client import AsyncClient, LoggingFactory, RequestFactory

            async def main():
                await AsyncClient().get("/")
                await RequestFactory().get("/")
                await LoggingFactory().generic("GET")
        """,
    })  # fmt: skip
    assert triples(scan_project(tmp_path), CODE) == {
        (CODE, "app/client.py", 38),  # LoggingFactory.get: super().get() returns a Request
        (CODE, "app/use.py", 5),  # RequestFactory().get(): the base itself, its own code is what runs
        (CODE, "app/use.py", 6),  # LoggingFactory().generic(): its log() override is sync too
    }  # not app/client.py:30, AsyncClient.get's await super().get(), which reaches AsyncClient.request
