"""The truth test of the dependency record (``analysis.trace``, harness in ``tests/trace_truth.py``): over seeded
random interface edits of four small projects (and a few crafted ones), every finding an edit changes outside the
edited file comes from a judgement the record of the old scan reaches from the edit's fired leaves, and so does every
memoised namespace answer that changes, under two string-hash seeds (which answers get memoised, and so which edges
exist, can depend on them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import fixable_project, incremental_project, write_project

REPO = Path(__file__).resolve().parents[2]
EDITS = 45  # three of each kind

# What real code has that the projects of ``tests/helpers.py`` lack: re-export chains through ``__init__``, star
# imports with and without ``__all__``, ``as`` aliases, module-level aliases, factories, subclass shims,
# function-local and ``TYPE_CHECKING`` imports, and broken imports (which the "mend-import" kind mends).
SHAPES = {
    "lib/__init__.py": "from lib.core import make_engine, Engine\nfrom lib.util import *\nfrom lib.shapes import *\n",
    "lib/core.py": '''
        from typing import TYPE_CHECKING

        from lib.util import helper as _helper, CONSTANT

        if TYPE_CHECKING:
            from lib.shapes import Shape


        class Engine:
            def run(self) -> int:
                return _helper() + CONSTANT


        def make_engine() -> Engine:
            return Engine()


        def get_engine() -> Engine:
            return make_engine()


        async def start() -> int:
            return 1


        def shape_of(x: "Shape") -> "Shape":
            return x


        Factory = make_engine
    ''',
    "lib/util.py": '''
        __all__ = ["helper", "CONSTANT", "Tool", "get_tool"]

        CONSTANT = 3


        def helper() -> int:
            return CONSTANT


        def _private() -> int:
            return 1


        class Tool:
            def run(self) -> int:
                return 2


        def get_tool(kind: str = "") -> Tool:
            tool = Tool()
            return tool
    ''',
    "lib/shapes.py": '''
        SIDE = 2


        class Shape:
            def area(self) -> int:
                return 0


        class Square(Shape):
            def area(self) -> int:
                return SIDE * SIDE


        def area(shape: Shape) -> int:
            return shape.area()


        async def measure() -> int:
            return SIDE
    ''',
    "lib/compat.py": '''
        from lib import make_engine as create_engine
        from lib.core import Engine as LegacyEngine
        from lib.util import helper

        OldEngine = LegacyEngine


        class EngineShim(LegacyEngine):
            pass


        def get_legacy() -> LegacyEngine:
            return create_engine()
    ''',
    "lib/broken.py": "from lib.util import missing_name\nfrom lib.core import vanished\n\nVALUE = missing_name\n",
    "app/__init__.py": "",
    "app/main.py": '''
        import lib.core as core
        from lib import make_engine, helper, Square, area, measure
        from lib.compat import create_engine, OldEngine, get_legacy


        async def go() -> None:
            await helper()
            measure()
            await core.start()


        def run() -> int:
            from lib.util import get_tool
            tool = get_tool()
            core.start()
            return tool.run() + area(Square()) + make_engine().run() + create_engine().run() + OldEngine().run()


        def legacy() -> int:
            return get_legacy().run()
    ''',
    "app/more.py": '''
        from lib.shapes import *
        from lib.core import get_engine, Factory
        from lib.broken import VALUE


        def total() -> int:
            return area(Square()) + SIDE + get_engine().run() + Factory().run() + VALUE
    ''',
    # a chain of plain re-exports: the first import resolved memoises every hop, the later ones hit a hop's answer
    "chain/__init__.py": "",
    "chain/a_user.py": "from chain.b_top import ping\n\n\nasync def first() -> None:\n    await ping()\n",
    "chain/b_top.py": "from chain.c_mid import ping\n",
    "chain/c_mid.py": "from chain.d_end import ping\n",
    "chain/d_end.py": "def ping() -> int:\n    return 1\n\n\ndef pong() -> int:\n    return 2\n",
    "chain/e_user.py": "from chain.c_mid import ping\n\n\nasync def second() -> None:\n    await ping()\n",
    # a class whose base is named through an alias module: member lookups walk its order, memoised per class
    "kin/__init__.py": "",
    "kin/base.py": "class Base:\n    def run(self) -> int:\n        return 1\n",
    "kin/alias.py": "from kin.base import Base as Parent\n",
    "kin/child.py": "from kin.alias import Parent\n\n\nclass Child(Parent):\n    pass\n",
    "kin/one.py": "from kin.child import Child\n\n\nasync def one() -> None:\n    await Child().run()\n",
    "kin/two.py": "from kin.child import Child\n\n\nasync def two() -> None:\n    await Child().run()\n",
}  # fmt: skip

# Edits that need a shape above to tell a missing record (``tests.trace_truth.run_crafted``): the end of the chain
# changed (a hop's answer, memoised without being computed, reads the next hop:
# ``module_namespace._follow_reexports``), the alias a base class is named through taken away (a member lookup's
# walk, memoised per class, reads the class).
CRAFTED = [
    ("chain/d_end.py", "chain.d_end", "rename-def", "ping", "def ping()", "def ping_renamed()"),
    ("chain/d_end.py", "chain.d_end", "rename-all", "ping", "def ping()", "async def ping()"),
    ("chain/d_end.py", "chain.d_end", "add-constant", "ping", "    return 2\n", "    return 2\n\n\nping = pong\n"),
    ("chain/c_mid.py", "chain.c_mid", "remove-reexport", "ping", "from chain.d_end import ping\n", "pass\n"),
    ("kin/alias.py", "kin.alias", "remove-reexport", "Parent", "from kin.base import Base as Parent\n", "pass\n"),
    ("kin/alias.py", "kin.alias", "add-constant", "Parent",
     "from kin.base import Base as Parent\n", "from kin.base import Base as Parent\nParent = int\n"),
]  # fmt: skip

PROJECTS = {
    "incremental": lambda root: write_project(root, incremental_project()),
    "fixable": lambda root: write_project(root, fixable_project()),
    "sample_repo": lambda root: shutil.copytree(REPO / "sample_repo", root),
    "shapes": lambda root: write_project(root, SHAPES),
}


def harness(root: Path, hash_seed: int, *options: str) -> dict[str, dict]:
    """The harness's report for ``root`` (``tests/trace_truth.py``), run in a process with ``PYTHONHASHSEED``."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run([sys.executable, "-m", "tests.trace_truth", str(root), *options], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode in (0, 1) and done.stdout, done.stderr  # 1: a miss, which the tests below show
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Every project's report under hash seeds 1 and 2 (one old scan each, then an edit at a time)."""
    found = {}
    for name, make in PROJECTS.items():
        root = tmp_path_factory.mktemp(name) / "proj"
        make(root)
        for hash_seed in (1, 2):
            found[(name, hash_seed)] = harness(root, hash_seed, "--seed", "1", "--edits", str(EDITS))
            if name == "shapes":
                options = ("--crafted", "tests.analysis.test_trace_truth:CRAFTED")
                found[("crafted", hash_seed)] = harness(root, hash_seed, *options)
    return found


