"""Module-level aliases (``X = Y``) written, changed or taken away by an edit, or in a file added: the scan takes the
interface path when no new alias names a class or function of the project (``rerun.new_aliases_unnamed``), and
gives a cold scan's output byte for byte either way."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ssot_audit import api
from ssot_audit.config import Config
from tests.analysis.test_added_files import _project
from tests.analysis.test_class_edits import logged_edits

TEST = "\n\ndef test_it():\n    assert 1\n"


@pytest.mark.parametrize("path, text, scans", [
    # a test module added with aliases of what is no class or function of the project: the path
    ("tests/test_aliases.py", "import asyncio\nimport json\n\nLOOP = asyncio.get_event_loop\nparse = json.loads\n",
     ["json", "text"]),
    # ... of an external module's attribute read through an import ``as`` (aiohttp's ``BenchmarkFixture``)
    ("tests/test_bench.py", "import pytest_codspeed as codspeed\n\nBenchmarkFixture = codspeed.BenchmarkFixture\n",
     ["json", "text"]),
    # an alias of a class of the project (the concept model's table of names would hold it): the whole scan
    ("tests/test_legacy.py", "from pkg.m1 import Manager1\n\nLegacyManager = Manager1\n", []),
    # ... of a function of the project
    ("tests/test_tool.py", "from pkg.m2 import tool_2\n\nrun_tool = tool_2\n", []),
])  # fmt: skip
def test_a_module_added_with_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, text: str,
                                     scans: list[str]) -> None:  # fmt: skip
    """A test module written that binds module-level aliases: the table of every module's aliases gains its rows
    (``(ALIASES, "")`` fires), and the scan takes the path unless one names a class or function of the project."""

    def add(root: Path, rng: random.Random) -> str:
        (root / path).write_text(text + TEST, encoding="utf-8")
        return path

    assert logged_edits(tmp_path, monkeypatch, 0, add, _project(), edits=1) == [[path, *scans]]


@pytest.mark.parametrize("old, new, scans", [
    # an alias of an external function added to a test module: the path
    ("import json\n", "import json\n\nparse = json.loads\n", ["json", "text"]),
    # taken away
    ("import json\n\nparse = json.loads\n", "import json\n", ["json", "text"]),
    # retargeted to another external function
    ("import json\n\nparse = json.loads\n", "import json\n\nparse = json.dumps\n", ["json", "text"]),
    # retargeted to a class of the project: the whole scan
    ("import json\n\nparse = json.loads\n", "import json\nimport pkg.m1\n\nparse = pkg.m1.Manager1\n", []),
    # an alias of a class of the project taken away (the kept row's line is dropped: ``restore_state``): whole
    ("import pkg.m1\n\nLegacyManager = pkg.m1.Manager1\n", "import pkg.m1\n", []),
])  # fmt: skip
def test_an_alias_edited_in_a_test_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                                          scans: list[str]) -> None:  # fmt: skip
    """A module-level alias added, taken away or retargeted in a test module the last scan had: the path unless the
    new alias names a class or function of the project, or the old one did."""

    def edit(root: Path, rng: random.Random) -> str:
        (root / "tests/test_edited.py").write_text(new + TEST, encoding="utf-8")
        return "edited"

    log = logged_edits(tmp_path, monkeypatch, 0, edit, {**_project(), "tests/test_edited.py": old + TEST}, edits=1)
    assert log == [["edited", *scans]]


def test_an_alias_that_comes_to_name_a_class_of_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An alias added of an external module's attribute (the path), whose import is then made one of the project's
    module: the alias now names a concept's class, which the concept table lists among its names. What resolving
    the new alias read was recorded as read by the model (the first scan resolved it, ``new_aliases_unnamed``), so
    the edit of the import reaches the model: the whole scan, and a cold scan's output (with that read left
    unrecorded, the second scan takes the path and the alias is missing from the class's names)."""
    steps = [("import helpers_ext as h\n\nLegacyManager = h.Manager1\n", "external"),
             ("import pkg.m1 as h\n\nLegacyManager = h.Manager1\n", "project")]

    def edit(root: Path, rng: random.Random) -> str:
        text, done = steps.pop(0)
        (root / "tests/test_legacy.py").write_text(text + TEST, encoding="utf-8")
        return done

    log = logged_edits(tmp_path, monkeypatch, 0, edit, _project(), edits=2)
    assert log == [["external", "json", "text"], ["project"]]


def test_the_table_of_aliases_after_the_path_is_a_full_scan_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table of every module's aliases (``ProjectIndex.module_aliases``, which SSOT102 reads to know which modules
    to judge) that a scan on the path restores: the kept one with the rows of the modules edited or added since the
    full scan made again from their facts, in the table's order of modules, equal to a full scan's; through a second
    edit too (the kept table is the full scan's)."""
    restored: list[list[object]] = []
    full: list[list[object]] = []
    real = api.restored_project

    def restoring(root: Path, config: Config, *args: object, **kwargs: object) -> object:
        project, reused = real(root, config, *args, **kwargs)  # type: ignore[arg-type]
        if project is not None:
            restored.append(project.index.module_aliases())
        return project, reused

    monkeypatch.setattr(api, "restored_project", restoring)
    texts = ["import json\n\nparse = json.loads\nLOOP = json.dumps\n", "import json\n\nLOOP = json.dumps\n"]
    root = tmp_path / "proj"

    def edit(root: Path, rng: random.Random) -> str:
        if restored:
            full.append(api.load_project(root, Config()).index.module_aliases())
        (root / "tests/test_aaa_aliases.py").write_text(texts.pop(0) + TEST, encoding="utf-8")
        return "aliases"

    log = logged_edits(tmp_path, monkeypatch, 0, edit, {**_project(), "pkg/aliased.py": "import os\n\nsep = os.sep\n"},
                       edits=2)  # fmt: skip
    full.append(api.load_project(root, Config()).index.module_aliases())
    assert log == [["aliases", "json", "text"]] * 2
    assert restored == [full[0], full[0], full[1], full[1]]
    assert ("tests.test_aaa_aliases", "parse", ("a", ("n", "json"), "loads")) in full[0]
    assert ("tests.test_aaa_aliases", "parse", ("a", ("n", "json"), "loads")) not in full[1]
