"""The scan after a method is added to, removed from or renamed in a class of test code (the commonest edit of a
large codebase: a test written): the interface path keeps the concept model when it reads nothing of the class's
members (``edits._test_class_holds``, ``concept_snapshot.members_unread``), judges again what the member lookups
recorded of the class (``trace.CLASS``), and gives the cold scan's output byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ssot_audit.analysis.interface_change import fired_leaves, interface_change
from ssot_audit.analysis.edits import _model_holds
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import CLASS, FUNCTION, HEAD, Trace

from tests.analysis.test_interface_scan import random_edits
from tests.analysis.test_method_edits import _method_project
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
RENAMED = ("fetch", "connect", "make_client", "test_holder", "test_more", "send", "replay", "test_lookup")


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
    """One random edit of a test class's members: a method added (last, or above another), one added before taken
    away, or a method renamed (or its name put back)."""
    path = root / "tests" / rng.choice(["support.py", "test_flow.py", "base.py", "test_sub.py", "doubles.py",
                                        "test_plain.py"])
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    added = re.findall(r"^    def test_added_\d+\(self\):\n        self\.assertTrue\(\d+\)\n\n?", text, re.M)
    kind = rng.choice(["add", "add", "remove", "rename"] if added else ["add", "rename"])
    if kind == "add":
        method = f"    def test_added_{n}(self):\n        self.assertTrue({n})\n"
        defs = [m.start() for m in re.finditer(r"^    (?:async )?def ", text, re.M)]
        if defs and rng.random() < 0.5:
            at = rng.choice(defs)
            text = text[:at] + method + "\n" + text[at:]
        else:
            text = text.rstrip("\n") + "\n\n" + method
    elif kind == "remove":
        text = text.replace(rng.choice(added), "", 1)
    else:
        names = [name for name in RENAMED if re.search(rf"def {name}(_r\d+)?\(", text)]
        if not names:
            return f"none {path.name}"
        name = rng.choice(names)
        text = re.sub(rf"def {name}(_r\d+)?\(", lambda m: f"def {name}(" if m.group(1) else f"def {name}_r{n}(",
                      text, count=1)  # fmt: skip
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [81, 82])
def test_random_test_class_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after an edit of the helper or of a test case
    take the path, none after an edit of the base test case (it has a subclass), of ``doubles.py`` (a class attached
    to a concept, and a test double by its base) or of a test case naming ``unittest.TestCase``."""
    log: list[list[str]] = []

    def edit(root: Path, rng: random.Random) -> str:
        log.append([_edit(root, rng)])
        return log[-1][0]

    def took(root: Path, cache: Path, fixes: bool) -> None:
        log[-1].append("json" if fixes else "text")

    random_edits(tmp_path, monkeypatch, seed, edit, took, files=_class_project(), edits=14)
    for done, *scans in log:
        kind, name = done.split()
        assert len(scans) == (2 if name in ("support.py", "test_flow.py", "test_sub.py") and kind != "none" else 0), log


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
