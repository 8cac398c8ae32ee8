"""The project index's shortcut queries answer what their plain definitions answer (kept here to compare)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.analysis.usage import module_attribute_sites
from ssot_audit.analysis.values import ClassValue, FunctionValue, ModuleValue
from ssot_audit.api import Project
from ssot_audit.analysis.facts import CallSite, Expr
from ssot_audit.analysis.index import ModuleInfo, ProjectIndex, resolve_relative
from ssot_audit.config import Config

from benchmarks.monorepo_gen.generate import generate
from tests.helpers import write_project

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"

CALLS = {
    "app/__init__.py": "from .core import run\nrun()\n",
    "app/core.py": (
        "import app.util as util\n"
        "from . import util as u2\n"
        "def run():\n"
        "    util.helper()\n"
        "    u2.helper().run()\n"
        "    handlers[0]()\n"
        "    (lambda: 1)()\n"
        "    make()()\n"
        "    run()\n"
        "    class Local:\n"
        "        x = util.helper()\n"
        "handlers = [run]\n"
    ),
    "app/util.py": "def helper():\n    return 1\nhelper()\nhelper()\n",
    "other/__init__.py": "",
    "other/run.py": "from app import run as go\ngo()\nimport app\napp.run()\n",
}


COPY = {
    "__init__.py": "from pkg.m import f\nfrom .m import g\n",
    "m.py": "from pkg import sub\nfrom ..pkg import x\ndef f(): pass\ndef g(): f()\n",
    "sub/__init__.py": "from .. import m\nfrom pkg.m import f\nf()\n",
}
TWO_ROOTS = {f"{root}/pkg/{path}": text for root in ("one", "two") for path, text in COPY.items()}
SHADOWS = {  # module names read where a function, a closure or ``global`` rebinds or reaches the imported name
    "lib/__init__.py": "",
    "lib/util.py": "def helper():\n    return 1\nclass K:\n    pass\n",
    "lib/other.py": "def helper():\n    return 2\n",
    "app/__init__.py": "",
    "app/main.py": (
        "import lib.util as util\n"
        "import lib.other\n"
        "from lib import other\n"
        "util.helper()\n"
        "def plain():\n"
        "    return util.helper(), lib.other.helper(), other.helper()\n"
        "def shadowed():\n"
        "    util = other\n"
        "    def inner():\n"
        "        return util.helper(), lib.other.helper()\n"
        "    def rebinds():\n"
        "        util = 1\n"
        "        return util.real\n"
        "    def global_one():\n"
        "        global util\n"
        "        return util.helper()\n"
        "    return util.helper(), inner, rebinds, global_one\n"
        "class C:\n"
        "    def method(self):\n"
        "        lib = self\n"
        "        return lib.other.helper(), util.K\n"
        "    def other_method(self):\n"
        "        return lib.util.K, util.K\n"
        "if util:\n"
        "    util = None\n"
    ),
}


def _last_name(expr: Expr) -> str | None:
    """The plain definition: the identifier a call expression ends in."""
    if expr is None:
        return None
    if expr[0] == "n":
        return str(expr[1])
    if expr[0] == "a":
        return str(expr[2])
    return None


def _plain_calls_named(index: ProjectIndex, names: set[str]) -> list[tuple[ModuleInfo, CallSite]]:
    return [(info, call) for info in index.iter_modules() for call in info.facts.calls if _last_name(call.func) in names]


def _projects(tmp_path: Path) -> list[Project]:
    write_project(tmp_path / "calls", CALLS)
    write_project(tmp_path / "roots", TWO_ROOTS)
    generate(tmp_path / "mono", files=120, seed=5)
    write_project(tmp_path / "shadows", SHADOWS)
    roots = (tmp_path / "calls", tmp_path / "roots", tmp_path / "mono", tmp_path / "shadows", SAMPLE)
    return [api.load_project(root, Config(), jobs=1) for root in roots]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> list[Project]:
    return _projects(tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="module")
def projects(loaded: list[Project]) -> list[ProjectIndex]:
    return [project.index for project in loaded]


def test_calls_named_are_the_calls_whose_callee_ends_in_a_name_in_order(projects: list[ProjectIndex]) -> None:
    for index in projects:
        every = sorted({n for info in index.iter_modules() for c in info.facts.calls if (n := _last_name(c.func))})
        assert len(every) >= 1
        choices = [set(), {"helper"}, {"run", "go", "absent"}, set(every[::3]), set(every)]
        for names in choices:
            assert list(index.find_calls_named(names)) == _plain_calls_named(index, names), names
        assert list(index.find_calls_named(["run", "run"])) == _plain_calls_named(index, {"run"})


def test_calls_named_on_the_small_project(projects: list[ProjectIndex]) -> None:
    index = projects[0]
    assert [(i.name, c.line) for i, c in index.find_calls_named({"helper"})] == [
        ("app.core", 4), ("app.core", 5), ("app.core", 11), ("app.util", 3), ("app.util", 4),
    ]  # fmt: skip
    assert [(i.name, c.line) for i, c in index.find_calls_named({"run", "go"})] == [
        ("app", 2), ("app.core", 5), ("app.core", 9), ("other.run", 2), ("other.run", 4),
    ]  # fmt: skip


def test_functions_are_every_module_s_functions_in_module_and_definition_order(projects: list[ProjectIndex]) -> None:
    for index in projects:
        plain = [(info, func) for info in index.iter_modules() for func in info.facts.functions.values()]
        assert len(plain) >= 2
        assert list(index.iter_functions()) == plain
        assert [(i.name, f.qualname) for i, f in index.iter_functions()] == [(i.name, f.qualname) for i, f in plain]


def test_absolute_import_module_is_the_plain_resolution(projects: list[ProjectIndex]) -> None:
    assert any("#" in name for name in projects[1].modules), "a second source root's modules are tagged"
    for index in projects:
        for _ in range(2):  # the second round is answered from what the first kept
            for info in index.iter_modules():
                for imp in info.facts.imports:
                    plain = resolve_relative(info.name, info.is_package, imp.level, imp.module)
                    if imp.level == 0:
                        plain = index.same_root_name(info.name, plain)
                    assert index.absolute_import_module(info.name, imp) == plain


def test_import_sources_are_absolute_import_module_of_each_import(projects: list[ProjectIndex]) -> None:
    """``import_sources`` works each module's out on its own (the passes over every import read them): the same
    answers as ``absolute_import_module``, relative, tagged and plain imports alike, each at its import's position,
    and imported_modules_of the same as ``imported_module_of``."""
    kinds = set()
    for index in projects:
        for info in index.iter_modules():
            imports = info.facts.imports
            assert index.import_sources(info.name) == tuple(index.absolute_import_module(info.name, i) for i in imports)
            assert index.import_sources(info.name) is index.import_sources(info.name)  # kept
            assert list(index.imported_modules_of(info.name)) == [index.imported_module_of(info.name, i) for i in imports]
            kinds.update((imp.level > 0, "#" in info.name) for imp in imports)
    assert kinds == {(False, False), (True, False), (False, True), (True, True)}


def test_module_root_is_the_first_name_of_a_read_when_that_is_one_module(loaded: list[Project]) -> None:
    kinds = set()
    for project in loaded:
        for info in project.index.iter_modules():
            for use in info.facts.attr_uses:
                root, _ = use.parts()
                values = project.resolver.resolve_name(info.name, use.scope, root)
                one_module = len(values) == 1 and isinstance(next(iter(values)), ModuleValue)
                assert project.resolver.module_root(info.name, use) == (values if one_module else None)
                kinds.add(one_module)
    assert kinds == {True, False}


def test_module_reads_are_the_reads_whose_root_is_one_module(loaded: list[Project]) -> None:
    """``module_reads`` resolves each name once per scope that binds it: the same reads, in order, with the same
    module as resolving every read's first name in its own scope."""
    kept = 0
    for project in loaded:
        resolver = project.resolver
        for info in project.index.iter_modules():
            plain = [(use, root) for use in info.facts.attr_uses
                     if not use.type_checking and (root := resolver.module_root(info.name, use)) is not None]  # fmt: skip
            assert list(resolver.module_reads(info.name)) == plain, info.name
            kept += len(plain)
    assert kept >= 10