@pytest.mark.parametrize("hash_seed", [1, 2])
@pytest.mark.parametrize("project", [*PROJECTS, "crafted"])
def test_a_finding_changes_only_where_the_record_reaches(reports: dict, project: str, hash_seed: int) -> None:
    """No finding outside E changes whose judgement the record does not reach, after an edit the interface path
    takes (the rules reading the model, SSOT101/103/201/202, rest on the model kept only when the record shows the
    model read nothing fired, and on ``edits._model_holds``: an added import, which changes SSOT201's counts of
    other modules' imports, is not taken)."""
    report = reports[(project, hash_seed)]
    assert [m for r in report.values() for m in r["misses"]] == []
    assert [m for r in report.values() for m in r["answer_misses"]] == []  # the resolver's answers, leaf by leaf
    enough = len(CRAFTED) if project == "crafted" else 15  # the classifier accepts enough edits to mean something
    assert sum(r["accepted"] for r in report.values()) >= enough


def test_the_path_is_taken_for_edits_of_every_project(reports: dict) -> None:
    """Enough edits are ones the interface path takes for the findings' check to guard it."""
    taken = {key: sum(r["taken"] for r in report.values()) for key, report in reports.items()}
    assert all(n >= 3 for key, n in taken.items() if key[0] != "crafted"), taken


