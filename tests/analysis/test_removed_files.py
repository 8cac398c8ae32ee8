"""The scan after a file is removed or renamed (the commonest commit that removes one removes a test module): when
its absence changes nothing but its module emptied (``kept_removed``), it takes the path of an edit; every other
removal takes the whole scan; either way the output is a cold scan's, byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import ConceptConfig, Config, ConfigError
from tests.analysis.test_added_files import _project
from tests.analysis.test_class_edits import HANDLER_TEST, _class_project, logged_edits
from tests.analysis.test_interface_scan import random_edits
from tests.helpers import write_project

# test modules written to be removed later: ``test_added_files``' kinds (copies of a class: below)
TEST_MODULES = (
    "import unittest\n\nfrom tests.support import ClientHelper\n\n\n"
    "class GoneCase{n}(unittest.TestCase):\n"
    "    async def test_connect_{n}(self):\n        await ClientHelper().connect()\n",
    "from pkg.m1 import Manager1\nfrom pkg.m2 import tool_2\n\n\n"
    "async def test_send_{n}():\n    await Manager1().send(b'x')\n\n\ndef test_tool_{n}():\n    assert tool_2(1)\n",
    "class Recorder{n}:\n    def record_{n}(self, item):\n        self.item = item\n        return item\n\n\n"
    "def test_record():\n    assert Recorder{n}().record_{n}(1)\n",
)


def _remove(root: Path, rng: random.Random) -> str:
    """One random change: a test module written (to be removed later), one of those removed or renamed, removed with
    an edit of another file, two removed in one commit, one of the project's test modules removed (some imported by
    others, some holding a class a concept holds), or an import of a removed module written into a test module
    (broken: the scan reports it)."""
    ours = sorted(root.glob("tests/test_gone_*.py"))
    log = root.parent / "removed.txt"  # the modules removed so far (beside the tree: no file of it is edited)
    gone = sorted(set(log.read_text(encoding="utf-8").split())) if log.exists() else []
    kinds = ["write", "remove-other"] + (["remove", "rename", "commit"] if ours else []) \
        + (["two"] if len(ours) > 1 else []) + (["import-gone"] if gone else [])  # fmt: skip
    kind = rng.choice(kinds)
    n = rng.randrange(1000)
    if kind == "write":
        (root / f"tests/test_gone_{n}.py").write_text(rng.choice(TEST_MODULES).format(n=n), encoding="utf-8")
        return f"write test_gone_{n}.py"
    if kind == "import-gone":
        path = root / "tests/test_plain.py" if (root / "tests/test_plain.py").exists() else root / "toolbox.py"
        path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef test_gone_{n}():\n"
                        f"    import tests.{rng.choice(gone)}\n", encoding="utf-8")  # fmt: skip
        return f"import-gone {path.name}"
    if kind == "remove-other":
        others = sorted(p for p in root.glob("tests/*.py") if p.name != "__init__.py" and "gone" not in p.name)
        if not others:
            return "none"
        removed = [rng.choice(others)]
    elif kind == "two":
        removed = rng.sample(ours, 2)
    else:
        removed = [rng.choice(ours)]
    if kind == "commit":  # with an edit of another file: an async test added to a test module
        edited = root / "tests/test_plain.py" if (root / "tests/test_plain.py").exists() else root / "toolbox.py"
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n\nasync def test_more_{n}():\n    assert {n}\n",
                          encoding="utf-8")  # fmt: skip
    for path in removed:
        if kind == "rename":
            path.rename(path.with_name(f"test_gone_{n}.py"))
        else:
            path.unlink()
        with log.open("a", encoding="utf-8") as names:  # what an import may name later
            names.write(f"{path.stem}\n")
    return f"{kind} {' '.join(p.name for p in removed)}"


@pytest.mark.parametrize("seed", [7, 23])  # seeds that make each kind
def test_random_files_removed_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after a test module removed or renamed that
    nothing imports take the path, two removed in one commit too, and none after a module another imports
    (``base.py``, ``support.py``) or that holds a class a concept holds (``doubles.py``: a test double of a member);
    CI's scan after an import of a removed module takes the path (the hook's after it is whole when the scan asked
    the listing of the package for the missing name: the key its last result is under changed)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _remove, _project(), edits=16)
    kinds = {done.split()[0] for done, *_ in log}
    assert {"remove", "rename", "commit", "two", "remove-other", "import-gone"} <= kinds, log
    for done, *scans in log:
        kind, *names = done.split()
        if kind == "remove-other" and names[0] in ("base.py", "support.py", "doubles.py"):
            assert scans == [], (done, log)
        elif kind == "import-gone":
            assert scans[:1] == ["json"], (done, log)
        elif kind != "none":
            assert scans == ["json", "text"], (done, log)


TARGET = ("import unittest\n\n\nclass GoneCase(unittest.TestCase):\n    def test_it(self):\n"
          "        assert helper()\n\n\ndef helper():\n    return 1\n")


def _removal_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> list[list[str]]:
    """``logged_edits`` of ``_project`` with ``files``, the first of them removed."""
    removed = next(iter(files))

    def remove(root: Path, rng: random.Random) -> str:
        (root / removed).unlink()
        return removed

    return logged_edits(tmp_path, monkeypatch, 0, remove, {**_project(), **files}, edits=1)


@pytest.mark.parametrize("files, scans", [
    # a test module nothing names: the path
    ({"tests/test_target.py": TARGET}, ["json", "text"]),
    # a test module another imports (its import is then broken): the whole scan
    ({"tests/test_target.py": TARGET, "tests/test_user.py": "from tests.test_target import helper\n"}, []),
    # ... by a relative import of the module
    ({"tests/test_target.py": TARGET, "tests/test_user.py": "from . import test_target\n"}, []),
    # production code: a broken import's hint names the production modules of the name it misses
    ({"pkg/gone_helpers.py": "def gone_helper():\n    return 1\n",
      "pkg/user_old.py": "import app.gone_helpers\n"}, []),
    # the only module of a namespace package of tests
    ({"suite_ns/test_target.py": TARGET}, []),
    # ... of a namespace directory whose other modules are below it: it is no longer a namesake a plugin loader merges
    ({"suite_ns/test_target.py": TARGET, "suite_ns/deeper/test_more.py": TARGET.replace("GoneCase", "MoreCase")}, []),
    # module-level aliases of what the concept model names no alias of (an external function, a module's attribute):
    # the table of every module's aliases loses the module's rows, and what reads it is judged again: the path
    ({"tests/test_target.py": "import asyncio\nimport json\n\nLOOP = asyncio.get_event_loop\nparse = json.loads\n\n\n"
      + TARGET}, ["json", "text"]),
    # an alias of a class or a function of the project (the concept model's table of names keeps it): whole
    ({"tests/test_target.py": "from pkg.m1 import Manager1\n\nLegacyManager = Manager1\n\n\n" + TARGET}, []),
    ({"tests/test_target.py": "from pkg.m2 import tool_2\n\nrun_tool = tool_2\n\n\n" + TARGET}, []),

    # a name of it read through its package as an attribute chain (``import tests`` alone): that module's judgements
    # are judged again (it reads the name's leaf). The hook's scan after CI's is whole: the reads of the package's
    # listing for the name that is now missing (``TreeCache.asked``) changed the key its last result is under
    ({"tests/test_target.py": TARGET,
      "tests/test_user.py": "import tests\n\n\ndef test_use():\n    return tests.test_target.helper()\n"}, ["json"]),
    # ... the module itself, no name of it: it reads its package's namespace for the module's name
    ({"tests/test_target.py": TARGET,
      "tests/test_user.py": "import tests\n\n\ndef test_use():\n    return tests.test_target\n"}, ["json"]),
    # a store into another module's attribute that a broken import of that name reads (``Namespaces._is_patched``,
    # whose table of every module's stores is kept): the broken import is reported again
    ({"tests/test_target.py": "import pkg.m2\n\npkg.m2.no_such_name = 1\n\n\ndef test_it():\n    assert 1\n",
      "pkg/missing_name.py": "from pkg.m2 import no_such_name\n"}, ["json", "text"]),
    # a string ``importlib`` imports: the same leaf
    ({"tests/test_target.py": TARGET,
      "pkg/loader.py": "import importlib\n\n\ndef load():\n    return importlib.import_module('tests.test_target')\n"},
     ["json", "text"]),
])  # fmt: skip
def test_a_module_read_by_name_is_judged_again_or_takes_the_whole_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], scans: list[str]) -> None:  # fmt: skip
    """The scan after a module is removed that another module imports (directly or relatively), or that is production
    code or the only module of its package, takes the whole scan; one whose name a module reads through its package
    or names in a string ``importlib`` imports takes the path, and what read it is judged again. Either way a cold
    scan's output."""
    assert _removal_log(tmp_path, monkeypatch, files) == [[next(iter(files)), *scans]]


