"""The scan after a file is added (the commonest commit that adds one writes a test module): when nothing of the last
scan looked for the new module (``kept_added``), it is an empty module the scan edited, judged on the interface
path; every other added file takes the whole scan; either way the output is a cold scan's, byte for byte."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.analysis.test_class_edits import _class_project, logged_edits
from tests.helpers import scan_output

# modules other files name but the tree lacks: an import of a module (broken until it is written), a relative
# import of one (each also asks its package's listing for the name: ``TreeCache.asked``), an import of a top-level
# module (which only the lookup by name records: ``index.Modules.missed``)
MISSING = {
    "helpers_top.py": "def run():\n    return 1\n",
    "pkg/helpers_missing.py": "def helper(x):\n    return x\n",
    "tests/fixtures_missing.py": "def fixture_value():\n    return 1\n",
}
USERS = {
    "toolbox.py": "def tool():\n    return 1\n",  # the root holds a module: one written beside it is named
    "tests/test_top.py": "import helpers_top\n\n\nasync def test_go():\n    await helpers_top.run()\n",
    "pkg/uses_missing.py": "from pkg.helpers_missing import helper\n\n\ndef run():\n    return helper(1)\n",
    "tests/test_uses_missing.py": (
        "from . import fixtures_missing\n\n\ndef test_value():\n    assert fixtures_missing.fixture_value()\n"
    ),
}
TEST_MODULES = (
    # a test case using the helper (an awaited sync method: SSOT401 in the new module)
    "import unittest\n\nfrom tests.support import ClientHelper\n\n\n"
    "class AddedCase{n}(unittest.TestCase):\n"
    "    async def test_connect(self):\n        await ClientHelper().connect()\n",
    # async tests and an import of a concept's class
    "from pkg.m1 import Manager1\nfrom pkg.m2 import tool_2\n\n\n"
    "async def test_send_{n}():\n    await Manager1().send(b'x')\n\n\ndef test_tool_{n}():\n    assert tool_2(1)\n",
    # a test helper class, used by the test beside it
    "class Recorder{n}:\n    def record(self, item):\n        self.item = item\n        return item\n\n\n"
    "def test_record():\n    assert Recorder{n}().record(1)\n",
)
PRODUCTION = (  # functions (a production module importing a concept's class may change its ranking: not here)
    "def added_tool_{n}(x):\n    return x\n",
    "from pkg.m2 import tool_2\n\n\nasync def fetch_{n}():\n    return tool_2(1)\n",
)


def _project() -> dict[str, str]:
    """``_class_project`` with modules that name modules the tree lacks (``MISSING``)."""
    return {**_class_project(), **USERS}


def _add(root: Path, rng: random.Random) -> str:
    """One random file added (or one added before edited): a test module, a production module of functions, one
    that some module named while it was missing, a test module in a new directory (a package, inside another new one
    or not, its ``__init__`` empty or importing the test; or no package), a test module with a function it imports
    written into another module (a commit's two files)."""
    n = rng.randrange(1000)
    added = sorted(root.glob("tests/test_added_*.py"))
    kind = rng.choice(["test", "test", "test", "production", "missing", "directory", "commit",
                       "edit" if added else "test"])  # fmt: skip
    if kind == "missing":
        left = [path for path in MISSING if not (root / path).exists()]
        if not left:
            return "none"
        path = rng.choice(left)
        (root / path).write_text(MISSING[path], encoding="utf-8")
        return f"missing {path}"
    if kind == "edit":
        path = rng.choice(added)
        path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef test_more_{n}():\n    assert {n}\n",
                        encoding="utf-8")  # fmt: skip
        return f"edit {path.name}"
    if kind == "directory":  # a directory of tests: a package (nested in another new one, or not), or no package
        where = root / "tests" / f"sub_{n}"
        package, nested = rng.random() < 0.6, rng.random() < 0.4
        if package and nested:
            where.mkdir()
            (where / "__init__.py").write_text("", encoding="utf-8")
            where = where / "inner"
        where.mkdir()
        if package:
            (where / "__init__.py").write_text(rng.choice(("", f"from .test_deep_{n} import test_deep\n")),
                                               encoding="utf-8")  # fmt: skip
        (where / f"test_deep_{n}.py").write_text(f"def test_deep():\n    assert {n}\n", encoding="utf-8")
        return f"{'package' if package else 'directory'} {where.relative_to(root)}"
    if kind == "commit":  # a test module added, and a function written into the module it tests
        tools = root / "pkg" / "tools.py"
        tools.write_text(tools.read_text(encoding="utf-8") + f"\n\ndef tool_{n}():\n    return {n}\n", encoding="utf-8")
        test = f"from pkg.tools import tool_{n}\n\n\ndef test_tool_{n}():\n    assert tool_{n}() == {n}\n"
        (root / "tests" / f"test_added_{n}.py").write_text(test, encoding="utf-8")
        return f"commit test_added_{n}.py"
    if kind == "production":
        path = root / "pkg" / f"added_{n}.py"
        path.write_text(rng.choice(PRODUCTION).format(n=n), encoding="utf-8")
        return f"production {path.name}"
    path = root / "tests" / f"test_added_{n}.py"
    path.write_text(rng.choice(TEST_MODULES).format(n=n), encoding="utf-8")
    return f"test {path.name}"


