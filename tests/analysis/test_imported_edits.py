"""The scan after an edit of a function other modules import (renamed, its parameters changed, removed or added
back): the import rows of the modules whose rows read it are made again (``Rerun.resolving``), what changed in them
is judged again, the concept model is kept, and the output is the cold scan's byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ssot_audit import kept_definers
from ssot_audit.config import Config
from ssot_audit.interface_scan import Rerun
from ssot_audit.project import scope_key, walk_tree
from ssot_audit.rerun import kept_inputs
from ssot_audit.rules import ALL_RULES

from tests.analysis.test_calls_only_scan import _record
from tests.analysis.test_interface_scan import _project, scans_after_edit
from tests.helpers import scan_output, scanned_tree


def _importing_project() -> dict[str, str]:
    """``_project`` with its plain functions ``tool_{i}`` imported in every way a module can import one, and read as
    module attributes (``pkg.m3.tool_3``) in functions of their own."""
    files = _project()
    files["pkg/users.py"] = ("from pkg.m1 import tool_1\nfrom pkg.m3 import tool_3 as t3\n\n\n"
                             "def use():\n    return tool_1(1) + t3(2)\n")  # fmt: skip
    files["pkg/api.py"] = 'from pkg.m4 import tool_4\n\n__all__ = ["tool_4"]\n'  # a re-export
    files["pkg/api_user.py"] = "from pkg.api import tool_4\n"  # through it
    files["pkg/direct.py"] = "from pkg.m4 import tool_4\n"  # a second path to the same function (SSOT201)
    files["pkg/typed.py"] = ("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.m6 import tool_6\n\n\n"
                             "def typed(x: 'tool_6') -> None:\n    return None\n")  # fmt: skip
    files["pkg/guarded.py"] = "try:\n    from pkg.m7 import tool_7\nexcept ImportError:\n    tool_7 = None\n"
    files["pkg/local.py"] = "def later():\n    from pkg.m0 import tool_0\n    return tool_0(1)\n"
    files["pkg/star_user.py"] = "from pkg.m2 import *\n\n\ndef run():\n    return tool_2(1)\n"
    files["pkg/async_user.py"] = "from pkg.m5 import fetch_5\n\n\nasync def run():\n    return await fetch_5()\n"
    files["pkg/attr_user.py"] = ("import pkg.m3\nimport pkg.m5 as five\n\n\n"
                                 "def go():\n    return pkg.m3.tool_3(1) + five.tool_5(2)\n")  # SSOT204's table of them  # fmt: skip
    files["pkg/other.py"] = "def tool_3(x):\n    return x\n"  # a second meaning of the name
    files["pkg/other_user.py"] = "from pkg.other import tool_3\n"
    for i in range(8):  # functions that read other modules' functions as module attributes
        j = (i + 1) % 8
        files[f"pkg/m{i}.py"] += f"\n\nimport pkg.m{j}\n\n\ndef probe_{i}(x):\n    return pkg.m{j}.tool_{j}(x)\n"
    files["tests/__init__.py"] = ""
    files["tests/factories.py"] = "".join(f"\n\ndef get_thing_{k}(x):\n    return x\n" for k in range(3))
    files["tests/test_use.py"] = "from tests.factories import get_thing_0, get_thing_1\n"
    return files


def _functions(root: Path) -> list[tuple[Path, str]]:
    """Every function the edits change: (its file, its name as the full scan saw it)."""
    found = [(path, f"{stem}_{path.stem[1:]}") for path in sorted(root.glob("pkg/m*.py"))
             for stem in ("tool", "fetch", "get", "probe")]  # plain, ``async``, factory-named, reading ``M.n``  # fmt: skip
    return found + [(root / "tests/factories.py", f"get_thing_{k}") for k in range(3)]  # factories of test code


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of a function other modules import (``_functions``), or the edit that undoes an earlier one;
    returns what it did."""
    path, name = rng.choice(_functions(root))
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    removed = re.search(rf"^# removed {name}\ndef _wrapper_\d+\(\):\n  ", text, re.M)
    if removed is not None:  # put back
        path.write_text(text[:removed.start()] + text[removed.end():], encoding="utf-8")
        return f"unremove {name}"
    header = re.search(rf"^(async )?def {name}(_r\d+)?\((\w*)((?:, )?extra_\d+=None)?\)", text, re.M)
    assert header is not None, (path, name)
    if header.group(2) or header.group(4):  # renamed, or given a parameter: undone
        fixed = f"{header.group(1) or ''}def {name}({header.group(3)})"
        path.write_text(text[:header.start()] + fixed + text[header.end():], encoding="utf-8")
        return f"undo {name}"
    kind = rng.choice(("rename", "parameter", "remove"))
    if kind == "rename":  # its importers' imports now name nothing there (broken)
        changed = header.group(0).replace(f"def {name}(", f"def {name}_r{n}(")
    elif kind == "parameter":  # nothing its importers' rows name changes
        changed = header.group(0)[:-1] + (", " if header.group(3) else "") + f"extra_{n}=None)"
    else:  # the name now names nothing (its uses in the module neither): the def nested in another function
        changed = f"# removed {name}\ndef _wrapper_{n}():\n  " + header.group(0)
    path.write_text(text[:header.start()] + changed + text[header.end():], encoding="utf-8")
    return f"{kind} {name}"


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_random_edits_of_imported_functions_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root, cache = scanned_tree(tmp_path, _importing_project(), both_scopes=True)
    rng = random.Random(seed)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    done: list[str] = []
    taken = resolving = attributes = 0
    for _ in range(16):
        done.append(_edit(root, rng))
        taken += len(scans_after_edit(root, cache, built, ran, done))
        resolving += any(isinstance(r, Rerun) and r.resolving for r in ran)
        attributes += any(isinstance(r, Rerun) and r.attr_rows for r in ran)
    # the path, two scans an edit (the edits of a factory-named function outside tests, and an ``async def`` renamed
    # or removed, change what the model or the call readers' tables list: the whole scan)
    assert taken >= 8, done
    assert resolving >= 3, done  # some made importers' rows again
    assert attributes >= 3, done  # and rows of SSOT204's table of ``M.n`` reads (``Rerun.attr_rows``)