@pytest.mark.parametrize("files, scans", [
    # a copy under backup/ in a nested regular package (never put on a namesake's search path), a top-level package,
    # a directory that is no regular package (a plugin loader may merge those: ``namespace.Namespaces._namesakes``):
    # what reads whether the namesakes hold a module of its stem reads a leaf its absence fires. The path
    ({"tests/unit/test_target.py": TARGET, "tests/unit/__init__.py": "", "backup/tests/unit/test_target.py": TARGET},
     ["json", "text"]),
    ({"suite/test_target.py": TARGET, "suite/__init__.py": "",
      "suite/test_other.py": TARGET.replace("GoneCase", "OtherCase"), "backup/suite/test_target.py": TARGET},
     ["json", "text"]),
    ({"tests/unit/test_target.py": TARGET, "tests/unit/test_other.py": TARGET.replace("GoneCase", "OtherCase"),
      "backup/tests/unit/test_target.py": TARGET}, ["json", "text"]),
    # the one namesake module of ``vendor/helpers/core.py``, which a broken import names: SSOT203 kept silent while
    # a plugin loader could supply the name from it, and reports it once it is gone (the judgement is made again)
    ({"tests/helpers/core.py": TARGET, "tests/helpers/test_other.py": TARGET.replace("GoneCase", "OtherCase"),
      "vendor/helpers/core.py": "VALUE = 1\n", "pkg/use_vendor.py": "from vendor.helpers.core import absent\n"},
     ["json", "text"]),
])  # fmt: skip
def test_a_module_with_a_namesake_directory_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], scans: list[str]) -> None:  # fmt: skip
    """A test module of a stem that a directory of the same last name holds too (a copy kept under ``backup/``, a
    plugin directory): its removal takes the path, and what read whether a namesake directory holds a module of that
    stem is judged again (``(NAMESAKE, last name, stem)``). Each scan equals a cold scan's. (The walk patched in the
    first scan looks at ``tests/__init__.py``, written just before: compared by being a file, ``walkcache._A_FILE``;
    recorded as never matching, the next scan walked the tree again and no longer knew the file was gone.)"""
    assert _removal_log(tmp_path, monkeypatch, files) == [[next(iter(files)), *scans]]