def test_every_edit_kind_is_accepted_somewhere(reports: dict) -> None:
    """Each kind of edit is checked at least once on some project (else the test guards nothing for it)."""
    kinds = next(iter(reports.values()))
    accepted = {kind: sum(report[kind]["accepted"] for report in reports.values() if kind in report) for kind in kinds}
    assert all(accepted.values()), accepted


def kind_reports(factory: pytest.TempPathFactory, kind: str, seed: int, edits: int,
                 projects: tuple[str, ...] = tuple(PROJECTS)) -> dict[tuple[str, int], dict[str, dict]]:  # fmt: skip
    """The harness's reports for ``edits`` edits of one kind of ``trace_edits.MORE_KINDS`` (run apart from the
    rotation above) of each of ``projects``, under hash seeds 1 and 2."""
    found = {}
    for name in projects:
        root = factory.mktemp(f"{name}-{kind}") / "proj"
        PROJECTS[name](root)
        for hash_seed in (1, 2):
            found[(name, hash_seed)] = harness(root, hash_seed, "--seed", str(seed), "--edits", str(edits), "--kinds",
                                               kind)  # fmt: skip
    return found


def without_misses(reports: dict[tuple[str, int], dict[str, dict]], kind: str) -> list[dict]:
    """The reports of ``kind``, each checked to miss nothing: no finding, no namespace answer the record does not
    reach."""
    found = [report[kind] for report in reports.values()]
    assert [m for r in found for m in r["misses"]] == []
    assert [m for r in found for m in r["answer_misses"]] == []
    return found


def crafted_report(tmp_path: Path, files: dict[str, str], crafted: str, kind: str, hash_seed: int) -> dict:
    """The harness's report of the crafted edits ``crafted`` (a list of this module) of ``files``, checked to miss
    nothing."""
    root = tmp_path / "proj"
    write_project(root, files)
    report = harness(root, hash_seed, "--crafted", f"tests.analysis.test_trace_truth:{crafted}")[kind]
    assert report["misses"] == [] and report["answer_misses"] == []
    return report