def _patched(root: Path, cache: Path) -> set[str]:
    """The files whose import rows the kept state makes again at each restore (``rerun.Kept.patched``)."""
    config = Config()
    _, tree = walk_tree(root, config, scope_key(root, config, ALL_RULES), cache, scope_key(root, config, ALL_RULES))
    assert tree is not None
    inputs = kept_inputs(tree)
    assert inputs is not None
    return set(inputs.patched)


def test_importers_rows_are_made_again_and_kept_only_while_they_differ(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Renaming ``tool_1`` breaks ``pkg/users.py``'s import of it: that module's rows are made again (the broken
    import is found where the model was kept), and kept patched for the next scans while they differ from the full
    scan's; a changed parameter changes no row, and patches nothing."""
    root, cache = scanned_tree(tmp_path, _importing_project())
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    module = root / "pkg/m1.py"
    before = module.read_text(encoding="utf-8")
    steps = [("def tool_1(x, extra=None)", set()), ("def tool_1_renamed(x)", {"pkg/users.py"}),
             ("def tool_1(x)", {"pkg/users.py"})]  # fmt: skip
    for header, patched in steps:
        module.write_text(before.replace("def tool_1(x)", header), encoding="utf-8")
        built.clear()
        ran.clear()
        cached = scan_output(root, cache, "text")
        assert not built, header  # the model was kept
        assert cached == scan_output(root, None, "text"), header
        reruns = [r for r in ran if isinstance(r, Rerun)]
        assert reruns and "pkg.users" in reruns[0].resolving, header
        assert _patched(root, cache) == patched, header
    renamed = before.replace("def tool_1(x)", "def tool_1_renamed(x)")
    module.write_text(renamed, encoding="utf-8")
    assert "pkg/users.py:1:" in scan_output(root, cache, "text")  # the broken import, found on the path


def test_an_attribute_read_an_edit_adds_or_removes_changes_what_a_name_means_on_the_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``pkg.shimmed.Manager0()`` in a function of ``app/x.py`` is a second meaning of ``Manager0`` imported from
    outside its package (SSOT204, through its table of every module's ``M.n`` reads). An edit of that function that
    drops the read, or reads it again, takes the interface path, which makes that module's rows of the table again:
    the finding goes and comes back as in a cold scan."""
    files = _importing_project()
    files["pkg/shimmed.py"] = "from pkg.m0 import Manager0 as _Base\n\n\nclass Manager0(_Base):\n    pass\n"
    files["app/x.py"] = "import pkg.shimmed\n\n\ndef make():\n    return pkg.shimmed.Manager0()\n"
    files["app/y.py"] = "from pkg.m0 import Manager0\n"
    root, cache = scanned_tree(tmp_path, files, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    user = root / "app/x.py"
    before = user.read_text(encoding="utf-8")
    for text, meanings in ((before.replace("return pkg.shimmed.Manager0()", "return None"), 0), (before, 1)):
        user.write_text(text, encoding="utf-8")
        assert len(scans_after_edit(root, cache, built, ran, [text])) == 2
        assert scan_output(root, cache, "text").count("Manager0 means 2 things") == meanings


def test_where_a_broken_import_s_name_is_defined_follows_the_edits_without_reading_every_module(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """SSOT203 names the modules that define the name a broken import lacks, which looks in every module. After an
    edit that renames such a definition, or adds one, the scan finds them in the table of every definer the full
    scan kept, with the modules edited since looked at as they are now (``kept_definers.KeptDefiners``): no module read but
    those, and the cold scan's suggestions."""
    files = _importing_project()
    files["pkg/lib_a.py"] = "def helper(x):\n    return x\n"
    files["pkg/lib_b.py"] = "def helper(x):\n    return x\n"
    files["pkg/lib_c.py"] = "VALUE = 1\n"
    files["pkg/broken_user.py"] = "from pkg.lib_c import helper\n"  # broken: lib_c has no ``helper``
    root, cache = scanned_tree(tmp_path, files, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    answered: list[tuple[str, tuple[str, ...] | None]] = []
    real = kept_definers.KeptDefiners.__call__

    def kept(self: kept_definers.KeptDefiners, name: str) -> tuple[str, ...] | None:
        answered.append((name, real(self, name)))
        return answered[-1][1]

    monkeypatch.setattr(kept_definers.KeptDefiners, "__call__", kept)
    lib_a, lib_d = root / "pkg/lib_a.py", root / "pkg/m4.py"
    steps = [(lib_a, "def helper(", "def helper_r(", ("pkg.lib_b",)),  # a definer renamed
             (lib_d, "def tool_4(", "def helper(x):\n    return x\n\n\ndef tool_4(", ("pkg.lib_b", "pkg.m4")),  # one more
             (lib_a, "def helper_r(", "def helper(", ("pkg.lib_a", "pkg.lib_b", "pkg.m4"))]  # fmt: skip
    for path, old, new, definers in steps:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        answered.clear()
        assert len(scans_after_edit(root, cache, built, ran, [new])) == 2, new
        assert ("helper", definers) in answered, (new, answered)
