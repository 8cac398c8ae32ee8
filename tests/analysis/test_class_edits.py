"""The scan after a method is added to, removed from or renamed in a class of test code (the commonest edit of a
large codebase: a test written): the interface path keeps the concept model when it reads nothing of the class's
members (``edits._test_class_holds``, ``kept_judgements.members_unread``), judges again what the member lookups
recorded of the class (``trace.CLASS``), and gives the cold scan's output byte for byte."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ssot_audit.analysis.interface_change import fired_leaves, interface_change
from ssot_audit.analysis.edits import _model_holds
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import CLASS, FUNCTION, HEAD, Trace
from ssot_audit.analysis.values import FunctionValue
from ssot_audit.config import load_config
from ssot_audit.project import load_project, scope_key, walk_tree
from ssot_audit.rerun import find_kept
from ssot_audit.rules import ALL_RULES
from ssot_audit.rules.base import async_functions

from tests.analysis.test_interface_scan import random_edits
from tests.analysis.test_method_edits import _method_project
from tests.helpers import scan_output
from tests.test_unseen import facts_of, line_map

SUPPORT = (
    "from pkg.m1 import Manager1\n\n\n"
    "class ClientHelper:\n"
    "    def fetch(self, key):\n        return Manager1().send(key)\n\n"
    "    def connect(self):\n        return Manager1()\n\n"
    "    async def close(self):\n        return None\n"
)
FLOW = (
    "from pkg.holder import Holder\nfrom tests.support import ClientHelper\n\n\n"
    "class TestFlow:\n"
    "    def setup_method(self):\n        self.helper = ClientHelper()\n\n"
    "    async def test_fetch(self):\n        await self.helper.fetch('k')\n        await ClientHelper().connect()\n"
    "        await ClientHelper().close()\n\n"
    "    def test_holder(self):\n        return Holder().make()\n"
)
BASE = (
    "import unittest\n\nfrom tests.support import ClientHelper\n\n\n"
    "class BaseCase(unittest.TestCase):\n    def make_client(self):\n        return ClientHelper()\n"
)
SUB = (
    "from tests.base import BaseCase\n\n\n"
    "class SubTest(BaseCase):\n    async def test_client(self):\n        await self.make_client()\n\n"
    "    def test_more(self):\n        self.assertTrue(self.make_client())\n"
)
DOUBLES = (
    "from unittest.mock import MagicMock\n\nfrom pkg.m1 import Manager1\n\n\n"
    "class RecordingManager(Manager1):\n    def send(self, data):\n        self.sent = data\n        return len(data)\n\n\n"
    "class Recorder(MagicMock):\n    def replay(self, calls):\n        return [c for c in calls]\n"
)
PLAIN = (
    "import unittest\n\nfrom tests.support import ClientHelper\n\n\n"
    "class PlainTest(unittest.TestCase):\n    async def test_close(self):\n        await ClientHelper().connect()\n\n"
    "    def test_lookup(self):\n        self.assertTrue(ClientHelper().fetch('k'))\n"
)
RENAMED = ("fetch", "connect", "make_client", "test_holder", "test_more", "send", "replay", "test_lookup", "close",
           "test_fetch", "test_client", "test_close")
CALLED_ASYNC = ("close",)  # an async def other tests call by name: renamed, SSOT402 judges their modules again


def _class_project() -> dict[str, str]:
    """``_method_project`` with test code: a helper class other tests use by instance (an awaited sync method is
    SSOT401 in the user's module), a test class using it, a base test case and its subclass, a subclass of a concept's
    member (attached to it), a ``MagicMock`` subclass (a test double by its base) and a test case that names
    ``unittest.TestCase`` itself (its methods count towards that base's hooks: ``hooks.external_hooks``)."""
    files = _method_project()
    files.update({"tests/__init__.py": "", "tests/support.py": SUPPORT, "tests/test_flow.py": FLOW,
                  "tests/base.py": BASE, "tests/test_sub.py": SUB, "tests/doubles.py": DOUBLES,
                  "tests/test_plain.py": PLAIN})  # fmt: skip
    return files


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of a test class's members: a method added (last, or above another; an ``async def`` or not),
    one added before taken away, a method renamed (or its name put back), or a module-level async test added."""
    path = root / "tests" / rng.choice(["support.py", "test_flow.py", "base.py", "test_sub.py", "doubles.py",
                                        "test_plain.py"])
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    added = re.findall(r"^    (?:async )?def test_added_\d+\(self\):\n        self\.assertTrue\(\d+\)\n\n?", text, re.M)
    kind = rng.choice(["add", "add", "remove", "rename", "function"] if added else ["add", "rename", "function"])
    if kind == "function":
        text = text.rstrip("\n") + f"\n\n\nasync def test_module_{n}():\n    assert {n}\n"
    elif kind == "add":
        method = f"    {rng.choice(['', 'async '])}def test_added_{n}(self):\n        self.assertTrue({n})\n"
        text = placed(text, method, r"^    (?:async )?def ", rng, "\n")
    elif kind == "remove":
        text = text.replace(rng.choice(added), "", 1)
    else:
        names = [name for name in RENAMED if re.search(rf"def {name}(_r\d+)?\(", text)]
        if not names:
            return f"none {path.name}"
        name = rng.choice(names)
        text = re.sub(rf"def {name}(_r\d+)?\(", lambda m: f"def {name}(" if m.group(1) else f"def {name}_r{n}(",
                      text, count=1)  # fmt: skip
        kind = "rename-called" if name in CALLED_ASYNC else kind
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return f"{kind} {path.name}"


def placed(text: str, block: str, above: str, rng: random.Random, gap: str) -> str:
    """``text`` with ``block`` put above a line starting with what ``above`` matches, half the time when there is one
    (followed by the blank lines ``gap``), else appended after them."""
    starts = [m.start() for m in re.finditer(above, text, re.M)]
    if starts and rng.random() < 0.5:
        at = rng.choice(starts)
        return text[:at] + block + gap + text[at:]
    return text.rstrip("\n") + "\n" + gap + block


def logged_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int,
                 edit: Callable[[Path, random.Random], str], files: dict[str, str],
                 edits: int = 14) -> list[list[str]]:  # fmt: skip
    """``random_edits`` of ``files``, ``edits`` of them: per edit, what it did and the scans after it that took the
    path (``"json"``, ``"text"``)."""
    log: list[list[str]] = []

    def logged(root: Path, rng: random.Random) -> str:
        log.append([edit(root, rng)])
        return log[-1][0]

    def took(root: Path, cache: Path, fixes: bool) -> None:
        log[-1].append("json" if fixes else "text")

    random_edits(tmp_path, monkeypatch, seed, logged, took, files=files, edits=edits)
    return log


@pytest.mark.parametrize("seed", [81, 82])
def test_random_test_class_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after an edit of the helper or of a test case
    take the path, ``async def``s added, removed or renamed too (``kept_calls``; an async method another test calls
    by name: that test's module is judged again), and after a module-level async test added to any of them; a test case naming
    ``unittest.TestCase`` too (no compared class has that base: ``Interfaces.read_bases``), and the base test case
    another derives from (test code as well: ``kept_judgements.members_unread``); none after an edit of
    ``doubles.py``'s (a class attached to a concept, and a test double by its base)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit, _class_project())
    for done, *scans in log:
        kind, name = done.split()
        on_path = kind == "function" or (name in ("support.py", "test_flow.py", "test_sub.py", "test_plain.py",
                                                  "base.py") and kind != "none")  # fmt: skip
        assert len(scans) == (2 if on_path else 0), (done, scans, [entry[0] for entry in log])


def test_a_helper_s_method_renamed_fires_its_class() -> None:
    """A method renamed in a class of test code fires the class's members (``CLASS``) and both methods' facts; the
    same edit outside test code, or of a class made a test double by its trivial methods, is refused."""
    old = SUPPORT
    new = old.replace("def fetch(", "def fetch_r1(")
    found = interface_change(facts_of(old), facts_of(new), line_map(old, new))
    assert found is not None and found.classes == {"ClientHelper"}
    leaves = fired_leaves("tests.support", found, Recorded.of_trace(Trace()))
    for leaf in [(CLASS, "tests.support", "ClientHelper"), (FUNCTION, "tests.support", "ClientHelper.fetch"),
                 (HEAD, "tests.support", "ClientHelper.fetch_r1")]:  # fmt: skip
        assert leaf in leaves
    assert _model_holds(facts_of(old), facts_of(new), found, is_test=True)
    assert not _model_holds(facts_of(old), facts_of(new), found, is_test=False)  # production: the model compares it
    trivial = "class Fake:\n    def send(self):\n        return None\n"
    more = trivial + "\n    def recv(self):\n        return None\n"
    found = interface_change(facts_of(trivial), facts_of(more), line_map(trivial, more))
    assert found is not None and found.classes == {"Fake"}
    assert not _model_holds(facts_of(trivial), facts_of(more), found, is_test=True)  # a test double
    based = old.replace("class ClientHelper:", "class ClientHelper(Base):")
    found = interface_change(facts_of(old), facts_of(based), line_map(old, based))
    assert found is None  # a base: the class changed beyond its members


@pytest.mark.parametrize("old, new", [
    ("def send(self, data):", "def send_r1(self, data):"),  # a class attached to a concept: its methods are listed
    ("def replay(self, calls):", "def replay(self, calls):\n        return calls\n\n    def rewind(self):"),  # a mock
])  # fmt: skip
def test_a_class_the_model_reads_the_members_of_takes_the_whole_scan(tmp_path: Path, old: str, new: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    def edit(root: Path, rng: random.Random) -> str:
        path = root / "tests/doubles.py"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        return new

    taken, done = random_edits(tmp_path, monkeypatch, 0, edit, files=_class_project(), edits=1)
    assert taken == 0, done  # each scan equal to a cold scan's, by the whole way


CALLER = (
    "from tests.support import ClientHelper\n\n\n"
    "def test_later():\n    ClientHelper().later()\n\n\n"
    "async def test_close():\n    await ClientHelper().close()\n"
)


@pytest.mark.parametrize("added", ["later", "sooner"])
def test_an_async_def_another_module_calls_by_name_judges_that_module_again(tmp_path: Path, added: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``ClientHelper().later()`` in another test module was never judged by SSOT402 (no async def was named
    ``later``), so nothing of it is recorded: once ``later`` is made an ``async def`` the unawaited call is a finding
    only a judgement of that module finds. The names that came are looked up in the full scan's table of callers by
    name (``AsyncChange``): the scan judges that module again and finds it, as the cold scan does, keeping the
    model; a name no call uses judges no other module."""
    files = {**_class_project(), "tests/test_caller.py": CALLER}

    def edit(root: Path, rng: random.Random) -> str:
        target = root / "tests/support.py"
        text = target.read_text(encoding="utf-8").rstrip("\n")
        target.write_text(text + f"\n\n    async def {added}(self):\n        return 1\n", encoding="utf-8")
        return added

    taken, done = random_edits(tmp_path, monkeypatch, 0, edit, files=files, edits=1)
    assert taken == 2, done
    found = json.loads(scan_output(tmp_path / "proj", tmp_path / "cache"))["findings"]
    later = [f for f in found if f["code"] == "SSOT402" and f["location"]["path"] == "tests/test_caller.py"]
    assert [f["location"]["line"] for f in later] == ([5] if added == "later" else [])
    root = tmp_path / "proj"  # the kept table of async defs is the one a cold scan makes, in the same order
    config = load_config(root)
    _, tree = walk_tree(root, config, scope_key(root, config, ALL_RULES), tmp_path / "cache")
    kept = find_kept(tree) if tree is not None else None
    assert kept is not None and kept.tables.async_defs == async_functions(load_project(root, config).index)
    assert FunctionValue("tests.support", f"ClientHelper.{added}") in kept.tables.async_defs
    keyed = [key for key in kept.tables.bound_names if all(isinstance(k, FunctionValue) for k in key)]
    assert keyed == [frozenset(kept.tables.async_defs)]  # the answer for the old table was not kept beside it


HANDLER_TEST = (
    "from framework import Handler\n\n\n"
    "class TestHandler(Handler):\n    def test_open(self):\n        self.assertTrue(1)\n"
)


@pytest.mark.parametrize("path, taken", [("tests/test_handler.py", 0), ("tests/test_plain.py", 2)])
def test_a_test_case_of_an_external_base_a_compared_class_has_takes_the_whole_scan(
        tmp_path: Path, path: str, taken: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``ChannelPool`` derives from ``framework.Handler`` and is compared with ``BufferedChannelPool`` (a name of
    its own, not a version of the same: the comparison asks the hooks of their external bases): a method added to a
    test case naming that base could make it a hook of the base, which that comparison reads; one naming
    ``unittest.TestCase`` changes nothing the model compared. Both scans equal a cold scan's."""
    files = {path: text.replace("UnifiedChannelPool", "BufferedChannelPool") for path, text in _class_project().items()}
    files["tests/test_handler.py"] = HANDLER_TEST
    files["pkg/pool_a.py"] = "from framework import Handler\n\n\n" + files["pkg/pool_a.py"].replace(
        "class ChannelPool:", "class ChannelPool(Handler):")  # fmt: skip

    def edit(root: Path, rng: random.Random) -> str:
        target = root / path
        text = target.read_text(encoding="utf-8").rstrip("\n")
        target.write_text(text + "\n\n    def test_later(self):\n        self.assertTrue(2)\n", encoding="utf-8")
        return path

    assert random_edits(tmp_path, monkeypatch, 0, edit, files=files, edits=1)[0] == taken
    model = load_project(tmp_path / "proj", load_config(tmp_path / "proj")).concepts
    assert "framework:Handler" in model.similarity.interfaces.read_bases
    assert "unittest:TestCase" not in model.similarity.interfaces.read_bases


def _edit_two(root: Path, rng: random.Random) -> str:
    """A method added to a test class and, in the same edit, another of its methods given a parameter (or a
    ``self.x = ...`` store, or a decorator): the kept method changed in what the model reads of it, or not."""
    path = root / "tests" / rng.choice(["support.py", "test_flow.py", "test_sub.py", "test_plain.py"])
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    kept = [m for m in re.finditer(r"^    (?:async )?def (\w+)\(self(.*?)\):\n", text, re.M)
            if "test_added" not in m[1]]
    target = rng.choice(kept)
    change = rng.choice(("parameter", "store", "decorator"))
    if change == "parameter":
        new = target[0].replace("(self", f"(self, extra_{n}=None", 1)
    elif change == "store":
        new = target[0] + f"        self.seen_{n} = {n}\n"
    else:
        new = "    @staticmethod\n" + target[0].replace("(self", "(self=None", 1)
    text = text.replace(target[0], new, 1)
    method = f"    def test_added_{n}(self):\n        self.assertTrue({n})\n"
    text = placed(text, method, r"^    (?:async )?def ", rng, "\n")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return f"{change} of {target[1]} in {path.name}"


@pytest.mark.parametrize("seed", [91, 92])
def test_random_methods_added_beside_changed_ones_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A method added to a test class with another of its methods changed in the same edit: a kept method the model
    reads the same of is one of ``InterfaceChange.methods`` (its ``HEAD`` leaf does not fire), one given a decorator
    is not. Each scan equals a cold scan's, and the path is taken after most."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit_two, _class_project())
    assert sum(len(scans) for _, *scans in log) >= 12, log


@pytest.mark.parametrize(("subclass", "kept"), [
    ("class TestMore(BaseCase):\n    def test_more_1(self):\n        self.assertTrue(1)\n", True),  # test code
    ("class FakeCase(BaseCase):\n    def test_fake(self):\n        return 1\n", False),  # a double by its name
    ("class AlsoManager(BaseCase, Manager1):\n    def test_sent(self):\n        return 1\n", False),  # a member's
])  # fmt: skip
def test_a_base_test_case_keeps_the_model_when_every_class_derived_from_it_is_test_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subclass: str, kept: bool) -> None:  # fmt: skip
    """A method added to a base test case changes the public methods of every class derived from it: the kept model
    holds when each is test code no concept holds (``kept_judgements.members_unread``), and the scan takes the path;
    a double derived from it (a satellite of concepts, compared) or a subclass of a concept's member take the whole
    scan. Each scan equals a cold one."""
    files = _class_project()
    files["tests/test_sub.py"] += "\n\nfrom pkg.m1 import Manager1\n\n\n" + subclass

    def edit(root: Path, rng: random.Random) -> str:
        path = root / "tests/base.py"
        path.write_text(path.read_text(encoding="utf-8") + "\n    def make_other(self):\n        return 2\n",
                        encoding="utf-8")  # fmt: skip
        return "a method added to BaseCase"

    taken, done = random_edits(tmp_path, monkeypatch, 0, edit, files=files, edits=1)
    assert taken == (2 if kept else 0), done


NESTED = (
    "import pytest\n\nfrom tests.support import ClientHelper\n\n\n"
    "class TestNested:\n"
    "    def test_local_helper(self):\n"
    "        class LocalHelper(ClientHelper):\n            def fetch(self, key):\n"
    "                if key:\n                    raise KeyError(key)\n                return self.connect()\n\n"
    "        assert LocalHelper().fetch('k')\n\n"
    "    def test_alias(self):\n        made = ClientHelper\n        assert made().connect()\n"
)
DECORATORS = ("pytest.mark.skip", "pytest.mark.parametrize('x', [1, 2])", "staticmethod", "property", "mark_{n}")


CLASS_DECORATORS = ("pytest.mark.usefixtures('db')", "dataclass", "mark_{n}")


def _edit_decorator(root: Path, rng: random.Random) -> str:
    """A decorator written above a method of a class or above a class (or one written before taken away), nothing
    else of the class changed: a test mark, ``staticmethod``, ``property``, ``dataclass`` or a name nothing binds."""
    name = rng.choice(["support.py", "test_flow.py", "base.py", "test_sub.py", "test_plain.py", "test_nested.py",
                       "doubles.py"])  # fmt: skip
    path = root / "tests" / name
    text = path.read_text(encoding="utf-8")
    written = re.findall(r"^(?:    )?@\S.*\n", text, re.M)
    if written and rng.random() < 0.5:
        line = rng.choice(written)
        path.write_text(text.replace(line, "", 1), encoding="utf-8")
        return f"{'removed' if line.startswith(' ') else 'class'} {name}"
    on_class = rng.random() < 0.3
    starts = [m.start() for m in re.finditer(r"^class \w+" if on_class else r"^    (?:async )?def \w+\(self", text,
                                             re.M)]  # fmt: skip
    at = rng.choice(starts)
    deco = rng.choice(CLASS_DECORATORS if on_class else DECORATORS).format(n=rng.randrange(1000))
    path.write_text(f"{text[:at]}{'' if on_class else '    '}@{deco}\n{text[at:]}", encoding="utf-8")
    return f"{'class' if on_class else 'added'} {name}"


@pytest.mark.parametrize("seed", [101, 102])
def test_random_decorators_of_test_methods_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A decorator added to a method or a class of test code or taken away (``InterfaceChange.classes``: the class is
    judged as one whose members changed; the roles read no test class's decorators), a method of ``test_nested.py``
    among them, whose nested class's bases the model
    resolved in the method's scope (what it read is the method's ``SCOPE``, which a decorator leaves as it was). Each
    scan equals a cold scan's; both scans after an edit take the path but after a method's decorator in
    ``doubles.py`` (a class attached to a concept, and a test double by its base: the whole scan; a decorator of
    those classes themselves is read by nothing of the model's)."""
    files = {**_class_project(), "tests/test_nested.py": NESTED}
    log = logged_edits(tmp_path, monkeypatch, seed, _edit_decorator, files)
    for done, *scans in log:
        whole = done.endswith("doubles.py") and not done.startswith("class")
        assert len(scans) == (0 if whole else 2), (done, scans, [entry[0] for entry in log])
    assert {"class", "added"} <= {entry[0].split()[0] for entry in log}, log