@pytest.fixture(scope="module")
def async_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Methods made async or sync: every project under hash seeds 1 and 2."""
    return kind_reports(tmp_path_factory, "method-async", 1, 10)


def test_a_method_made_async_or_sync_changes_findings_only_where_the_record_reaches(async_reports: dict) -> None:
    """The class's ``CLASS`` leaf and the method's ``HEAD`` and ``FUNCTION`` leaves fire (``InterfaceChange.toggled``);
    a production class is checked as if the kept model let it through. Enough such edits are taken, and change
    findings, for the check to mean something (in the concept-heavy projects the model reads every class's methods:
    the whole scan)."""
    reports = without_misses(async_reports, "method-async")
    assert sum(r["taken"] for r in reports) >= 10 and sum(r["units_differing"] for r in reports) >= 4, reports


# A local a function reads, assigned another class (``interface_change``: the function is changed, its ``FUNCTION``
# leaf fires): what ``make()`` returns, and so whether ``await make().run()`` in another module awaits a plain
# method (SSOT401), is read through the local; a method's local likewise (``Maker.build``).
LOCALS = {
    "loc/__init__.py": "",
    "loc/made.py": '''
        class Sync:
            def run(self) -> int:
                return 1


        class Async:
            async def run(self) -> int:
                return 1


        def make():
            made = Sync()
            return made


        class Maker:
            def build(self):
                built = Sync()
                return built
    ''',
    "loc/user.py": '''
        from loc.made import Maker, make


        async def use() -> None:
            await make().run()


        async def use_maker() -> None:
            await Maker().build().run()
    ''',
    "loc/value.py": "from loc.made import make\n\nMADE = make()\n",  # a namespace answer read through the local
    "loc/other.py": "from loc.value import MADE\n\n\nasync def use_value() -> None:\n    await MADE.run()\n",
}  # fmt: skip
CRAFTED_LOCALS = [
    ("loc/made.py", "loc.made", "local-rebind", "make made", "    made = Sync()", "    made = Async()"),
    ("loc/made.py", "loc.made", "local-rebind", "build built", "    built = Sync()", "    built = Async()"),
]  # fmt: skip


@pytest.mark.parametrize("hash_seed", [1, 2])
def test_a_local_another_module_reads_through_a_call_changes_findings_only_where_the_record_reaches(
        tmp_path: Path, hash_seed: int) -> None:  # fmt: skip
    """Each edit changes SSOT401 in ``loc/user.py`` (outside the edited file): the record reaches that judgement
    from the function's leaves, and the path takes the edit."""
    report = crafted_report(tmp_path, LOCALS, "CRAFTED_LOCALS", "local-rebind", hash_seed)
    assert report["accepted"] == report["taken"] == 2 and report["units_differing"] >= 2, report


@pytest.fixture(scope="module")
def local_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Locals a function reads assigned something else: the projects that have such locals."""
    return kind_reports(tmp_path_factory, "local-rebind", 2, 12, ("sample_repo", "shapes"))


def test_a_local_assigned_something_else_changes_findings_only_where_the_record_reaches(local_reports: dict) -> None:
    """No miss, and the interface path takes enough of them (before, it refused every one: the whole scan ran)."""
    reports = without_misses(local_reports, "local-rebind")
    assert sum(r["accepted"] for r in reports) >= 40 and sum(r["taken"] for r in reports) >= 20, reports


# Calls outside function bodies (``interface_change.module_calls``): whether a module fills other namespaces at
# import time (``namespace._edited_at_import``: a call of a function reaching its caller's frame) decides whether a
# name another module imports from it may be missing (SSOT203). ``mc/compat.py`` calls nothing at module level (the
# answer has no node: the asker reads its ``MODULE_CALLS`` leaf), ``mc/compat2.py`` calls the writer (a node).
MODULE_CALLS = {
    "mc/__init__.py": "",
    "mc/writers.py": '''
        import sys


        def install(**names):
            sys._getframe(1).f_globals.update(names)


        def note(text):
            return text
    ''',
    "mc/compat.py": "from mc.writers import install, note\n\nVERSION = 1\n",
    "mc/compat2.py": "from mc.writers import install, note\n\nVERSION = 2\ninstall(legacy_two=2)\n",
    "mc/user.py": "from mc.compat import legacy_one\nfrom mc.compat2 import legacy_two\n",
}  # fmt: skip
CRAFTED_MODULE_CALLS = [
    ("mc/compat.py", "mc.compat", "module-call", "install", "VERSION = 1\n", "VERSION = 1\ninstall(legacy_one=1)\n"),
    ("mc/compat2.py", "mc.compat2", "module-call", "install", "install(legacy_two=2)\n", "note(2)\n"),
    ("mc/compat.py", "mc.compat", "module-call", "note", "VERSION = 1\n", "VERSION = 1\nnote(1)\n"),
]  # fmt: skip


@pytest.mark.parametrize("hash_seed", [1, 2])
def test_a_call_outside_function_bodies_changes_findings_only_where_the_record_reaches(
        tmp_path: Path, hash_seed: int) -> None:  # fmt: skip
    """A call of a namespace writer added at module level silences SSOT203 of ``mc/user.py`` (outside the edited
    file), one taken away makes it; the record reaches that judgement from the module's ``MODULE_CALLS`` leaf, and
    the path takes every edit (a plain call too)."""
    found = crafted_report(tmp_path, MODULE_CALLS, "CRAFTED_MODULE_CALLS", "module-call", hash_seed)
    assert found["accepted"] == found["taken"] == 3 and found["units_differing"] >= 2, found


@pytest.mark.parametrize("module", ["mc.compat", "mc.compat2"])
def test_the_calls_outside_function_bodies_are_a_leaf_of_who_asked_whether_the_module_fills_namespaces(
        tmp_path: Path, module: str) -> None:  # fmt: skip
    """SSOT203's judgement of ``mc/user.py`` asked whether each module fills other namespaces at import time: the
    module's ``MODULE_CALLS`` leaf reaches it, whether the answer has a node (``mc.compat2`` calls something there)
    or not (``mc.compat`` calls nothing: the asker reads the leaf itself)."""
    from ssot_audit.analysis.trace import MODULE_CALLS as LEAF, UNIT
    from ssot_audit.config import load_config
    from tests.trace_truth import traced_scan

    root = write_project(tmp_path / "proj", MODULE_CALLS)
    _, recorded = traced_scan(root, load_config(root), 1)
    assert (UNIT, "SSOT203", "mc.user") in recorded.reached([(LEAF, module)])


@pytest.fixture(scope="module")
def module_call_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Calls outside function bodies added: every project."""
    return kind_reports(tmp_path_factory, "module-call", 3, 8)


