"""The scan after an edit of a module's imports (an import added, removed or changed, at module level or in a
function): the interface path makes that module's import sites and edges again, runs what the record says their
old and new targets can change, and gives the cold scan's output byte for byte."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from ssot_audit import api, capture
from ssot_audit.config import ConceptConfig, Config
from ssot_audit.fixing import with_fixes
from ssot_audit.fix import memo
from ssot_audit.fix.build import FixEnv, ImportUse
from ssot_audit.interface_scan import Rerun
from ssot_audit.project import scope_key, walk_tree
from ssot_audit.rerun import kept_inputs
from ssot_audit.rules import ALL_RULES

from tests.analysis.test_calls_only_scan import _record
from tests.analysis.test_interface_scan import _project, random_edits, scans_after_edit
from tests.helpers import REPORTERS, scan_output, scanned_tree, write_project

ADDED = "  # added"  # marks the lines the edits add, so that a later edit can remove one

# Classes no concept holds (``Widget``: too few methods to be compared; ``Gadget`` and its namesake: compared, not
# one concept as they share no rare method; ``_Hidden``: private, known by the name its imports give it) and one a
# concept holds (``Manager0``), imported by test and production modules
CLASSES = {
    "pkg/models.py": "class Widget:\n    def spin(self):\n        return 1\n\n\n"
                     "class Gadget:\n    def open(self):\n        pass\n\n    def close(self):\n        pass\n\n"
                     "    def flush(self):\n        pass\n\n\n"
                     "class _Hidden:\n    def peek(self):\n        return 2\n",
    "pkg/gadgets.py": "class Gadget:\n    def open(self):\n        pass\n\n    def close(self):\n        pass\n\n"
                      "    def read(self):\n        pass\n",
    "pkg/use_models.py": "from pkg import gadgets\nfrom pkg.models import Gadget, Widget\n\n"
                         "THINGS = (Gadget, Widget, gadgets)\n",
    "tests/__init__.py": "",
    "tests/test_models.py": "from pkg.models import Widget\n\n\ndef test_spin():\n    assert Widget().spin() == 1\n",
    "tests/test_more.py": "def test_nothing():\n    assert True\n",
}  # fmt: skip
# Two copies of one class, a concept of their own whose canonical is the first by name (no module imports either
# class: their modules are imported), until one more import of either decides it
HTTP = "class HttpClient:\n    def fetch_page(self, url):\n        return url\n\n" \
       "    def post_form(self, url, data):\n        return data\n\n" \
       "    def close_pool(self):\n        pass\n"  # fmt: skip
TIED = {"pkg/http_a.py": HTTP, "pkg/http_b.py": HTTP,
        "pkg/use_http.py": "from pkg import http_a, http_b\n\nCLIENTS = (http_a, http_b)\n",
        # a private class known by two public names, the one imported most its public name
        "pkg/engines.py": "class _Engine:\n    def start(self):\n        return 1\n\n\n"
                          "Engine = _Engine\nMotor = _Engine\n",
        "pkg/use_engine.py": "from pkg.engines import Motor\n\nM = Motor\n"}  # fmt: skip


def _import(rng: random.Random, i: int, n: int) -> tuple[str, str]:
    """(kind, an import line) for module ``pkg/m{i}.py``."""
    k = rng.choice([x for x in range(8) if x != i])
    kind = rng.choice(("function", "function", "reexport", "module", "external", "broken", "class", "aliased", "star",
                       "factory", "async"))
    line = {"function": f"from pkg.m{k} import tool_{k}",
            "reexport": "from app.core import shape",  # a second path to ``shape`` (SSOT201)
            "module": f"from pkg import m{k}",
            "external": "import json",
            "broken": f"from pkg.m{k} import missing_{n}",  # names nothing there (a broken import)
            "class": f"from pkg.m{k} import Manager{k % 3}",  # a class: the concept model reads its sites
            "aliased": f"from pkg.m{k} import tool_{k} as tool_alias_{n}",
            "star": f"from pkg.m{k} import *",
            "factory": f"from pkg.m{k} import get_{k}",  # a factory-named function of another module
            "async": f"from pkg.m{k} import fetch_{k}"}[kind]  # fmt: skip
    return kind, line


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of the imports of a module ``pkg/m*.py``; returns what it did."""
    path = rng.choice(sorted(root.glob("pkg/m*.py")))
    i, n = int(path.stem[1:]), rng.randrange(1000)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    added = [number for number, line in enumerate(lines) if line.rstrip().endswith(ADDED)]
    where = rng.choice(("top", "end", "function", "drop")) if added else rng.choice(("top", "end", "function"))
    if where == "drop":
        del lines[rng.choice(added)]
        path.write_text("".join(lines), encoding="utf-8")
        return f"drop an import of {path.name}"
    kind, line = _import(rng, i, n)
    if where == "top":  # above everything but the docstring: every line below moves
        at = next((number + 1 for number, text in enumerate(lines) if text.lstrip().startswith('"""Module')), 0)
        lines.insert(at, line + ADDED + "\n")
    elif where == "end":
        lines.append(line + ADDED + "\n")
    else:  # in a function body, before its return
        text = "".join(lines)
        changed = re.sub(r"^(    )return Manager", rf"\1{line}{ADDED}\n\1return Manager", text, count=1, flags=re.M)
        lines = changed.splitlines(keepends=True)
    path.write_text("".join(lines), encoding="utf-8")
    return f"{kind} import at {where} of {path.name}"


