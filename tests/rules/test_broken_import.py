"""SSOT203 broken-import: an import path the project module behind it does not provide at run time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ssot_audit.model import Severity
from tests.helpers import scan_project, triples, write_project

CODE = "SSOT203"
WS = {
    "app/__init__.py": "",
    "app/ws/__init__.py": "from app.ws.manager import WebSocketManager\n",
    "app/ws/manager.py": """
        class _WebSocketManagerImplementation:
            def send(self):
                return None

        WebSocketManager = _WebSocketManagerImplementation
        UnifiedWebSocketManager = _WebSocketManagerImplementation
    """,
    "app/ws/unified_manager.py": "from app.ws.manager import WebSocketManager\n",
}


def findings(tmp_path: Path, files: dict[str, str], **config: object) -> set[tuple[str, str, int]]:
    write_project(tmp_path, files)
    return triples(scan_project(tmp_path, **config), CODE)


def test_removed_alias_still_imported(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **WS,
        "app/api.py": "from app.ws.unified_manager import UnifiedWebSocketManager\n",
        "app/jobs.py": """
            from app.ws.unified_manager import WebSocketManager

            def run():
                from app.ws.unified_manager import UnifiedWebSocketManager as Manager
                return Manager, WebSocketManager
        """,
        "app/ok.py": "from app.ws.manager import UnifiedWebSocketManager\nfrom app.ws import WebSocketManager\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/api.py", 1), (CODE, "app/jobs.py", 4)}
    finding = next(f for f in result.findings if f.code == CODE and f.location.path == "app/api.py")
    assert finding.severity is Severity.ERROR
    assert finding.fix_hint == "from app.ws.manager import UnifiedWebSocketManager"
    assert finding.facts["defined_in"] == ["app.ws.manager"]
    assert "app.ws.unified_manager neither defines nor re-exports UnifiedWebSocketManager" in finding.message


def test_missing_submodule_and_moved_module(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        **WS,
        "app/a.py": "from app.ws import gone\n",
        "app/b.py": "import app.ws.old_manager\n",
        "app/c.py": "from app.legacy.manager import WebSocketManager\n",
        "app/d.py": "from app.ws import manager\nimport app.ws.manager\nfrom . import ws\n",
        "app/e.py": "from .ws import old\n",
    }) == {(CODE, "app/a.py", 1), (CODE, "app/b.py", 1), (CODE, "app/c.py", 1), (CODE, "app/e.py", 1)}


def test_a_moved_module_is_named_where_a_module_of_that_name_lives(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **WS,
        "app/core/__init__.py": "",
        "app/core/settings.py": "DEBUG = False\n",  # app/settings.py moved here
        "backup/app_settings/settings.py": "DEBUG = True\n",  # a copy is never a suggestion
        "app/main.py": "from app.settings import DEBUG\nimport app.gone\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    moved, gone = sorted((f for f in result.findings if f.code == CODE), key=lambda f: f.location.line)
    assert moved.facts["defined_in"] == ["app.core.settings"]
    assert moved.message.endswith("; a module of that name is app.core.settings")
    assert moved.fix_hint.startswith("import from app.core.settings if that is where it went")
    assert gone.facts["defined_in"] == [] and "where it lives now" in gone.fix_hint


def test_module_attribute_read_through_import(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        **WS,
        "app/a.py": """
            import app.ws.manager
            import app.ws.manager as m
            from app.ws import manager

            def build():
                return app.ws.manager.Gone(), m.WebSocketManager()

            def other():
                return manager.Missing, m.Gone
        """,
    }) == {(CODE, "app/a.py", 6), (CODE, "app/a.py", 9)}


def test_type_checking_only_re_export_is_broken_at_run_time(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **WS,
        "app/types.py": """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.ws.manager import UnifiedWebSocketManager
        """,
        "app/a.py": "from app.types import UnifiedWebSocketManager\n",
        "app/b.py": """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.types import UnifiedWebSocketManager
                from app.ws.unified_manager import Gone
        """,
    })  # fmt: skip
    result = scan_project(tmp_path)
    assert triples(result, CODE) == {(CODE, "app/a.py", 1)}
    (finding,) = [f for f in result.findings if f.code == CODE]
    assert finding.facts["reason"] == "type-checking-only"


def test_guarded_import_with_fallback_is_a_note(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **WS,
        "app/a.py": """
            try:
                from app.ws.manager import FastManager
            except ImportError:
                FastManager = None
            try:
                from app.ws.manager import Required
            except ImportError:
                raise RuntimeError("reinstall")
            try:
                from app.ws.manager import Broad
            except Exception:
                Broad = None
        """,
        "app/b.py": """
            import contextlib

            with contextlib.suppress(ImportError):
                from app.ws.manager import Optional
            try:
                import app.ws.speedups
                HAVE = app.ws.speedups.enabled  # never runs when the import fails: no second finding
            except ImportError:
                HAVE = False
        """,
    })  # fmt: skip
    result = scan_project(tmp_path)
    severities = {(f.location.path, f.location.line): f.severity for f in result.findings if f.code == CODE}
    assert severities == {
        ("app/a.py", 2): Severity.NOTE,
        ("app/a.py", 6): Severity.ERROR,
        ("app/a.py", 10): Severity.NOTE,
        ("app/b.py", 4): Severity.NOTE,
        ("app/b.py", 6): Severity.NOTE,
    }


NAME_EXISTS_CASES = {
    "conditional binding": "import sys\nif sys.platform == 'win32':\n    def helper():\n        return 1\n",
    "binding in try": "try:\n    from json import loads as helper\nexcept ImportError:\n    pass\n",
    "global write in a function": "def setup():\n    global helper\n    helper = 1\n",
    "for-loop target": "for helper in range(3):\n    pass\n",
    "match capture": "match 1:\n    case helper:\n        pass\n",
    "module __getattr__": "def __getattr__(name):\n    return name\n",
    "lazy __getattr__": "import lazy_loader\n__getattr__, __dir__, __all__ = lazy_loader.attach(__name__)\n",
    "imported __getattr__": "from app._lazy import __getattr__\n",
    "star from outside": "from json import *\n",
    "globals() write": "globals()['helper'] = 1\n",
    "globals() in a function": "def install():\n    globals().update(helper=1)\n",
    "module-level exec": "exec('helper = 1')\n",
    "sys.modules self patch": "import sys\nsetattr(sys.modules[__name__], 'helper', 1)\n",
    "sys.modules replaced": "import sys\nsys.modules[__name__] = object()\n",
    "sys.modules update": "import sys\nsys.modules.update({})\n",
    "__path__ extended": "from pkgutil import extend_path\n__path__ = extend_path(__path__, __name__)\n",
    "__path__ appended": "__path__.append('/elsewhere')\n",
    "declare_namespace": "__import__('pkg_resources').declare_namespace(__name__)\n",
}


@pytest.mark.parametrize("source", NAME_EXISTS_CASES.values(), ids=NAME_EXISTS_CASES.keys())
def test_name_that_may_exist_is_not_reported(tmp_path: Path, source: str) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/_lazy.py": "def __getattr__(name):\n    return name\n",
        "app/lib/__init__.py": source,
        "app/use.py": "from app.lib import helper\nimport app.lib\n\napp.lib.helper()\n",
    }) == set()


def test_star_imports_are_followed_when_they_can_be(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/impl.py": "__all__ = ['shown']\ndef shown():\n    pass\ndef hidden():\n    pass\n",
        "app/facade.py": "from app.impl import *\n",
        "app/unknown.py": "from app.broken import *\n",
        "app/broken.py": "def oops(:\n",
        "app/use.py": """
            from app.facade import shown
            from app.facade import hidden
            from app.unknown import anything
        """,
    }) == {(CODE, "app/use.py", 2)}


@pytest.mark.parametrize("neighbour", ["lib.pyi", "lib.cpython-312-x86_64-linux-gnu.so", "lib.pyd", "lib.pyx"])
def test_stub_or_extension_beside_the_module_silences_it(tmp_path: Path, neighbour: str) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/lib.py": "", "app/use.py": "from app.lib import helper\n"})
    assert triples(scan_project(tmp_path), CODE) == {(CODE, "app/use.py", 1)}
    (tmp_path / "app" / neighbour).write_text("")
    assert triples(scan_project(tmp_path), CODE) == set()


@pytest.mark.parametrize("entry", ["helper.so", "helper/", "helper.json", "helper.py"])
def test_anything_of_that_name_in_the_package_may_be_imported(tmp_path: Path, entry: str) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/use.py": "from app import helper\n"})
    target = tmp_path / "app" / entry.rstrip("/")
    if entry.endswith("/"):
        target.mkdir()
    else:
        target.write_text("")
    assert findings(tmp_path, {}, exclude=("helper.py",)) == set()


@pytest.mark.parametrize("entry", ["helper.py~", ".helper.py.swp", ".#helper.py"])
def test_an_editors_backup_swap_or_lock_file_is_never_imported(tmp_path: Path, entry: str) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/use.py": "from app import helper\n", f"app/{entry}": ""})
    assert findings(tmp_path, {}) == {(CODE, "app/use.py", 1)}


def test_a_namesake_directory_elsewhere_may_be_on_the_package_search_path(tmp_path: Path) -> None:
    # ansible bundles a playbook's module_utils/ as ansible.module_utils: its files are that package's submodules
    files = {
        "lib/ansible/__init__.py": "",
        "lib/ansible/module_utils/__init__.py": "",
        "lib/ansible/module_utils/basic.py": "X = 1\n",
        "test/targets/utils/module_utils/foo0.py": "data = 1\n",
        "test/targets/utils/module_utils/basic.py": "Y = 1\n",  # replaces the library's basic.py on that path
        "test/targets/utils/library/use.py": (
            "from ansible.module_utils.foo0 import data\n"
            "from ansible.module_utils import foo0\n"
            "from ansible.module_utils.basic import Y\n"
            "from ansible.module_utils.bar0 import data as other\n"  # in no module_utils directory: reported
        ),
    }
    assert findings(tmp_path, files) == {(CODE, "test/targets/utils/library/use.py", 4)}
    # a copy of the package kept under backup/ is no search path: the removed name is still reported
    write_project(tmp_path / "backup", {"backup/lib/module_utils/bar0.py": "data = 1\n", **files})
    assert findings(tmp_path / "backup", {}) == {(CODE, "test/targets/utils/library/use.py", 4)}


def test_unanalysed_or_unknown_modules_are_not_judged(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/broken.py": "def oops(:\n",
        "app/skipped.py": "",
        "nspkg/inner/mod.py": "",
        "app/use.py": """
            from app.broken import helper
            from app.skipped import helper
            from nspkg import helper
            from json import nothing_there
        """,
    }, exclude=("skipped.py",)) == set()


def test_monkeypatched_names_exist(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/types.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.impl import NULL\n",
        "app/impl.py": """
            from app import types
            import app.registry as registry

            NULL = object()
            types.NULL = NULL
            setattr(registry, "DEFAULT", NULL)
        """,
        "app/registry.py": "",
        "app/plugins.py": "import app.hooks\n\nfor name in ('a', 'b'):\n    setattr(app.hooks, name, None)\n",
        "app/hooks.py": "",
        "app/use.py": """
            from app.types import NULL
            from app.registry import DEFAULT
            from app.hooks import a
        """,
    }) == set()


def test_a_caller_frame_writer_opens_the_calling_module(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/_aliases.py": """
            import sys

            def set_aliases(aliases):
                sys._getframe(1).f_globals.update(aliases)
        """,
        "app/abc.py": "from app._aliases import set_aliases\n\nset_aliases({'Old': object})\n",
        "app/use.py": "from app.abc import Old\nimport app.abc\n\napp.abc.Old\n",
    }) == set()


def test_attribute_reads_that_expect_absence_or_are_shadowed(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/config.py": "",
        "app/use.py": """
            from app import config

            if hasattr(config, "debug"):
                print(config.debug)

            def value():
                try:
                    return config.timeout
                except AttributeError:
                    return 3

            def names(configs):
                return [config.name for config in configs], (lambda config: config.port)

            def local(config):
                return config.host

            class Settings:
                config = {"a": 1}
                keys = config.keys()
        """,
    }) == set()


def test_dunder_and_type_checking_imports_are_never_reported(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/lib.py": "",
        "app/use.py": """
            from typing import TYPE_CHECKING
            from app.lib import __version__
            import app.lib

            if TYPE_CHECKING:
                from app.lib import Missing

            print(app.lib.__file__)
        """,
    }) == set()


def test_packages_local_to_tests_or_examples_may_shadow_installed_ones(tmp_path: Path) -> None:
    """``tests/sphinx/__init__.py`` is package ``sphinx`` only when ``tests/`` is on sys.path; an example package
    named ``pydantic`` is not the installed pydantic its own modules import."""
    assert findings(tmp_path, {
        "tests/sphinx/__init__.py": "",
        "tests/sphinx/test_links.py": "",
        "docs/_ext/djangodocs.py": "from sphinx import addnodes\nfrom sphinx.util import logging\n",
        "examples/pydantic/__init__.py": "",
        "examples/pydantic/tasks.py": "from pydantic import BaseModel\n",
        "tests/models/__init__.py": "",
        "tests/models/test_a.py": "from .fixtures import make\n",
    }) == {(CODE, "tests/models/test_a.py", 1)}


def test_own_package_init_importing_a_missing_submodule(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "from . import present\nfrom . import absent\n",
        "app/present.py": "",
    }) == {(CODE, "app/__init__.py", 2)}


def test_fingerprint_survives_moving_lines(tmp_path: Path) -> None:
    write_project(tmp_path, {**WS, "app/api.py": "from app.ws.unified_manager import UnifiedWebSocketManager\n"})
    before = {f.fingerprint for f in scan_project(tmp_path).findings if f.code == CODE}
    write_project(tmp_path, {"app/api.py": "# moved\n\nfrom app.ws.unified_manager import UnifiedWebSocketManager\n"})
    after = [f for f in scan_project(tmp_path).findings if f.code == CODE]
    assert [f.location.line for f in after] == [3]
    assert {f.fingerprint for f in after} == before


def test_related_location_points_at_the_module_that_lacks_the_name(tmp_path: Path) -> None:
    write_project(tmp_path, {
        **WS,
        "app/types.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.ws import WebSocketManager\n",
        "app/a.py": "from app.types import WebSocketManager\nfrom app.ws.unified_manager import Gone\n",
    })  # fmt: skip
    result = scan_project(tmp_path)
    related = {f.location.line: [(r.location.path, r.location.line) for r in f.related]
               for f in result.findings if f.code == CODE}  # fmt: skip
    assert related == {1: [("app/types.py", 4)], 2: [("app/ws/unified_manager.py", 1)]}


@pytest.mark.skipif(sys.version_info < (3, 12), reason="``type X = ...`` needs Python 3.12 to parse")
def test_type_alias_statement_binds_its_name(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/__init__.py": "",
        "app/lib.py": "type Helper = int\n",
        "app/use.py": "from app.lib import Helper\nfrom app.lib import Missing\n",
    }) == {(CODE, "app/use.py", 2)}


def test_a_chain_read_in_many_modules_is_judged_once_with_the_same_answer(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``_known_missing`` answers what ``_missing_attribute`` answers for every read (the plain definition, asked
    here each time), on generated projects, sample_repo and chains repeated across modules that probe or not."""
    from benchmarks.monorepo_gen.generate import generate
    from ssot_audit.rules import broken_import as rule

    fast, answers = rule._known_missing, []

    def both(known, spaces, info, use, values):  # type: ignore[no-untyped-def]
        found = fast(known, spaces, info, use, values)
        assert found == rule._missing_attribute(spaces, info, use, values)
        answers.append(found)
        return found

    monkeypatch.setattr(rule, "_known_missing", both)
    repeated = {"app/__init__.py": "", "app/config.py": "debug = 1\n", "app/sub/__init__.py": "",
                "app/sub/mod.py": "x = 1\n"}  # fmt: skip
    for i in range(4):  # the same chains from several modules; two of them probe ``timeout`` first
        probe = "if hasattr(config, 'timeout'):\n    pass\n" if i % 2 else ""
        repeated[f"app/use{i}.py"] = (f"import app.sub.mod\nfrom app import config\n{probe}"
                                      "print(config.debug, config.timeout, app.sub.mod.x, app.sub.mod.gone)\n"
                                      "def f():\n    return config.timeout, app.sub.gone.y\n")  # fmt: skip
    write_project(tmp_path / "repeated", repeated)
    # config.timeout and app.sub.mod.gone on the print line, config.timeout and app.sub.gone in f(); a module that
    # probes ``timeout`` (two lines longer) has only the other two
    expected = {(CODE, f"app/use{i}.py", line) for i in (0, 2) for line in (3, 5)}
    expected |= {(CODE, f"app/use{i}.py", line) for i in (1, 3) for line in (5, 7)}
    result = scan_project(tmp_path / "repeated")
    assert triples(result, CODE) == expected
    assert sorted(f.facts["missing"] for f in result.findings if f.location.path == "app/use0.py") == [
        "app.config.timeout", "app.config.timeout", "app.sub.gone", "app.sub.mod.gone"]
    assert sorted(f.facts["missing"] for f in result.findings if f.location.path == "app/use1.py") == [
        "app.sub.gone", "app.sub.mod.gone"]
    generate(tmp_path / "mono", files=300, seed=5)
    scan_project(tmp_path / "mono")
    scan_project(Path(__file__).resolve().parents[2] / "sample_repo")
    assert None in answers and any(a is not None for a in answers)


def test_a_namesake_trees_module_is_named_by_its_file_never_imported_from(tmp_path: Path) -> None:
    # services/b's app is tagged app#2 (two source roots hold a package app): a suggestion there is shown by its
    # file, and no hint or fix imports from "app#2.other", which is no Python
    write_project(tmp_path, {
        "services/a/app/__init__.py": "",
        "services/a/app/util.py": "X = 1\n",
        "services/a/app/main.py": "from app.util import helper\n",
        "services/b/app/__init__.py": "",
        "services/b/app/other.py": "def helper():\n    return 1\n",
        "services/b/app/use.py": "from app.other import helper\n",  # a live module: it would be the canonical one
    })  # fmt: skip
    (finding,) = [f for f in scan_project(tmp_path).findings if f.code == CODE]
    assert (finding.location.path, finding.location.line) == ("services/a/app/main.py", 1)
    assert finding.message.endswith("; it is defined in services/b/app/other.py")
    assert finding.fix_hint == "remove the import, or define helper in app.util"
    assert finding.facts["defined_in"] == ["app#2.other"] and "canonical_module" not in finding.facts