def test_a_call_outside_function_bodies_added_changes_findings_only_where_the_record_reaches(
        module_call_reports: dict) -> None:  # fmt: skip
    """No miss, and the interface path takes them (before, it refused every one: the whole scan ran)."""
    reports = without_misses(module_call_reports, "module-call")
    assert sum(r["taken"] for r in reports) >= 40, reports


# Classes of test code added and removed (``interface_change.added_classes``, ``removed_classes``): another test
# module imports ``LaterCase`` before it exists (SSOT203) and awaits its plain method once it does (SSOT401), and
# awaits ``ServiceCase``'s, which goes away (SSOT401 gone, SSOT203 come).
TEST_CLASSES = {
    "tc/__init__.py": "",
    "tc/service.py": "class Service:\n    def run(self) -> int:\n        return 1\n",
    "tests/__init__.py": "",
    "tests/cases.py": '''
        from tc.service import Service


        class ServiceCase:
            def test_run(self):
                self.seen = Service().run()
                return self.seen


        class OtherCase:
            def test_other(self):
                self.other = 2
                return self.other
    ''',
    "tests/test_users.py": '''
        from tests.cases import LaterCase, ServiceCase


        async def test_later() -> None:
            await LaterCase().test_later()


        async def test_service() -> None:
            await ServiceCase().test_run()
    ''',
}  # fmt: skip
TEST_CLASSES = {path: textwrap.dedent(text).lstrip("\n") for path, text in TEST_CLASSES.items()}
_LATER = "class LaterCase:\n    def test_later(self):\n        self.later = 1\n        return self.later\n\n\n"
CRAFTED_TEST_CLASSES = [
    ("tests/cases.py", "tests.cases", "class-add", "LaterCase", "class OtherCase:", _LATER + "class OtherCase:"),
    ("tests/cases.py", "tests.cases", "class-remove", "ServiceCase",
     TEST_CLASSES["tests/cases.py"].split("\n\n\n")[1] + "\n\n\n", ""),
]  # fmt: skip