@pytest.mark.parametrize("seed", [62, 63])  # seeds that make each kind
def test_random_files_added_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after a test module or a production module
    of functions added to a package take the path, and after one added before edited, after a test module added
    with the function it imports written into another module, and after a new package of tests (its ``__init__.py``
    and a test module); none after a module some module named while it was missing (its import or its relative
    import would now find it), nor after a module written in a new directory that is no package."""
    log = logged_edits(tmp_path, monkeypatch, seed, _add, _project())
    kinds = {done.split()[0] for done, *_ in log}
    assert {"test", "missing", "package", "directory", "commit"} <= kinds, log  # the seeds make each kind
    for done, *scans in log:
        kind = done.split()[0]
        if kind in ("test", "production", "edit", "commit", "package"):
            assert scans == ["json", "text"], (done, log)
        elif kind in ("missing", "directory"):
            assert scans == [], (done, log)


@pytest.mark.parametrize("files, added", [
    # a top-level module a broken import named (only the lookup by name records it)
    ({path: USERS[path] for path in ("toolbox.py", "tests/test_top.py")},
     {"helpers_top.py": MISSING["helpers_top.py"]}),
    # a module whose import gives other modules other names (``discovery.assign_module_names``: a package inside a
    # directory of no ``__init__``, ``ns.shop``, is named ``shop`` once some module imports ``shop``)
    ({"ns/shop/__init__.py": "", "ns/shop/core.py": "def go():\n    return 1\n",
      "pkg/main2.py": "from ns.shop.core import go\n\n\ndef run():\n    return go()\n"},
     {"tests/test_shop.py": "import shop.core\n\n\ndef test_go():\n    assert shop.core.go()\n"}),
    # a module of a stem a broken ``from pkg import name`` asked the listing about
    ({"pkg/asks.py": "from pkg import notes_missing\n"}, {"pkg/notes_missing.py": "VALUE = 1\n"}),
    # a production module of the last name of a module a broken import misses (the import's hint names it)
    ({"pkg/user_old.py": "import app.gone_helpers\n"}, {"pkg/gone_helpers.py": "def gone_helper():\n    return 1\n"}),
    # a new package a broken import named
    ({"pkg/use_sub.py": "from pkg.new_sub import thing\n"}, {"pkg/new_sub/__init__.py": "thing = 1\n"}),
    # an ``__init__.py`` written into a directory of modules: no longer a namespace package, it is no namesake of
    # ``vendor/plain`` (a plugin loader merges namespace packages), whose broken import is then reported
    ({"pkg/plain/core.py": "def go():\n    return 1\n", "vendor/plain/core.py": "VALUE = 1\n",
      "pkg/use_vendor.py": "from vendor.plain.core import absent\n"}, {"pkg/plain/__init__.py": ""}),
    # a new top-level package, a namesake of ``vendor/newtop``: it may supply that one's names
    ({"vendor/newtop/core.py": "VALUE = 1\n", "pkg/use_vendor.py": "from vendor.newtop.core import absent\n"},
     {"newtop/__init__.py": "", "newtop/core.py": "VALUE = 2\n"}),
])  # fmt: skip
def test_a_module_something_looked_for_takes_the_whole_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             files: dict[str, str],
                                                             added: dict[str, str]) -> None:  # fmt: skip
    """The scan after a module is written that a broken import named, whose imports rename other modules, or whose
    stem a broken import asked the listing about, a production module of the last name a broken import misses (its
    hint names such modules), or after a package is made that a broken import named, that turns a namespace package
    into a regular one, or that is a top-level namesake, takes the whole scan, and gives a cold scan's output. (The
    configuration cannot name a module the tree lacks: the scan stops at it, ``concepts.ConceptModel._lookup``.)"""

    def add(root: Path, rng: random.Random) -> str:
        for path, text in added.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        return " ".join(added)

    log = logged_edits(tmp_path, monkeypatch, 0, add, {**_class_project(), **files}, edits=1)
    assert log == [[" ".join(added)]]


COPY = "def test_copied():\n    assert 1\n"


@pytest.mark.parametrize("files", [
    # a nested regular package: never put on a namesake's search path (``namespace.Namespaces._namesakes``)
    {"tests/unit/__init__.py": "", "tests/unit/test_one.py": COPY, "backup/tests/unit/test_copy.py": COPY},
    # a top-level package may be (the copy's ``Namespaces._replaced`` reads whether it holds a module of the stem)
    {"suite/__init__.py": "", "suite/test_one.py": COPY, "backup/suite/test_copy.py": COPY},
    # ... as may a directory that is no regular package
    {"tests/unit/test_one.py": COPY, "backup/tests/unit/test_copy.py": COPY},
])  # fmt: skip
def test_a_module_added_beside_its_copy_in_a_namesake_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:  # fmt: skip
    """A test module written whose copy a directory of the same last name keeps (``backup/tests/unit``): the scan
    takes the path, whether or not its directory may be put on the copy's search path by a plugin loader (the
    copy's answers read the leaf the addition fires, ``trace.namesake_leaf``), and gives a cold scan's
    output."""
    written = "/".join(next(iter(files)).split("/")[:-1] + ["test_copy.py"])

    def add(root: Path, rng: random.Random) -> str:
        (root / written).write_text(COPY, encoding="utf-8")
        return written

    log = logged_edits(tmp_path, monkeypatch, 0, add, {**_project(), **files}, edits=1)
    assert log == [[written, "json", "text"]]


def test_a_namesake_module_added_that_silences_a_broken_import(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A module written in a namesake directory of the module a broken ``from`` import names (``vendor/helpers`` of
    ``plugins/helpers``, neither a package: a plugin loader may merge them) may replace that module, whose names are
    then no longer known: SSOT203 goes silent. The scan takes the path and gives a cold scan's output, SSOT203 gone
    (the answer read the ``(NAMESAKE, "helpers", "core")`` leaf the addition fires; unfired, the finding stays)."""
    files = {"plugins/helpers/core.py": "def go():\n    return 1\n",
             "plugins/use.py": "from plugins.helpers.core import absent\n", "vendor/helpers/other.py": "VALUE = 1\n"}
    reported = []

    def add(root: Path, rng: random.Random) -> str:
        reported.append(_broken_names(root))
        (root / "vendor/helpers/core.py").write_text("OTHER = 2\n", encoding="utf-8")
        reported.append(_broken_names(root))
        return "core"

    log = logged_edits(tmp_path, monkeypatch, 0, add, {**_class_project(), **files}, edits=1)
    assert log == [["core", "json", "text"]]
    assert reported == [{("plugins/use.py", 1)}, set()]


def _broken_names(root: Path) -> set[tuple[str, int]]:
    """Where a cold scan of ``root`` reports SSOT203."""
    findings = json.loads(scan_output(root, None))["findings"]
    return {(f["location"]["path"], f["location"]["line"]) for f in findings if f["code"] == "SSOT203"}