def _patched(root: Path, cache: Path, fixes: bool) -> None:
    """The kept state has made again the import rows of some file since the full scan (``rerun.Kept.patched``)."""
    config = Config()
    finish = "fixes" if fixes else ""
    _, tree = walk_tree(root, config, scope_key(root, config, ALL_RULES, finish), cache, scope_key(root, config, ALL_RULES))
    assert tree is not None
    inputs = kept_inputs(tree)
    assert inputs is not None and inputs.patched


@pytest.mark.parametrize("seed", [51, 52, 53])
def test_random_import_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    taken, done = random_edits(tmp_path, monkeypatch, seed, _edit, _patched)
    assert taken >= 8, done  # the test exercised the path


def test_a_kept_fix_that_asked_who_imports_a_name_an_edit_now_imports_is_checked() -> None:
    """A kept fix that asked who imports ``Legacy`` from ``pkg.legacy`` (SSOT102's fix rewrites every such import)
    holds after an edit elsewhere only if that edit imported no ``Legacy``: its new import is in no recorded
    answer, so the record cannot say the answer is the same (``fix.memo``'s ``imported``)."""
    added = ImportUse("pkg/m3.py", 9, 1, "pkg.legacy", "Legacy")
    env = FixEnv(lambda path: b"", {}, lambda module, name: [added])
    trace = memo.Trace((), (), (), ((("pkg.legacy", "Legacy"), ()),), (), ())  # nothing imported it then
    changed = {"pkg/m3.py"}
    assert memo._unchanged(trace, (), env, changed)  # an edit of no import: the recorded answer holds
    assert not memo._unchanged(trace, (), env, changed, {"Legacy"})
    assert list(memo._recorded_uses(env, {"a.py": trace}, changed).uses("pkg.legacy", "Legacy")) == []
    assert list(memo._recorded_uses(env, {"a.py": trace}, changed, {"Legacy"}).uses("pkg.legacy", "Legacy")) == [added]