@pytest.mark.parametrize("hash_seed", [1, 2])
def test_a_test_class_added_or_removed_changes_findings_only_where_the_record_reaches(
        tmp_path: Path, hash_seed: int) -> None:  # fmt: skip
    """``LaterCase`` added silences SSOT203 of ``tests/test_users.py`` and makes its SSOT401; ``ServiceCase`` removed
    does the reverse: the record reaches those judgements from the names' leaves, and the path takes both edits
    (the kept model judges the classes: ``kept_judgements.patched_test_classes``)."""
    root = tmp_path / "proj"
    write_project(root, TEST_CLASSES)
    report = harness(root, hash_seed, "--crafted", "tests.analysis.test_trace_truth:CRAFTED_TEST_CLASSES")
    added, removed = report["class-add"], report["class-remove"]
    for found in (added, removed):
        assert found["misses"] == [] and found["answer_misses"] == []
        assert found["accepted"] == found["taken"] == 1 and found["units_differing"] >= 2, found


@pytest.fixture(scope="module")
def test_class_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Classes of test code added and removed: ``sample_repo`` (its test classes are doubles) and the test code of
    ``test_class_edits`` (helpers, test cases deriving from one another, a mock), under hash seeds 1 and 2."""
    from tests.analysis.test_class_edits import _class_project

    found = {}
    projects = {"sample_repo": PROJECTS["sample_repo"], "classes": lambda r: write_project(r, _class_project())}
    for name, make in projects.items():
        root = tmp_path_factory.mktemp(f"{name}-classes") / "proj"
        make(root)
        for hash_seed in (1, 2):
            found[(name, hash_seed)] = harness(root, hash_seed, "--seed", "4", "--edits", "16", "--kinds",
                                               "class-add,class-remove", "--test-code")  # fmt: skip
    return found


@pytest.mark.parametrize("kind", ["class-add", "class-remove"])
def test_a_test_class_added_or_removed_at_random_changes_findings_only_where_the_record_reaches(
        test_class_reports: dict, kind: str) -> None:  # fmt: skip
    """No miss; enough edits are taken, and change findings of other modules, for the check to mean something (a
    class deriving from a test double is a double, one others derive from reaches the model: the path refuses
    those; ``sample_repo``'s test classes are all doubles: none of its removals is taken)."""
    reports = without_misses(test_class_reports, kind)
    assert sum(r["taken"] for r in reports) >= 10 and sum(r["units_differing"] for r in reports) >= 10, reports


@pytest.fixture(scope="module")
def name_move_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Module-level names moved among the others: every project under hash seeds 1 and 2."""
    return kind_reports(tmp_path_factory, "name-move", 5, 10)


def test_a_name_moved_among_the_others_changes_findings_only_where_the_record_reaches(
        name_move_reports: dict) -> None:  # fmt: skip
    """Names that change places are changed names (``interface_change._moved_keys``): no miss, and the path takes
    them (an alias moved is refused: the model reads the aliases in their order)."""
    reports = without_misses(name_move_reports, "name-move")
    assert sum(r["taken"] for r in reports) >= 20, reports


@pytest.fixture(scope="module")
def class_attr_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Class attributes added or given another value: every project under hash seeds 1 and 2."""
    return kind_reports(tmp_path_factory, "class-attr", 6, 16)


def test_a_class_attribute_changes_findings_only_where_the_record_reaches(class_attr_reports: dict) -> None:
    """A class attribute is a member: its class's ``CLASS`` leaf fires (a private one's ``MEMBER`` leaf), and the
    member lookups that found it or not are reached. No miss; enough edits are taken, and change findings of other
    modules, for the check to mean something (a class whose body added nothing, a shim, is refused: the roles read
    that)."""
    reports = without_misses(class_attr_reports, "class-attr")
    assert sum(r["taken"] for r in reports) >= 30 and sum(r["units_differing"] for r in reports) >= 40, reports


# Stores into another module's attributes (``mod.attr = ...``, ``setattr``): whether some module patches a name in
# decides whether a name another module imports from it may be missing (SSOT203 of ``st/user.py``).
STORES = {
    "st/__init__.py": "",
    "st/conf.py": "VERSION = 1\n",
    "st/user.py": "from st.conf import DEBUG, LEVEL, QUIET\n\n\ndef show():\n    return DEBUG, LEVEL, QUIET\n",
    "tests/__init__.py": "",
    "tests/test_conf.py": "import st.conf\n\n\ndef test_conf():\n    st.conf.VERSION = 2\n    st.conf.LEVEL = 3\n",
}
CRAFTED_STORES = [
    ("tests/test_conf.py", "tests.test_conf", "attr-store", "DEBUG", "    st.conf.LEVEL = 3\n",
     "    st.conf.LEVEL = 3\n    st.conf.DEBUG = True\n"),
    ("tests/test_conf.py", "tests.test_conf", "attr-store", "LEVEL", "    st.conf.LEVEL = 3\n", ""),
    ("tests/test_conf.py", "tests.test_conf", "attr-store", "*", "    st.conf.LEVEL = 3\n",
     "    st.conf.LEVEL = 3\n    setattr(st.conf, 'QUI' + 'ET', 1)\n"),
]  # fmt: skip


@pytest.mark.parametrize("hash_seed", [1, 2])
def test_a_store_into_another_module_changes_findings_only_where_the_record_reaches(
        tmp_path: Path, hash_seed: int) -> None:  # fmt: skip
    """A store of ``DEBUG`` into ``st.conf`` added silences SSOT203 of ``st/user.py``, one of ``LEVEL`` taken away
    makes it, a computed ``setattr`` silences them all: the record reaches that judgement from the attribute's
    ``STORES`` leaf, and the path takes every edit."""
    found = crafted_report(tmp_path, STORES, "CRAFTED_STORES", "attr-store", hash_seed)
    assert found["accepted"] == found["taken"] == 3 and found["units_differing"] >= 3, found


@pytest.fixture(scope="module")
def instance_attr_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Instance attributes assigned in a method: every project under hash seeds 1 and 2."""
    return kind_reports(tmp_path_factory, "instance-attr", 7, 16)


def test_an_instance_attribute_changes_findings_only_where_the_record_reaches(instance_attr_reports: dict) -> None:
    """An instance attribute is read by the member lookups and by what a facade holds (``Similarity.held``), both
    under the class's ``CLASS`` leaf, which fires (``Moved.attrs``) in production code too now. No miss; enough
    edits are taken, and change findings of other modules (in the concept-heavy projects the model read every such
    class: the whole scan)."""
    reports = without_misses(instance_attr_reports, "instance-attr")
    assert sum(r["taken"] for r in reports) >= 15 and sum(r["units_differing"] for r in reports) >= 20, reports


@pytest.fixture(scope="module")
def line_comment_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Comments put at the end of module-level assignments: every project under hash seeds 1 and 2."""
    return kind_reports(tmp_path_factory, "line-comment", 7, 10)


def test_a_binding_that_only_moved_changes_findings_only_where_the_record_reaches(line_comment_reports: dict) -> None:
    """A module-level assignment whose line changed but nothing else of it (a comment at its end): its name is
    changed and ``placed``, its leaves walked apart with the model's reads of them left out, as the scan walks them:
    no miss (what the rules read of them is still reached). The model's side is checked against cold scans where it
    reads such names (an import wrapped: ``tests/analysis/test_import_edits.py``)."""
    reports = without_misses(line_comment_reports, "line-comment")
    assert sum(r["taken"] for r in reports) >= 20, reports


@pytest.fixture(scope="module")
def decorator_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, dict]]:
    """Decorators written above methods and classes: every project under hash seeds 1 and 2."""
    return kind_reports(tmp_path_factory, "decorator", 11, 10)


def test_a_decorator_changes_findings_only_where_the_record_reaches(decorator_reports: dict) -> None:
    """A decorator written above a method or a class (``InterfaceChange.classes``, ``decorated``): the method's
    ``HEAD`` fires, not its ``SCOPE`` (what a name read in it resolves through is the same), and the class's
    ``CLASS`` leaf: no miss, and edits are taken (of test code, and of private methods)."""
    reports = without_misses(decorator_reports, "decorator")
    assert sum(r["taken"] for r in reports) >= 10, reports