def test_module_reads_leave_out_type_checking_and_resolve_a_local_import_in_its_function(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "pkg/__init__.py": "", "pkg/mod.py": "def helper(): ...\n",
        "app.py": "from typing import TYPE_CHECKING\nimport pkg.mod\nif TYPE_CHECKING:\n    x = pkg.mod.other\n"
                  "y = pkg.mod.helper\n\ndef f():\n    import pkg.mod as m\n    return m.helper, pkg.mod.helper\n",
    })  # fmt: skip
    project = api.load_project(tmp_path, Config(), jobs=1)
    reads = [(u.line, u.col, u.scope, sorted(v.name for v in values))  # type: ignore[attr-defined]
             for u, values in project.resolver.module_reads("app")]  # fmt: skip
    assert reads == [(5, 4, "", ["pkg"]), (9, 11, "f", ["pkg.mod"]), (9, 21, "f", ["pkg"])]


def _plain_module_attribute_sites(project: Project) -> list[tuple[str, str, str, object]]:
    """The plain definition: every read followed attribute by attribute, nothing remembered across reads."""
    resolver, found = project.resolver, {}
    for info in project.index.iter_modules():
        for use, values in resolver.module_reads(info.name):
            for attr in use.parts()[1]:
                if len(values) != 1 or not isinstance(next(iter(values)), ModuleValue):
                    break
                module = next(iter(values)).name  # type: ignore[attr-defined]
                values = resolver.module_attr(module, attr)
                target = next(iter(values)) if len(values) == 1 else None
                if isinstance(target, ClassValue | FunctionValue) and "." not in target.qualname:
                    found.setdefault((info.name, module, attr), target)
                    break
    return [(importer, module, name, target) for (importer, module, name), target in sorted(found.items())]


def test_module_attribute_sites_follow_each_chain_once(loaded: list[Project]) -> None:
    total = 0
    for project in loaded:
        sites = module_attribute_sites(project.index, project.resolver)
        assert sites == _plain_module_attribute_sites(project)
        total += len(sites)
    assert total >= 5
