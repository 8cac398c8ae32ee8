"""The resolver: imports, re-exports, star imports, ``__all__``, module ``__getattr__``, aliases, conditions."""

from __future__ import annotations

from pathlib import Path

from ssot_audit import api
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis.values import UNKNOWN, ClassValue, ExternalValue, FunctionValue, ModuleValue
from ssot_audit.config import Config

from tests.helpers import write_project


def resolver(tmp_path: Path, files: dict[str, str]) -> Resolver:
    write_project(tmp_path, files)
    return api.load_project(tmp_path, Config(), jobs=1).resolver


DEFS = "class Manager:\n    pass\n\ndef get_manager():\n    return Manager()\n\ndef _private():\n    return 1\n"
MANAGER = ClassValue("app.defs", "Manager")
GET = FunctionValue("app.defs", "get_manager")


def test_star_import_without_all_exports_public_names_only(tmp_path: Path) -> None:
    r = resolver(tmp_path, {"app/__init__.py": "from app.defs import *\n", "app/defs.py": DEFS})
    assert r.module_attr("app", "Manager") == {MANAGER}
    assert r.module_attr("app", "get_manager") == {GET}
    assert r.module_attr("app", "_private") == frozenset()
    assert r.module_attr("app", "missing") == frozenset()


def test_star_import_honours_all(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "from .defs import *\n",
        "app/defs.py": "__all__ = ['get_manager']\n__all__ += ['_private']\n" + DEFS,
    })  # fmt: skip
    assert r.module_attr("app", "Manager") == frozenset()
    assert r.module_attr("app", "get_manager") == {GET}
    assert r.module_attr("app", "_private") == {FunctionValue("app.defs", "_private")}
    # __all__ only limits star imports: a direct import still finds every name.
    assert r.module_attr("app.defs", "Manager") == {MANAGER}


def test_all_extended_with_unknown_names_exports_public_names(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "from app.defs import *\n",
        "app/defs.py": "from app.other import NAMES\n__all__ = ['get_manager']\n__all__ += NAMES\n" + DEFS,
        "app/other.py": "NAMES = ['Manager']\n",
    })  # fmt: skip
    assert r.module_attr("app", "Manager") == {MANAGER}


def test_module_getattr_makes_missing_names_unknown_not_absent(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "from app.defs import Manager\n\ndef __getattr__(name):\n    return None\n",
        "app/defs.py": DEFS,
        "app/plain.py": "x = 1\n",
    })  # fmt: skip
    assert r.module_attr("app", "Manager") == {MANAGER}
    assert r.module_attr("app", "anything") == {UNKNOWN}
    assert r.module_attr("app.plain", "anything") == frozenset()


def test_alias_chains(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": DEFS + "B = Manager\nA = B\nC = A\n",
        "app/use.py": "from app.defs import C as D\nE = D\n",
    })  # fmt: skip
    assert r.resolve_name("app.use", "", "E") == {MANAGER}


def test_conditional_module_level_bindings_give_every_candidate(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": DEFS,
        "app/use.py": """
            import sys
            from app.defs import Manager, get_manager

            if sys.platform == "win32":
                Impl = Manager
            else:
                Impl = get_manager

            Later = Manager
            Later = get_manager
        """,
    })  # fmt: skip
    assert r.resolve_name("app.use", "", "Impl") == {MANAGER, GET}
    assert r.resolve_name("app.use", "", "Later") == {GET}


def test_try_except_import_error_gives_both_candidates(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": DEFS,
        "app/use.py": "try:\n    from fast import Manager\nexcept ImportError:\n    from app.defs import Manager\n",
    })  # fmt: skip
    assert r.resolve_name("app.use", "", "Manager") == {ExternalValue("fast.Manager"), MANAGER}


def test_type_checking_imports_resolve_for_annotations(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": DEFS,
        "app/use.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from app.defs import Manager

            def handler(manager: "Manager"):
                return manager
        """,
    })  # fmt: skip
    (value,) = r.resolve_name("app.use", "handler", "manager")
    assert value.cls == MANAGER  # type: ignore[union-attr]


def test_from_dot_import_submodule_in_own_init(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/core/__init__.py": "from . import defs\nfrom .defs import Manager as M\n",
        "app/core/defs.py": DEFS,
        "app/use.py": "from app.core import defs, M\n",
    })  # fmt: skip
    assert r.resolve_name("app.use", "", "defs") == {ModuleValue("app.core.defs")}
    assert r.resolve_name("app.use", "", "M") == {ClassValue("app.core.defs", "Manager")}


def test_relative_imports_two_levels_up(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": DEFS,
        "app/a/__init__.py": "",
        "app/a/b/__init__.py": "from ...defs import Manager\n",
        "app/a/b/c.py": "from ..b import Manager\nfrom ... import defs\n",
    })  # fmt: skip
    assert r.resolve_name("app.a.b.c", "", "Manager") == {MANAGER}
    assert r.resolve_name("app.a.b.c", "", "defs") == {ModuleValue("app.defs")}


def test_circular_reexports_do_not_hang(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "from app.b import x\n",
        "app/b.py": "from app.c import x\n",
        "app/c.py": "from app import x\n",
        "app/star1.py": "from app.star2 import *\n",
        "app/star2.py": "from app.star1 import *\n",
    })  # fmt: skip
    assert r.module_attr("app", "x") == {UNKNOWN}
    assert r.module_attr("app.star1", "y") == {UNKNOWN}  # the cycle is cut: unknown, never a finding


def test_closures_and_methods_of_local_classes_see_enclosing_locals(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": DEFS,
        "app/use.py": """
            from app.defs import get_manager

            def outer():
                factory = get_manager

                class Local:
                    def run(self):
                        return factory

                def inner():
                    return factory

                return Local, inner
        """,
    })  # fmt: skip
    assert r.resolve_name("app.use", "outer.<locals>.inner", "factory") == {GET}
    assert r.resolve_name("app.use", "outer.<locals>.Local.run", "factory") == {GET}


def test_relative_import_beyond_the_top_level_package_reaches_nothing(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/m.py": "from .. import helpers\nfrom ..helpers import run\n",
        "script.py": "from . import helpers\n",
        "helpers.py": "def run():\n    return 1\n",
    })  # fmt: skip
    assert r.resolve_name("app.m", "", "helpers") == {ExternalValue("...helpers")}  # ".." + "." + name
    assert r.resolve_name("app.m", "", "run") == {ExternalValue("..helpers.run")}
    assert r.resolve_name("script", "", "helpers") == {ExternalValue("..helpers")}


def test_module_getattr_does_not_hide_builtins_inside_the_module(tmp_path: Path) -> None:
    r = resolver(tmp_path, {
        "app/__init__.py": "",
        "app/errors.py": """
            class AppError(Exception):
                pass

            def __getattr__(name):
                raise AttributeError(name)
        """,
    })  # fmt: skip
    assert r.resolve_name("app.errors", "", "Exception") == {ExternalValue("builtins.Exception")}
    assert r.resolve_name("app.errors", "", "undefined_name") == {UNKNOWN}
    assert r.module_attr("app.errors", "Exception") == {UNKNOWN}  # from outside, __getattr__ may answer