COPIED = ("import unittest\n\n\nclass CopiedCase(unittest.TestCase):\n    def test_open(self):\n        assert 1\n\n"
          "    def test_read(self):\n        assert 2\n\n    def test_close(self):\n        assert 3\n")


@pytest.mark.parametrize("kept, changed, rename", [
    ("tests/test_copy_z.py", "tests/test_copy_a.py", False),  # the class removed is the first built: it lent its set
    ("tests/test_copy_a.py", "tests/test_copy_z.py", False),  # it held the other's set
    ("tests/test_copy_z.py", "tests/test_copy_a.py", True),  # renamed: one removed, one added with an equal set
    ("tests/test_copy_a.py", "tests/test_copy_z.py", True),
])  # fmt: skip
def test_a_copy_of_a_test_class_removed_or_renamed_takes_the_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: str, changed: str, rename: bool) -> None:  # fmt: skip
    """Two copies of a test case (backups, a suite pasted into two packages): a built model keeps their equal sets of
    public methods once, the first one built held by both. The scan after one copy's module is removed, or renamed
    (its class removed, and added again with a set equal to the other's), takes the path: nothing read of a set
    follows the order it iterates in (``Similarity.weigh`` sums exactly), and the kept columns still build the set
    the removed class lent. Each scan's output is a cold scan's."""

    def change(root: Path, rng: random.Random) -> str:
        path = root / changed
        if rename:
            path.rename(path.with_name("test_copy_renamed.py"))
        else:
            path.unlink()
        return changed

    files = {**_project(), kept: COPIED, changed: COPIED}
    log = logged_edits(tmp_path, monkeypatch, 0, change, files, edits=1)
    assert log == [[changed, "json", "text"]]


@pytest.mark.parametrize("through", [False, True])
def test_a_test_class_naming_an_external_base_a_compared_class_has_removed_takes_the_whole_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, through: bool) -> None:  # fmt: skip
    """``ChannelPool`` derives from ``framework.Handler`` and is compared with ``BufferedChannelPool``: the test
    cases of a module removed that name that base counted towards its hooks (``hooks.external_hooks``), which that
    comparison read. What they named is resolved in the module's facts as they were (the module is gone), ``through``
    another module removed with it that imports the base: the whole scan runs, and equals a cold scan's."""
    files = {path: text.replace("UnifiedChannelPool", "BufferedChannelPool") for path, text in _class_project().items()}
    files["tests/test_handler.py"] = HANDLER_TEST
    if through:
        files["tests/handler_base.py"] = "from framework import Handler\n"
        files["tests/test_handler.py"] = HANDLER_TEST.replace("from framework import", "from tests.handler_base import")
    files["pkg/pool_a.py"] = "from framework import Handler\n\n\n" + files["pkg/pool_a.py"].replace(
        "class ChannelPool:", "class ChannelPool(Handler):")  # fmt: skip

    def remove(root: Path, rng: random.Random) -> str:
        (root / "tests/test_handler.py").unlink()
        if through:
            (root / "tests/handler_base.py").unlink()
        return "remove"

    assert random_edits(tmp_path, monkeypatch, 0, remove, files=files, edits=1)[0] == 0


def test_a_module_the_configuration_names_removed_stops_the_scan_as_a_cold_scan_does(tmp_path: Path) -> None:
    """The configuration names a class of the module removed: a cold scan stops at the name it cannot find, and so
    does the scan with the cache (``kept_removed`` refuses the path, whose kept model would not look it up)."""
    root = write_project(tmp_path / "proj", {**_project(), "tests/test_target.py": TARGET})
    config = Config(concepts=(ConceptConfig("gone", canonical="tests.test_target.GoneCase"),))
    cache = tmp_path / "cache"
    api.scan_tree(root, config, jobs=1, cache_dir=cache)
    (root / "tests/test_target.py").unlink()
    with pytest.raises(ConfigError) as cached:
        api.scan_tree(root, config, jobs=1, cache_dir=cache)
    with pytest.raises(ConfigError) as cold:
        api.scan_tree(root, config, jobs=1, cache_dir=None)
    assert str(cached.value) == str(cold.value)