def test_an_import_that_makes_a_module_imported_runs_the_whole_scan(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A class in a file nothing imports that repeats a live class is a copy left behind (``roles``); once some
    module imports that file it is not. The concept model reads which modules are imported, so the edit takes the
    whole scan (``rerun._same_imported``), and so does the edit that removes the import again."""
    files = _project()
    files["old/__init__.py"] = ""
    files["old/m0.py"] = files["pkg/m0.py"]  # a copy of a live module nothing imports
    root, cache = scanned_tree(tmp_path, files)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    user = root / "pkg/m3.py"
    before = user.read_text(encoding="utf-8")
    for text in (before + "\nfrom old import m0 as old_m0\n", before):
        user.write_text(text, encoding="utf-8")
        built.clear()
        ran.clear()
        cached = scan_output(root, cache, "text")
        assert built and not any(isinstance(r, Rerun) for r in ran)  # the model was built again
        assert cached == scan_output(root, None, "text")


@pytest.mark.parametrize(("extra", "user", "line"), [
    ({"pkg/lonely.py": "def alone(x):\n    return x\n"}, "pkg/m3.py", "from pkg import lonely\n"),
    ({**CLASSES, "tests/helpers_unused.py": "class SpyWidget:\n    def spin(self):\n        return 3\n\n"
                                            "    def stop(self):\n        return 4\n"},
     "tests/test_more.py", "from tests.helpers_unused import SpyWidget\n"),
])  # fmt: skip
def test_an_import_of_a_module_nothing_imported_keeps_the_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str], user: str,
        line: str) -> None:  # fmt: skip
    """Which modules are imported matters to the concept model for production modules that define a class only (a
    copy left behind; a class of test code is test code or a double either way): importing a module of functions
    nothing imported before, or a test module of helper classes, takes the interface path (and so does taking the
    import away), and gives the cold scan's output."""
    root, cache = scanned_tree(tmp_path, {**_project(), **extra}, both_scopes=True)  # nothing imports ``extra``
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    path = root / user
    before = path.read_text(encoding="utf-8")
    for text in (line + before, before):
        path.write_text(text, encoding="utf-8")
        assert len(scans_after_edit(root, cache, built, ran, [text[:50]])) == 2


def test_a_star_import_added_changes_what_other_modules_import_through_it(tmp_path: Path) -> None:
    """``from pkg.m3 import tool_5`` names nothing of ``pkg.m3`` (a broken import) until ``pkg.m3`` star-imports
    ``pkg.m5``: the scan after that edit sees the import mended, as a cold scan does (``trace.STAR`` fired)."""
    files = _project()
    files["pkg/user.py"] = "from pkg.m3 import tool_5\n\nRATE = tool_5(2)\n"
    root, cache = scanned_tree(tmp_path, files)
    m3 = root / "pkg/m3.py"
    before = m3.read_text(encoding="utf-8")
    for text in (before + "\nfrom pkg.m5 import *\n", before):
        m3.write_text(text, encoding="utf-8")
        assert scan_output(root, cache, "text") == scan_output(root, None, "text"), text[-30:]


SPLIT = {  # a function with one import site, and a name read through a module alias
    "app/__init__.py": "", "app/core/__init__.py": "", "app/x/__init__.py": "", "app/y/__init__.py": "",
    "app/core/solo.py": "def solo(x):\n    return x\n",
    "app/compat.py": "from app.core.solo import *\n",  # a second path to ``solo``, no site of its own
    "app/e.py": "from app.core.solo import solo\n\nA = solo(1)\n",
    "app/x/tools.py": "class Helper:\n    def run(self):\n        return 1\n\n    def stop(self):\n        return 2\n",
    "app/y/tools.py": "from app.x.tools import Helper as Base\n\n\nclass Helper(Base):\n    pass\n",  # a shim
    "app/g.py": "from app.x.tools import Helper\n\nH = Helper()\n",
    "app/k.py": "from app import compat\nimport app.y.tools\n",  # imported: else importing them changes the model
    "app/f.py": "def f():\n    return 1\n",
    "app/h.py": "import app.x.tools as yt\n\n\ndef f():\n    return yt.Helper()\n",
}  # fmt: skip
EDITS = {"app/f.py": "from app.compat import solo\n\n\n" + SPLIT["app/f.py"],
         "app/h.py": SPLIT["app/h.py"].replace("app.x.tools", "app.y.tools")}  # fmt: skip


def test_imports_that_open_a_second_path_or_meaning_are_judged_where_no_judgement_ran(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``solo`` had one import site, so no judgement of SSOT201 ever read its sites; ``yt.Helper`` was the name
    ``g`` imports, so no judgement of SSOT204 read two meanings of ``Helper``. The imports that make them a divergent
    path and an ambiguous name are judged by the units their changed sites and reads name
    (``rules.units.keys_after_imports``, and the attribute table's rows of the edited module made again)."""
    root, cache = scanned_tree(tmp_path, SPLIT, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    done: list[str] = []
    for path, text in EDITS.items():
        (root / path).write_text(text, encoding="utf-8")
        done.append(path)
        assert len(scans_after_edit(root, cache, built, ran, done)) == 2, done  # both took the interface path
    codes = {f["code"] for f in json.loads(scan_output(root, None))["findings"]}
    assert {"SSOT201", "SSOT204"} <= codes  # what the edits made
    for path in EDITS:
        (root / path).write_text(SPLIT[path], encoding="utf-8")
        done.append(f"undo {path}")
        assert len(scans_after_edit(root, cache, built, ran, done)) == 2, done


def test_the_kept_answers_of_where_a_name_is_defined_follow_the_names_an_edit_defines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A broken import's finding says where the name it lacks is defined (``Namespaces.find_definers``, which reads
    every module): the answers are kept between scans. Once another module defines that name, the kept answer for
    it is dropped and the broken import is judged again with the new definer, as a cold scan does; an unrelated
    interface edit after that keeps serving the corrected table."""
    files = _project()
    files["app/broken.py"] = "from app.core.shapes import tool_q\n\nQ = tool_q\n"  # shapes defines no tool_q
    files["app/other.py"] = "def unrelated():\n    return 1\n"
    root, cache = scanned_tree(tmp_path, files, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    done: list[str] = []
    for path, text in (("pkg/m6.py", "\n\ndef tool_q(x):\n    return x\n"), ("app/other.py", "\n\nLIMIT = 3\n")):
        (root / path).write_text((root / path).read_text(encoding="utf-8") + text, encoding="utf-8")
        done.append(path)
        assert len(scans_after_edit(root, cache, built, ran, done)) == 2, done
    messages = [f["message"] for f in json.loads(scan_output(root, None))["findings"] if f["location"]["path"] == "app/broken.py"]
    assert any("pkg.m6" in message for message in messages), messages  # the suggestion names the new definer


def _moving_project() -> dict[str, str]:
    """``_project`` with modules ``pkg/u*.py`` that import only functions (three import lines each, one of another
    copy), and a module that imports through them (a re-export: what its judgements read of ``u1`` is its names)."""
    files = _project()
    for i in range(4):
        j = (i + 1) % 8
        files[f"pkg/u{i}.py"] = (
            f"from pkg.m{i} import tool_{i}, get_{i}\nfrom pkg.m{j} import tool_{j}\nimport json\n\n\n"
            f"def use_{i}():\n    return tool_{i}(json.dumps(1)), tool_{j}(2)\n\n\n"
            f"async def later_{i}():\n    await get_{i}()\n"
        )  # fmt: skip
    files["pkg/through.py"] = ("from pkg.u1 import get_1, tool_2, use_1\n\n\n"
                               "async def run():\n    await get_1()\n    return tool_2(use_1())\n")  # fmt: skip
    return files


def _move(root: Path, rng: random.Random) -> str:
    """An import line of a module ``pkg/u*.py`` moved above the import line before it (isort's order, a reviewer's):
    the names they bind change places among the module's names."""
    path = rng.choice(sorted(root.glob("pkg/u*.py")))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = [number for number, line in enumerate(lines) if line.startswith(("from ", "import "))]
    k = rng.randrange(1, len(at))
    lines[at[k - 1]], lines[at[k]] = lines[at[k]], lines[at[k - 1]]
    path.write_text("".join(lines), encoding="utf-8")
    return f"moved {path.name}"


@pytest.mark.parametrize("seed", [54, 55])
def test_random_import_moves_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Names that change places among a module's names are changed names (``interface_change._moved_keys``): the
    path takes every such edit, and each scan equals a cold scan's."""
    taken, done = random_edits(tmp_path, monkeypatch, seed, _move, files=_moving_project(), edits=6)
    assert taken == 12, done


def test_an_import_of_a_concept_factory_counts_in_the_kept_concept_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The result's concept table counts the modules that import a concept's classes or factories. A module that
    imports a factory of a concept (``pkg.m3.get_3``) and nothing of it before changes that count: the interface
    path makes the table again (its unit of the record, ``trace.CONCEPT_TABLE``, read the factory's import sites),
    where it took the last one before."""
    root, cache = scanned_tree(tmp_path, _project(), both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))

    def importers() -> dict[str, int]:
        return {c["canonical"]: c["importers"] for c in json.loads(scan_output(root, None))["concepts"]}

    user = root / "app/c.py"
    before, counts = user.read_text(encoding="utf-8"), importers()
    for text in (before + "from pkg.m3 import get_3\n", before):
        user.write_text(text, encoding="utf-8")
        assert len(scans_after_edit(root, cache, built, ran, [text])) == 2  # both scans took the path
        after = importers()
        assert (after == counts) == (text == before), (after, counts)


@pytest.mark.parametrize(("path", "old", "new", "made"), [
    ("pkg/m0.py", "class Manager0", "def _helper_1():\n    return 1\n\n\nclass Manager0", False),  # its module
    ("app/c.py", "from app", "from pkg.m3 import get_3\nfrom app", True),  # a factory's importers
])  # fmt: skip
def test_the_concept_table_is_made_again_only_when_an_edit_reaches_what_it_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, old: str, new: str,
        made: bool) -> None:  # fmt: skip
    """An interface edit of a module defining a concept's class (a function added above the canonical class) keeps
    the last concept table, its positions moved: the table reads the class's position, not the module as a whole
    (``capture._concept_member``); one that changes what it counts makes it again. Both give the cold scan's
    output."""
    root, cache = scanned_tree(tmp_path, _project(), both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    calls: list[int] = []
    real = capture.concept_table

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(capture, "concept_table", counted)
    edited = root / path
    edited.write_text(edited.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    calls.clear()
    built.clear()
    ran.clear()
    cached = scan_output(root, cache, "text")
    assert ran and isinstance(ran[-1], Rerun) and not built  # the interface path, the model kept
    assert bool(calls) is made, calls
    assert cached == scan_output(root, None, "text")


def _class_import(root: Path, rng: random.Random, more: bool = False) -> str:
    """One random import of a class added to a test or production module (at module level, ``as`` another name, or
    in a function), or one added earlier removed; returns what it did. ``more``: of ``TIED``'s classes too."""
    path = root / rng.choice(("tests/test_models.py", "tests/test_more.py", "pkg/m4.py", "app/c.py"))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    added = [number for number, line in enumerate(lines) if line.rstrip().endswith(ADDED)]
    if added and rng.random() < 0.3:
        del lines[rng.choice(added)]
        path.write_text("".join(lines), encoding="utf-8")
        return f"drop a class import of {path.name}"
    classes = [("pkg.models", "Widget"), ("pkg.models", "Gadget"), ("pkg.gadgets", "Gadget"), ("pkg.models", "_Hidden"),
               ("pkg.m0", "Manager0"), ("app.core.store", "Store")]
    if more:
        classes += [("pkg.http_a", "HttpClient"), ("pkg.http_b", "HttpClient"), ("pkg.engines", "Engine"),
                    ("pkg.engines", "Motor"), ("pkg.engines", "_Engine")]
    source, name = rng.choice(classes)
    n, where = rng.randrange(1000), rng.choice(("module", "module", "as", "function"))
    if where == "function":
        lines.append(f"\n\ndef use_{n}():\n    from {source} import {name}{ADDED}\n    return {name}\n")
    else:
        bound = f" as {name.lstrip('_')}{n}" if where == "as" else ""
        lines.insert(0, f"from {source} import {name}{bound}{ADDED}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return f"{name} imported ({where}) in {path.name}"


@pytest.mark.parametrize("seed", [71, 72, 73])
def test_random_class_imports_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The concept model reads the import sites of classes (their names, public names and importers: ``trace``'s
    ``CLASS_SITES``); an import of a class the kept model judges it reads nothing of
    (``kept_judgements.class_sites_unread``) takes the interface path, and every scan equals a cold one."""
    taken, done = random_edits(tmp_path, monkeypatch, seed, _class_import, _patched, {**_project(), **CLASSES}, 16)
    assert taken >= 8, done  # the test exercised the path


def _class_imports(root: Path, rng: random.Random) -> str:
    """Two ``_class_import`` edits before the scan (of one file or two: a commit's), among the classes of
    ``CLASSES`` and ``TIED`` too."""
    return _class_import(root, rng, more=True) + "; " + _class_import(root, rng, more=True)


@pytest.mark.parametrize("seed", [74, 75])
def test_random_class_imports_in_two_files_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The kept model judges the import rows of every file an edit changed together (a concept's ranking, a private
    class's public name: ``class_sites_unread``): two class imports per scan, and every scan equals a cold one."""
    taken, done = random_edits(tmp_path, monkeypatch, seed, _class_imports, _patched,
                               {**_project(), **CLASSES, **TIED}, 14)  # fmt: skip
    assert taken >= 6, done  # the test exercised the path


@pytest.mark.parametrize(("user", "line", "kept"), [
    ("tests/test_more.py", "from pkg.models import Widget\n", True),  # a test imports a class
    ("tests/test_more.py", "from pkg.gadgets import Gadget\n", True),  # compared, but a test imports it
    ("pkg/m4.py", "from pkg.models import Widget\n", True),  # a production module: never compared
    ("tests/test_more.py", "def f():\n    from pkg.models import Widget as W\n    return W\n", True),  # local
    ("pkg/m4.py", "from pkg.gadgets import Gadget\n", False),  # a production importer more: a centre's rank
    ("tests/test_more.py", "from pkg.models import Widget as Spinner\n", True),  # a name the model reads nothing of
    ("pkg/m4.py", "from pkg.models import Widget as Spinner\n", True),  # the same in production code
    ("tests/test_more.py", "from pkg.models import Widget as Gadget\n", False),  # a class's name: copies look it up
    ("tests/test_more.py", "from pkg.m3 import Manager0 as Boss\n", False),  # a concept's member: its names shown
    ("tests/test_more.py", "from pkg.models import _Hidden\n", True),  # a private class, its public name the same
    ("tests/test_more.py", "from pkg.engines import Engine\n", True),  # one import of each public name: the same
    ("tests/test_more.py", "from pkg.engines import Engine\n\n\ndef f():\n    from pkg.engines import Engine\n"
                           "    return Engine\n", False),  # two of ``Engine``: its public name now
    ("tests/test_more.py", "from pkg.m0 import Manager0\n", True),  # a concept's member, ranked as before
    ("tests/test_more.py", "from pkg.m3 import Manager0\n", True),  # a duplicate: the canonical has more importers
    ("tests/test_more.py", "from pkg.http_b import HttpClient\n", False),  # one more importer makes it canonical
    ("tests/test_more.py", "from pkg.http_a import HttpClient\n", False),  # or the reason says why it is
])  # fmt: skip
def test_a_class_imported_keeps_the_model_unless_it_reads_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: str, line: str, kept: bool) -> None:  # fmt: skip
    """Which class imports keep the model (the interface path, both scans) and which build it again (the whole
    scan): the kept model's judgement, ``kept_judgements.class_sites_unread`` (a concept's member only when its
    members rank as before: ``_same_ranking``). Either way, the cold scan's output; and the same for the edit taken
    back."""
    root, cache = scanned_tree(tmp_path, {**_project(), **CLASSES, **TIED}, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    path = root / user
    before = path.read_text(encoding="utf-8")
    for text in (before + line, before):
        path.write_text(text, encoding="utf-8")
        assert len(scans_after_edit(root, cache, built, ran, [text])) == (2 if kept else 0), text


# What the model finds by a name an ``as`` import gives a class: a guard, attached to the concept of a member it is
# known by the name of; a copy left in a backup directory, of the production class known by its name; and a class a
# configured concept's pattern matches by any of its names
SATELLITES = {
    "pkg/guards.py": "class ManagerGuard:\n    def __init__(self, *args):\n        raise RuntimeError('no')\n",
    "pkg/use_guards.py": "from pkg.guards import ManagerGuard\n\nGUARD = ManagerGuard\n",
    "backup/spinners.py": "class Spinner:\n    def spin(self):\n        return 1\n",
}  # fmt: skip
ROTORS = Config(concepts=(ConceptConfig("rotors", name_patterns=("*Rotor", "Gadget")),))


@pytest.mark.parametrize(("line", "config"), [
    ("from pkg.guards import ManagerGuard as LegacyManager\n", Config()),  # known by a member's alias: its guard
    ("from pkg.m3 import Manager0 as GUARD\n", Config()),  # a member known by the guard's alias: its guard
    ("from pkg.models import Widget as Spinner\n", Config()),  # ``backup.spinners.Spinner`` repeats it
    ("from pkg.models import Widget as FastRotor\n", ROTORS),  # a member of ``rotors`` now
])  # fmt: skip
def test_a_name_an_as_import_gives_a_class_the_model_reads_takes_the_whole_scan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, config: Config) -> None:  # fmt: skip
    """A module-level ``as`` import in a test module gives a class a name the model reads
    (``kept_judgements._as_name_unread``): the scan after it builds the model again, and after the edit taken back;
    each scan's output is a cold scan's."""
    root = write_project(tmp_path / "proj", {**_project(), **CLASSES, **SATELLITES})
    cache = tmp_path / "cache"

    def scan(where: Path | None, fmt: str, fixes: bool) -> str:
        finish = {"finish": with_fixes, "finish_name": "fixes"} if fixes else {}
        scanned = api.scan_tree(root, config, jobs=1, cache_dir=where, **finish)  # type: ignore[arg-type]
        return REPORTERS[fmt](scanned.result)

    for fmt, fixes in (("json", True), ("text", False)):
        scan(cache, fmt, fixes)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    path = root / "tests/test_more.py"
    before = path.read_text(encoding="utf-8")
    for text in (before + line, before):
        path.write_text(text, encoding="utf-8")
        for fmt, fixes in (("json", True), ("text", False)):
            built.clear()
            ran.clear()
            assert scan(cache, fmt, fixes) == scan(None, fmt, fixes), (text, fmt)
            assert built and not isinstance(ran[0], Rerun), (text, fmt)  # the model built again


WRAPPING = {
    **CLASSES,  # a test double and a subclass of imported classes: the model resolves their bases in these modules
    "tests/test_doubles.py": "from pkg.models import Gadget, Widget\nfrom pkg.m0 import Manager0\n\n\n"
                             "class FakeGadget(Gadget):\n    def open(self):\n        pass\n\n\n"
                             "class SpunWidget(Widget):\n    pass\n\n\nclass MockManager(Manager0):\n    pass\n",
    "pkg/more_models.py": "from pkg.models import Gadget, Widget\n\n\nclass BigWidget(Widget):\n    pass\n\n\n"
                          "class Gizmo(Gadget):\n    def extra(self):\n        pass\n",
}  # fmt: skip


def _wrap(root: Path, rng: random.Random) -> str:
    """A module-level ``from`` import of some module wrapped in parentheses, one name a line (its names' bindings
    move), or unwrapped again; returns what it did."""
    path = root / rng.choice(("tests/test_doubles.py", "pkg/more_models.py", "pkg/use_models.py", "pkg/m2.py",
                              "tests/test_models.py"))  # fmt: skip
    text = path.read_text(encoding="utf-8")
    wrapped = re.search(r"^from (\S+) import \(\n((?:    \w+,\n)+)\)\n", text, flags=re.M)
    if wrapped is not None:
        names = ", ".join(name.strip().rstrip(",") for name in wrapped[2].splitlines())
        path.write_text(text.replace(wrapped[0], f"from {wrapped[1]} import {names}\n", 1), encoding="utf-8")
        return f"unwrapped in {path.name}"
    plain = re.findall(r"^from (\S+) import ([\w, ]+)\n", text, flags=re.M)
    source, names = rng.choice(plain)
    lines = "".join(f"    {name.strip()},\n" for name in names.split(","))
    path.write_text(text.replace(f"from {source} import {names}\n", f"from {source} import (\n{lines})\n", 1),
                    encoding="utf-8")  # fmt: skip
    return f"wrapped {source} in {path.name}"


@pytest.mark.parametrize("seed", [81, 82])
def test_random_imports_wrapped_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """An import wrapped in parentheses changes where the names it binds are, nothing else: the model, which resolves
    the bases of classes through them and keeps no position, reads nothing of theirs that changed
    (``InterfaceChange.placed``); the scan takes the interface path and gives the cold scan's output."""
    taken, done = random_edits(tmp_path, monkeypatch, seed, _wrap, _patched, {**_project(), **WRAPPING}, 10)
    assert taken >= 14, done  # the test exercised the path



def test_a_private_class_s_public_name_is_judged_over_every_file_edited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``_Engine`` is imported three times as ``Motor`` and three as ``Engine``: its public name is ``Motor`` (a tie,
    broken by the name). Two tests each importing ``Engine`` once more make it ``Engine``, though either alone would
    not have made it other than it is after both: the paths are counted over every edited file, and the scan runs
    whole (``kept_judgements._public_name_moves``)."""
    users = {f"pkg/motor_{i}.py": "from pkg.engines import Motor\n\nM = Motor\n" for i in range(2)}
    users.update({f"pkg/engine_{i}.py": "from pkg.engines import Engine\n\nE = Engine\n" for i in range(3)})
    root, cache = scanned_tree(tmp_path, {**_project(), **CLASSES, **TIED, **users}, both_scopes=True)
    built, ran = _record(monkeypatch, lambda kwargs: kwargs.get("rerun"))
    paths = [root / "tests/test_more.py", root / "tests/test_models.py"]
    before = [path.read_text(encoding="utf-8") for path in paths]
    for path, text in zip(paths, before):
        path.write_text("from pkg.engines import Engine\n" + text, encoding="utf-8")
    assert scans_after_edit(root, cache, built, ran, ["two imports of Engine"]) == []
    paths[0].write_text(before[0], encoding="utf-8")  # one of them taken away: Engine still has more
    assert len(scans_after_edit(root, cache, built, ran, ["one taken away"])) == 2
