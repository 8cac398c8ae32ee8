"""The scan after a class of test code is added or removed (a test case written, a helper class inside a test, a
test case deleted): the interface path keeps the concept model when the model reads nothing of the class but its role
and its set of public methods (``edits._test_class_counts``, ``kept_judgements.patched_test_classes``), patches
those into the kept model, judges again what read its name, and gives the cold scan's output byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ssot_audit.analysis.concept_snapshot import restored, take_snapshot
from ssot_audit.analysis.kept_judgements import patched_test_classes
from ssot_audit.analysis.edits import _model_holds
from ssot_audit.analysis.interface_change import fired_leaves, interface_change
from ssot_audit.analysis.kept_methods import KeptMethods
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.roles import TEST_CODE
from ssot_audit.analysis.trace import CLASS, Trace
from ssot_audit.analysis.values import ClassValue
from ssot_audit.config import ConceptConfig, load_config
from ssot_audit.project import load_project

from tests.analysis.test_class_edits import HANDLER_TEST, _class_project, logged_edits, placed
from tests.analysis.test_interface_scan import random_edits
from tests.helpers import write_project
from tests.test_unseen import facts_of, line_map

# Per file: a class of test code added there, which only the names the file imports already, and whether the
# interface path takes it (a subclass of a concept's member is attached to it; a double by its name is compared).
ADDED = {
    "test_sub.py": ("class TestAdded{n}(BaseCase):\n    def test_added_{n}(self):\n"
                    "        self.assertTrue(self.make_client())\n", True),
    "test_plain.py": ("class TestAdded{n}(unittest.TestCase):\n    async def test_added_{n}(self):\n"
                      "        await ClientHelper().connect()\n", True),  # an awaited sync method: SSOT401
    "test_flow.py": ("def test_local_{n}():\n    class Local{n}(ClientHelper):\n        def fetch(self, key):\n"
                     "            self.seen = key\n            return len(self.seen)\n\n"
                     "    return Local{n}().fetch(1)\n", True),  # a class in a function
    "doubles.py": ("class Sender{n}(Manager1):\n    def send(self, data):\n        return data\n", False),
    "support.py": ("class FakeAdded{n}:\n    def fetch(self, key):\n        return key\n", False),  # a double
}
_CLASS_AT = re.compile(r"^(?:class \w+|def test_local_\d+)\(.*?(?=^\S|\Z)", re.M | re.S)


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit: a class of ``ADDED`` added (last, or above another top-level statement of a class), one added
    before taken away, or a test case the project had taken away (``PlainTest``, ``SubTest``)."""
    name = rng.choice(sorted(ADDED))
    path = root / "tests" / name
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    added = [m.group(0) for m in _CLASS_AT.finditer(text) if re.match(r"(class \w+?|def test_local_)\d", m.group(0))
             or re.match(r"class (TestAdded|Sender|FakeAdded)", m.group(0))]  # fmt: skip
    first = [m.group(0) for m in _CLASS_AT.finditer(text) if m.group(0).startswith(("class PlainTest",
                                                                                    "class SubTest"))]
    kind = rng.choice(["add", "add", "remove", "remove-first"] if added else ["add", "add", "remove-first"])
    if kind == "add":
        text = placed(text, ADDED[name][0].format(n=n), r"^class ", rng, "\n\n")
    elif kind == "remove":
        block = rng.choice(added)
        text = text.replace(block, "", 1)
        n = int(re.match(r"\D+(\d+)", block).group(1))  # type: ignore[union-attr]
    elif first:
        text = text.replace(first[0], "", 1)
    else:
        return f"none {name} {n}"
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return f"{kind} {name} {n}"


