"""SSOT402 unawaited-coroutine: a coroutine dropped or used as a plain object, and every legitimate use of one."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import scan_project, triples, write_project

CODE = "SSOT402"

ASYNC_API = """
class Connection:
    async def write(self, message):
        return None

async def notify(user_id, message):
    return None

async def open_connection():
    return Connection()
"""


def found(tmp_path: Path, use: str) -> set[tuple[str, str, int]]:
    write_project(tmp_path, {"app/__init__.py": "", "app/api.py": ASYNC_API, "app/use.py": use})
    return triples(scan_project(tmp_path), CODE)


def test_dropped_coroutine(tmp_path: Path) -> None:
    use = """
        from app.api import Connection, notify

        async def handler(user_id, conn: Connection):
            notify(user_id, "hi")
            conn.write("x")

        def sync_handler(user_id):
            notify(user_id, "hi")
    """
    assert found(tmp_path, use) == {(CODE, "app/use.py", 4), (CODE, "app/use.py", 5), (CODE, "app/use.py", 8)}


def test_attribute_of_the_coroutine_is_used(tmp_path: Path) -> None:
    use = """
        from app.api import open_connection

        async def handler():
            return open_connection().write
    """
    assert found(tmp_path, use) == {(CODE, "app/use.py", 4)}


def test_assigned_and_never_awaited_or_only_used_as_plain_object(tmp_path: Path) -> None:
    use = """
        from app.api import notify, open_connection

        async def never_used(user_id):
            pending = notify(user_id, "hi")

        async def attribute_only():
            conn = open_connection()
            conn.write("x")
            return None
    """
    assert found(tmp_path, use) == {(CODE, "app/use.py", 4), (CODE, "app/use.py", 7)}


def test_awaited_returned_or_handed_to_the_event_loop_is_not_reported(tmp_path: Path) -> None:
    use = """
        import asyncio
        from app.api import notify, open_connection

        async def awaited(user_id):
            await notify(user_id, "a")
            conn = await open_connection()
            await conn.write("x")

        def scheduled(user_id):
            asyncio.create_task(notify(user_id, "b"))
            asyncio.run(notify(user_id, "c"))

        async def gathered(user_id):
            await asyncio.gather(notify(user_id, "d"), notify(user_id, "e"))

        def returned(user_id):
            return notify(user_id, "f")

        async def assigned_then_awaited(user_id):
            pending = notify(user_id, "g")
            do_other_things()
            await pending

        async def assigned_then_passed(user_id):
            pending = notify(user_id, "h")
            asyncio.ensure_future(pending)

        def do_other_things():
            return None
    """
    assert found(tmp_path, use) == set()


def test_async_generators_and_context_managers_are_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/streams.py": """
            import contextlib
            from contextlib import asynccontextmanager

            async def ticks():
                yield 1

            @contextlib.asynccontextmanager
            async def session():
                yield 1

            @asynccontextmanager
            async def other_session():
                yield 2
        """,
        "app/use.py": """
            from app.streams import other_session, session, ticks

            async def handler():
                ticks()
                stream = ticks()
                stream.aclose
                cm = session()
                cm.gen
                other_session()
        """,
    }
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), CODE) == set()


def test_sync_def_called_without_await_is_not_reported(tmp_path: Path) -> None:
    use = """
        def helper():
            return None

        async def handler():
            helper()
            helper().real
    """
    assert found(tmp_path, use) == set()


def test_async_method_of_self_dropped(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/service.py": """
            class Service:
                async def flush(self):
                    return None

                async def stop(self):
                    await self.flush()

                def close(self):
                    self.flush()
        """,
    }
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/service.py", 9)}


def test_coroutine_awaited_in_a_closure_is_not_reported(tmp_path: Path) -> None:
    use = """
        import asyncio
        from app.api import notify

        def run(loop):
            pending = notify(1, "a")
            shadowed = notify(2, "b")

            async def gather():
                return await asyncio.gather(pending)

            async def other(shadowed):
                await shadowed

            return loop.run_until_complete(gather()), other
    """
    # ``other`` has its own ``shadowed`` (a parameter): the outer coroutine is still never awaited.
    assert found(tmp_path, use) == {(CODE, "app/use.py", 6)}


def test_async_method_of_the_base_dropped_through_super(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/service.py": """
            class Base:
                async def close(self):
                    return None

                def reset(self):
                    return None

            class Child(Base):
                def close(self):
                    super().close()

                def reset(self):
                    super().reset()
        """,
    }
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/service.py", 10)}


def test_async_def_behind_an_unknown_decorator_is_not_reported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/jobs.py": """
            from celery import shared_task
            import functools

            @shared_task
            async def send_email(to):
                return to

            @functools.wraps(send_email)
            async def wrapped(to):
                return to
        """,
        "app/use.py": "from app.jobs import send_email, wrapped\n\ndef handler():\n    send_email('a')\n    wrapped('b')\n",
    }
    write_project(tmp_path, files)
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/use.py", 5)}
