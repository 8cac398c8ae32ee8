"""Roles of classes before any concept is formed: test doubles and test code, guards, shims, orphaned copies,
scripts; and test code as real repositories lay it out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis.discovery import is_test_path
from ssot_audit.analysis.values import ClassValue
from ssot_audit.config import Config, parse_table

from tests.helpers import write_project

MANAGER = """
class {name}:
    def connect(self, user_id, ws):
        self.ws = ws
    def disconnect(self, user_id):
        self.ws = None
    def send_to_user(self, user_id, message):
        return self.ws.send(message)
    def emit_critical_event(self, kind):
        return self.ws.send(kind)
"""


def _roles(root: Path, config: Config | None = None) -> dict[str, str]:
    project = api.load_project(root, config or Config(), jobs=1)
    return {v.fullname: role for v, role in project.concepts.roles.role.items()}


@pytest.mark.parametrize("path", [
    "tests/test_a.py", "app/tests/a.py", "test_framework/mocks.py", "pkg/mocks/ws.py", "pkg/fixtures/f.py",
    "e2e/flow.py", "e2e_tests/flow.py", "integration_tests/x.py", "pkg/test_utils/h.py", "conftest.py", "a_test.py",
    "t/unit/test_x.py",
])  # fmt: skip
def test_test_code_as_real_repositories_lay_it_out(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize("path", ["app/testimony.py", "app/contest/x.py", "app/latest/x.py", "tools/fixture_gen.py"])
def test_names_that_only_look_like_tests_are_production(path: str) -> None:
    assert not is_test_path(path)


def test_test_paths_globs_of_the_config_mark_more_test_code(tmp_path: Path) -> None:
    write_project(tmp_path, {"qa/harness.py": MANAGER.format(name="Harness"), "app/__init__.py": ""})
    assert _roles(tmp_path)["qa.harness.Harness"] == "class"
    configured = parse_table({"test-paths": ["qa"]})
    assert _roles(tmp_path, configured)["qa.harness.Harness"] == "test-code"
    assert is_test_path("qa/deep/x.py", ("qa",)) and not is_test_path("qaz/x.py", ("qa",))


def test_test_doubles_by_name_by_base_and_by_trivial_methods(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/testing_support.py": MANAGER.format(name="MockWebSocketManager") + MANAGER.format(name="SSotFakeStore"),
        "app/real.py": "from unittest import mock\n\nclass RecorderClient(mock.MagicMock):\n    pass\n",
        "test_framework/__init__.py": "",
        "test_framework/doubles.py": """
            class InMemoryQueue:
                def put(self, item):
                    return None
                def get(self):
                    return []
        """,
        "test_framework/base.py": MANAGER.format(name="SsotBaseTestCase"),
    })  # fmt: skip
    roles = _roles(tmp_path)
    assert roles["app.testing_support.MockWebSocketManager"] == "test-double"
    assert roles["app.testing_support.SSotFakeStore"] == "test-double"
    assert roles["app.real.RecorderClient"] == "test-double"
    assert roles["test_framework.doubles.InMemoryQueue"] == "test-double"  # trivial methods, in test code
    assert roles["test_framework.base.SsotBaseTestCase"] == "test-code"  # real logic, but test code


def test_a_constructor_that_always_raises_makes_a_guard(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/g.py": """
        class Guard:
            '''Use the factory.'''
            def __init__(self, *args, **kwargs):
                message = "use get_manager()"
                raise RuntimeError(message)

        class NewGuard:
            def __new__(cls, *args):
                raise TypeError("no")

        class Conditional:
            def __init__(self, ok):
                if not ok:
                    raise ValueError("bad")
                self.ok = ok
            def run(self):
                return 1

        class Abstract:
            def __init__(self):
                raise NotImplementedError

        class Child(Guard):
            pass
    """})  # fmt: skip
    roles = _roles(tmp_path)
    assert roles["app.g.Guard"] == roles["app.g.NewGuard"] == roles["app.g.Child"] == "guard"
    assert roles["app.g.Conditional"] == "class"
    assert roles["app.g.Abstract"] == "record"  # an abstract signature is not a guard (and it has no public method)


def test_shims_add_only_side_notes_around_super(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/base.py": MANAGER.format(name="Manager"), "app/shims.py": """
        import logging
        import warnings
        from app.base import Manager
        log = logging.getLogger(__name__)

        class LoggingManager(Manager):
            def __init__(self, *args, **kwargs):
                log.info("creating %s", args)
                warnings.warn("deprecated", DeprecationWarning, stacklevel=2)
                self._debug = False
                super().__init__(*args, **kwargs)

        class ComputingManager(Manager):
            def __init__(self, user_id):
                self.user_id = user_id.strip()
                super().__init__()

        class TunedManager(Manager):
            max_connections = 500
    """})  # fmt: skip
    roles = _roles(tmp_path)
    assert roles["app.shims.LoggingManager"] == "shim"
    assert roles["app.shims.ComputingManager"] == "class"  # it changes what the instance holds
    assert roles["app.shims.TunedManager"] == "class"  # a class-level override configures a variant


def test_orphaned_copies_backups_and_same_file_copies_but_not_plugins_scripts_or_subclasses(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/manager.py": MANAGER.format(name="WebSocketManager"),
        "app/use.py": "from app.ws.manager import WebSocketManager\nfrom app.plugins.alpha.flow import Flow\n",
        "backup/manager.py": MANAGER.format(name="WebSocketManager"),  # a backup directory
        "app/ws/manager_old.py": MANAGER.format(name="WebSocketManager"),  # an *_old.py next to the live file
        "tools/manager.py": MANAGER.format(name="WebSocketManager"),  # the same file copied elsewhere, not imported
        "app/ws/manager_v1.py": MANAGER.format(name="WebSocketManager"),  # a versioned copy nothing imports
        "scripts/run.py": MANAGER.format(name="WebSocketManager"),  # a script: its own program
        "app/plugins/__init__.py": "",
        "app/plugins/alpha/__init__.py": "",
        "app/plugins/alpha/flow.py": MANAGER.format(name="Flow"),
        "app/plugins/beta/__init__.py": "",
        "app/plugins/beta/flow.py": MANAGER.format(name="Flow"),  # a plugin loaded by name: sibling package
        "app/special/__init__.py": "",
        "app/special/manager.py": "from app.ws.manager import WebSocketManager as Base\n\nclass WebSocketManager(Base):\n"
                                  "    def extra(self):\n        return 1\n",  # a subclass of the same name
        "legacy/imported_old.py": MANAGER.format(name="WebSocketManager"),
        "app/legacy_user.py": "import legacy.imported_old\n",  # imported: live, whatever its name
    })  # fmt: skip
    project = api.load_project(tmp_path, Config(), jobs=1)
    roles = {v.fullname: r for v, r in project.concepts.roles.role.items()}
    live = ClassValue("app.ws.manager", "WebSocketManager")
    for orphan in ("backup.manager.WebSocketManager", "app.ws.manager_old.WebSocketManager", "tools.manager.WebSocketManager",
                   "app.ws.manager_v1.WebSocketManager"):
        assert roles[orphan] == "orphaned-copy", orphan
        assert project.concepts.roles.copied_class(ClassValue(*orphan.rsplit(".", 1))) == live
    assert roles["scripts.run.WebSocketManager"] == "script"
    assert roles["app.plugins.beta.flow.Flow"] == "class"
    assert roles["app.special.manager.WebSocketManager"] == "class"
    assert roles["legacy.imported_old.WebSocketManager"] == "class"


def test_an_orphaned_copy_is_reported_once_with_the_live_class(tmp_path: Path) -> None:
    from tests.helpers import scan_project, triples

    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/manager.py": MANAGER.format(name="WebSocketManager"),
        "app/use.py": "from app.manager import WebSocketManager\n",
        "backup/manager.py": MANAGER.format(name="WebSocketManager"),
        "backup/unique.py": MANAGER.format(name="SomethingElse"),  # dead, but a copy of nothing live: not reported
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, "SSOT105") == {("SSOT105", "backup/manager.py", 1)}
    (finding,) = [f for f in result.findings if f.code == "SSOT105"]
    assert [r.location.path for r in finding.related] == ["app/manager.py"]
    assert finding.fix_hint == "delete backup/manager.py (or the class); the live class is app.manager.WebSocketManager"
    assert triples(result, "SSOT101") == set()  # a live class and its dead copy are not two implementations


def test_methods_with_names_every_method_that_may_have_the_flag(tmp_path: Path) -> None:
    """``Roles.methods_with`` lets callers skip lookups: it must hold every name whose method has the flag (an
    inherited async def, a conditional variant, a class-level assignment of an async function), and only names some
    class along the MRO could give it."""
    root = write_project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/base.py": """
            import os
            class Base:
                async def fetch(self):
                    return 1
                async def pull(self):
                    return 1
                def close(self):
                    return None
                if os.environ.get("X"):
                    async def maybe(self):
                        return 1
                else:
                    def maybe(self):
                        return 2
            """,
        "pkg/impl.py": """
            from pkg.base import Base
            async def helper(self):
                return 3
            class Impl(Base):
                run = helper
                def fetch(self):
                    return 2
                def __init__(self):
                    raise RuntimeError("use make_impl()")
            """,
    })  # fmt: skip
    project = api.load_project(root, Config(), jobs=1)
    roles, impl = project.concepts.roles, ClassValue("pkg.impl", "Impl")
    assert roles.methods_with(impl, "is_async") == {"fetch", "pull", "maybe", "run"}
    assert roles.methods_with(impl, "always_raises") == {"__init__", "run"}
    assert roles.methods_with(ClassValue("pkg.base", "Base"), "delegates") == set()
    for name in ("fetch", "pull", "close", "maybe", "run", "__init__"):
        method = roles.method_function(impl, name)
        fact = project.index.find_function(method.module, method.qualname) if method else None
        if fact is not None and fact.is_async:
            assert name in roles.methods_with(impl, "is_async")
    # public methods only (``run`` is an assignment); of ``maybe``'s two definitions, the first by qualname (the
    # async one), in every process (the frozenset the lookup gives is ordered by string hashing)
    assert project.concepts.async_methods(impl) == ("maybe", "pull")


def test_equal_method_sets_are_one_object(tmp_path: Path) -> None:
    """Copies of a class and a subclass that adds no public method share one set of names (memory: at 4M lines of
    copies the sets were 110 MB); the sets are still each class's own answer."""
    body = "class Store:\n    def fetch(self):\n        return 1\n\n    def push(self, item):\n        return item\n"
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/store.py": body,
        "backup/__init__.py": "",
        "backup/store.py": body,
        "app/cached.py": "from app.store import Store\n\n\nclass Cached(Store):\n    def _hidden(self):\n        return 0\n",
        "app/more.py": "from app.store import Store\n\n\nclass More(Store):\n    def extra(self):\n        return 0\n",
    })
    methods = {v.fullname: names for v, names in api.load_project(root, Config(), jobs=1).concepts.roles.methods.items()}
    assert methods["app.store.Store"] == frozenset({"fetch", "push"})
    assert methods["backup.store.Store"] is methods["app.store.Store"]
    assert methods["app.cached.Cached"] is methods["app.store.Store"]
    assert methods["app.more.More"] == frozenset({"fetch", "push", "extra"})