@pytest.mark.parametrize("seed", [91, 92, 93])
def test_random_test_classes_added_and_removed_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after a test case added or removed, or a
    class added in a test function, take the path; none after a subclass of a concept's member or a double added to
    or removed from test code. A test function with a class in it taken away takes the path only while the model kept
    has not read that function (a whole scan since it was added resolved the class's bases in it)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit, _class_project())
    unread: set[str] = set()  # the test functions with a class added since the last whole scan
    for done, *scans in log:
        kind, name, n = done.split()
        on_path = kind != "none" and (ADDED[name][1] or kind == "remove-first")
        if name == "test_flow.py" and kind == "remove":
            on_path = n in unread
        assert len(scans) == (2 if on_path else 0), (done, scans, [entry[0] for entry in log])
        if kind != "none" and not scans:
            unread.clear()
        elif name == "test_flow.py" and kind == "add":
            unread.add(n)


CASE = "import unittest\n\n\nclass FirstTest(unittest.TestCase):\n    def test_one(self):\n        self.assertTrue(1)\n"


def test_a_test_case_added_is_a_class_added_and_fires_its_class() -> None:
    """A class added to a file is of ``added_classes`` (its name of ``names``, its methods of ``functions``), one taken
    away of ``removed_classes``; both fire their ``CLASS`` leaf. The kept classes must keep their order."""
    new = CASE + "\n\nclass SecondTest(unittest.TestCase):\n    def test_two(self):\n        self.assertTrue(2)\n"
    found = interface_change(facts_of(CASE), facts_of(new), line_map(CASE, new))
    assert found is not None
    assert (found.added_classes, found.removed_classes) == ({"SecondTest"}, set())
    assert "SecondTest" in found.names and "SecondTest.test_two" in found.functions
    assert (CLASS, "tests.t", "SecondTest") in fired_leaves("tests.t", found, Recorded.of_trace(Trace()))
    back = interface_change(facts_of(new), facts_of(CASE), line_map(new, CASE))
    assert back is not None and (back.added_classes, back.removed_classes) == (set(), {"SecondTest"})
    swapped = new.replace("class FirstTest", "class TmpTest").replace("class SecondTest", "class FirstTest")
    swapped = swapped.replace("class TmpTest", "class SecondTest")
    assert interface_change(facts_of(new), facts_of(swapped), line_map(new, swapped)) is None  # reordered


@pytest.mark.parametrize("added, holds", [
    ("class SecondTest(unittest.TestCase):\n    def test_two(self):\n        self.assertTrue(2)\n", True),
    ("class MockClient:\n    def send(self):\n        return 1\n", False),  # a double by its name
    ("class Recorder:\n    def send(self):\n        return None\n", False),  # by its methods: all trivial
    ("class Guarded:\n    def __init__(self):\n        raise TypeError('no')\n", False),  # a guard's constructor
])  # fmt: skip
def test_the_facts_of_a_class_added_say_whether_the_model_may_hold(added: str, holds: bool) -> None:
    new = CASE + "\n\n" + added
    found = interface_change(facts_of(CASE), facts_of(new), line_map(CASE, new))
    assert found is not None and found.added_classes
    assert _model_holds(facts_of(CASE), facts_of(new), found, is_test=True) is holds
    assert not _model_holds(facts_of(CASE), facts_of(new), found, is_test=False)  # production: the model compares it
    back = interface_change(facts_of(new), facts_of(CASE), line_map(new, CASE))
    assert back is not None and _model_holds(facts_of(new), facts_of(CASE), back, is_test=True) is holds


def _restored_after(tmp_path: Path, files: dict[str, str], edited: dict[str, str]) -> tuple[object, object]:
    """The model a full scan of ``files`` kept, restored against the project with ``edited`` written (as the scan
    after the edit restores it), and the model a cold scan of that project builds."""
    root = tmp_path / "proj"
    write_project(root, files)
    config = load_config(root)
    snapshot = take_snapshot(load_project(root, config).concepts)
    write_project(root, edited)
    project = load_project(root, config)
    model = project.concepts
    return restored(snapshot, project.index, model.resolver, model.sites), model


@pytest.mark.parametrize("text, holds", [
    ("class TestAdded(BaseCase):\n    def test_added_1(self):\n        self.assertTrue(1)\n", True),
    ("class TestEmpty(BaseCase):\n    def _helper(self):\n        return 1\n", True),  # no public name, one base
    ("class TestOverride(BaseCase):\n    def make_client(self):\n        return [1]\n", True),  # its base's set
    ("class TestShared:\n    def make_client(self):\n        return [1]\n\n    def test_other_1(self):\n"
     "        return 2\n", True),  # ``BaseCase``'s set is within its, but no class defines ``test_other_1``
    ("class HelperLike:\n    def fetch(self, key):\n        return [key]\n\n    def connect(self):\n"
     "        return [1]\n\n    def close(self):\n        return [2]\n", True),  # ``ClientHelper``'s set, equal
    ("class TestSender(Manager1):\n    def test_send_1(self):\n        return 1\n", False),  # a member's subclass
    ("class TestClient(MagicMock):\n    def test_mock_1(self):\n        return 1\n", False),  # a mock base
])  # fmt: skip
def test_the_kept_model_judges_a_class_added_and_takes_it_in(tmp_path: Path, text: str, holds: bool) -> None:
    """The restored model, given a class of test code added (``patched_test_classes``), holds it as the built model
    does when nothing of the class is read but its role and its set: its role ``test-code`` in ``Roles.role``'s
    order, its set of public methods (equal to another class's or not: nothing read of a set follows the order it
    iterates in); refused when a concept's member is along its MRO, or when it is a double by a mock base."""
    files = _class_project()
    head = "from unittest.mock import MagicMock\n\nfrom pkg.m1 import Manager1\nfrom tests.base import BaseCase\n\n\n"
    edited = {"tests/test_sub.py": head + files["tests/test_sub.py"].split("\n\n\n", 1)[1] + "\n\n" + text}
    kept, built = _restored_after(tmp_path, files, edited)
    assert patched_test_classes(kept, ["tests.test_sub"], []) is holds  # type: ignore[arg-type]
    if holds:
        assert list(kept.roles.role.items()) == list(built.roles.role.items())  # type: ignore[attr-defined]
        added = ClassValue("tests.test_sub", re.match(r"class (\w+)", text).group(1))  # type: ignore[union-attr]
        assert kept.roles.role[added] == TEST_CODE  # type: ignore[attr-defined]
        methods = kept.roles.methods  # type: ignore[attr-defined]
        assert isinstance(methods, KeptMethods) and added in methods
        assert methods[added] == built.roles.methods[added]  # type: ignore[attr-defined]
        assert len(methods) == len(built.roles.methods)  # type: ignore[attr-defined]


def test_a_configured_pattern_or_base_that_names_a_class_added_refuses_it(tmp_path: Path) -> None:
    """A configured concept's name patterns match a class of test code too (it is attached to the concept), and so
    does a subclass of a configured base: the kept model refuses both."""
    files = _class_project()
    text = "class TestAddedManager(BaseCase):\n    def test_added_1(self):\n        self.assertTrue(1)\n"
    edited = {"tests/test_sub.py": files["tests/test_sub.py"] + "\n\n" + text}
    kept, _ = _restored_after(tmp_path, files, edited)
    pattern = ConceptConfig("managers", name_patterns=("*AddedManager",))
    assert not patched_test_classes(kept, ["tests.test_sub"], [pattern])  # type: ignore[arg-type]
    based = ConceptConfig("cases", canonical="tests.base.BaseCase", bases=("tests.base.BaseCase",))
    assert not patched_test_classes(kept, ["tests.test_sub"], [based])  # type: ignore[arg-type]
    other = ConceptConfig("others", name_patterns=("*Elsewhere",))
    assert patched_test_classes(kept, ["tests.test_sub"], [other])  # type: ignore[arg-type]


@pytest.mark.parametrize("removed, holds", [
    ("tests/test_sub.py", True),  # ``SubTest``: test code nothing derives from
    ("tests/base.py", False),  # ``BaseCase``: ``SubTest`` derives from it
])  # fmt: skip
def test_the_kept_model_judges_a_class_removed_and_drops_it(tmp_path: Path, removed: str, holds: bool) -> None:
    files = _class_project()
    text = files[removed]
    edited = {removed: text[:text.index("\n\n\nclass ")] + "\n"}
    kept, built = _restored_after(tmp_path, files, edited)
    module = removed[:-3].replace("/", ".")
    assert patched_test_classes(kept, [module], []) is holds  # type: ignore[arg-type]
    if holds:
        assert list(kept.roles.role.items()) == list(built.roles.role.items())  # type: ignore[attr-defined]
        assert len(kept.roles.methods) == len(built.roles.methods)  # type: ignore[attr-defined]
        assert ClassValue(module, "SubTest") not in kept.roles.methods  # type: ignore[attr-defined]


@pytest.mark.parametrize("edit, taken", [
    ("add-handler", 0),  # names ``framework.Handler``, whose hooks a comparison read: its methods would count there
    ("remove-handler", 0),  # likewise: its methods counted there
    ("add-plain", 2),  # names ``unittest.TestCase``, which no compared class has
])  # fmt: skip
def test_a_test_class_naming_an_external_base_a_compared_class_has_takes_the_whole_scan(
        tmp_path: Path, edit: str, taken: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``ChannelPool`` derives from ``framework.Handler`` and is compared with ``BufferedChannelPool``: a test case
    naming that base added or removed changes the methods counted towards its hooks (``hooks.external_hooks``),
    which that comparison read (``Interfaces.read_bases``). Each scan equals a cold scan's."""
    files = {path: text.replace("UnifiedChannelPool", "BufferedChannelPool") for path, text in _class_project().items()}
    files["tests/test_handler.py"] = HANDLER_TEST + "\n\nclass TestSecond(Handler):\n    def test_two(self):\n" \
        "        self.assertTrue(2)\n"  # fmt: skip
    files["pkg/pool_a.py"] = "from framework import Handler\n\n\n" + files["pkg/pool_a.py"].replace(
        "class ChannelPool:", "class ChannelPool(Handler):")  # fmt: skip

    def change(root: Path, rng: random.Random) -> str:
        name, text = ("tests/test_plain.py", CASE_PLAIN) if edit == "add-plain" else ("tests/test_handler.py", "")
        target = root / name
        old = target.read_text(encoding="utf-8")
        if edit == "remove-handler":
            new = old[:old.index("\n\n\nclass TestSecond")] + "\n"
        else:
            new = old.rstrip("\n") + "\n\n\n" + (text or CASE_HANDLER)
        target.write_text(new, encoding="utf-8")
        return edit

    assert random_edits(tmp_path, monkeypatch, 0, change, files=files, edits=1)[0] == taken


CASE_HANDLER = "class TestThird(Handler):\n    def test_three(self):\n        self.assertTrue(3)\n"
CASE_PLAIN = "class TestThird(unittest.TestCase):\n    def test_three(self):\n        self.assertTrue(3)\n"


def test_classes_added_take_their_place_in_the_order_of_the_roles(tmp_path: Path) -> None:
    """Classes added above a class of a module that others follow, and last in another, are where a built model has
    them in ``Roles.role`` (the order the model's readers iterate in); one removed is gone from it."""
    files = _class_project()
    flow, plain = files["tests/test_flow.py"], files["tests/test_plain.py"]
    edited = {
        "tests/test_flow.py": flow.replace("class TestFlow:", "class TestEarly:\n    def test_early_1(self):\n"
                                           "        self.assertTrue(1)\n\n\nclass TestFlow:"),  # fmt: skip
        "tests/test_plain.py": plain + "\n\nclass TestLate:\n    def test_late_1(self):\n        self.assertTrue(1)\n",
        "tests/test_sub.py": files["tests/test_sub.py"].split("\n\n\nclass")[0] + "\n",
    }
    kept, built = _restored_after(tmp_path, files, edited)
    edited_modules = ["tests.test_flow", "tests.test_plain", "tests.test_sub"]
    assert patched_test_classes(kept, edited_modules, [])  # type: ignore[arg-type]
    order = list(kept.roles.role.items())  # type: ignore[attr-defined]
    assert order == list(built.roles.role.items())  # type: ignore[attr-defined]
    names = [value.qualname for value, _ in order]
    assert names.index("TestEarly") + 1 == names.index("TestFlow") and "SubTest" not in names
    assert names.index("TestLate") == names.index("PlainTest") + 1


def test_a_class_nested_in_a_class_kept_is_refused_and_one_in_a_new_class_is_not() -> None:
    """``class Meta:`` written into a test case that was there is a member of it (member lookups find nested classes
    among the module's classes, and the roles read a base's ``Meta``): refused. A new test case with its own
    ``Meta`` is two classes added."""
    nested = CASE.replace("class FirstTest(unittest.TestCase):\n",
                          "class FirstTest(unittest.TestCase):\n    class Meta:\n        abstract = True\n\n")
    assert interface_change(facts_of(CASE), facts_of(nested), line_map(CASE, nested)) is None
    assert interface_change(facts_of(nested), facts_of(CASE), line_map(nested, CASE)) is None
    new = CASE + "\n\nclass SecondTest(unittest.TestCase):\n    class Meta:\n        abstract = True\n\n" \
        "    def test_two(self):\n        self.assertTrue(2)\n"  # fmt: skip
    found = interface_change(facts_of(CASE), facts_of(new), line_map(CASE, new))
    assert found is not None and found.added_classes == {"SecondTest", "SecondTest.Meta"}


@pytest.mark.parametrize(("block", "kept"), [
    ("def test_fake_{n}():\n    class FakeClient{n}:\n        def fetch(self, key):\n            return key\n\n"
     "    assert FakeClient{n}().fetch(1) == 1\n", True),  # a double inside a test: never compared
    ("def test_trivial_{n}():\n    class Stand{n}:\n        def fetch(self, key):\n            pass\n\n"
     "    assert Stand{n}().fetch(1) is None\n", True),  # a double by its methods, inside a test
    ("class FakeClient{n}:\n    def fetch(self, key):\n        return key\n", False),  # at module level: compared
    ("def test_sender_{n}():\n    class FakeSender{n}(Manager1):\n        def send(self, data):\n"
     "            return data\n\n    assert FakeSender{n}().send(1) == 1\n", False),  # attached to a concept
])  # fmt: skip
def test_a_test_double_written_inside_a_test_keeps_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             block: str, kept: bool) -> None:  # fmt: skip
    """A test double defined inside a test function (``MockResult`` in celery's tests) is no candidate of the
    discovery, which compares doubles at module level only: written, it takes the interface path (its role and
    methods put into the kept model, ``patched_test_classes``), unless it derives from a concept's member (attached
    to it); one at module level takes the whole scan. Each scan equals a cold one, the double taken away again too
    (14 edits, each written or taken away)."""
    files = _class_project()
    files["tests/test_plain.py"] = "from pkg.m1 import Manager1\n" + files["tests/test_plain.py"]

    def edit(root: Path, rng: random.Random) -> str:  # written, then taken away again
        path = root / "tests/test_plain.py"
        text = path.read_text(encoding="utf-8")
        added = "\n\n" + block.format(n=1)
        path.write_text(text.replace(added, "") if added in text else text + added, encoding="utf-8")
        return "a double written or taken away"

    log = logged_edits(tmp_path, monkeypatch, 0, edit, files)
    assert log[0][1:] == (["json", "text"] if kept else []), log
    assert all(scans == [] for _, *scans in log[1:]) or kept, log  # taken away: the record judges it
