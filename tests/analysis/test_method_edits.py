"""The scan after an edit of a method that keeps its class's facts (a parameter added, a return value changed): the
interface path keeps the concept model (it reads none of what changed: ``member_change.MODEL_READS``), judges
again what the dependency record links to the method, and gives the cold scan's output byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ssot_audit.analysis.edits import _model_holds
from ssot_audit.analysis.interface_change import fired_leaves, interface_change
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import CLASS, FUNCTION, HEAD, LOCAL, MODEL, Trace
from ssot_audit.config import Config

from tests.analysis.test_interface_scan import _project, random_edits
from tests.helpers import write_project
from tests.test_unseen import facts_of, line_map
from tests.trace_truth import traced_scan


def _method_project() -> dict[str, str]:
    """``_project`` with modules that read other modules' methods: awaited (SSOT401 when sync), through a property,
    chained through what a method returns, and a factory method a class's users call."""
    files = _project()
    files["pkg/callers.py"] = (
        "from pkg.m1 import Manager1\nfrom pkg.m2 import Manager2\nfrom pkg.holder import Holder\n\n\n"
        "async def go():\n    m = Manager1()\n    await m.send(b'x')\n    return m.connect()\n\n\n"
        "async def chained():\n    h = Holder()\n    await h.make().close()\n    await h.store.connect()\n"
        "    return Manager2().send(b'y')\n"
    )  # fmt: skip
    files["pkg/holder.py"] = (
        "from pkg.m0 import Manager0\nfrom pkg.m1 import Manager1\n\n\n"
        "class Holder:\n    def make(self):\n        return Manager0()\n\n"
        "    @property\n    def store(self):\n        return Manager1()\n\n"
        "    async def fetch(self, key):\n        return key\n"
    )  # fmt: skip
    pool = ("class {name}:\n    async def open_channel(self, name):\n        return name\n\n"
            "    async def close_channel(self, name):\n        return name\n\n"
            "    def channel_count(self):\n        return len(self.channels)\n\n"
            "    def drain_channels(self, limit):\n        return limit\n\n"
            "    def bind(self, target):\n        self.target = target.channel\n        return self.target\n")  # fmt: skip
    # two versions of one class (the model compares them: their methods' async-ness, read as it builds, not through
    # a memoised answer), and a user of each
    files["pkg/pool_a.py"] = pool.format(name="ChannelPool")
    files["pkg/pool_b.py"] = pool.format(name="UnifiedChannelPool")
    files["pkg/pool_user.py"] = ("from pkg.pool_a import ChannelPool\nfrom pkg.pool_b import UnifiedChannelPool\n\n\n"
                                 "async def run():\n    await ChannelPool().open_channel('a')\n"
                                 "    return UnifiedChannelPool().channel_count()\n")  # fmt: skip
    return files


def _edit(root: Path, rng: random.Random) -> str:
    """One random edit of a method (a parameter added or taken back, a return value changed or put back)."""
    path = rng.choice([root / "pkg/holder.py", root / "pkg/pool_a.py", root / "pkg/pool_b.py",
                       *sorted(root.glob("pkg/m[0-2].py"))])  # fmt: skip
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    extra = re.search(r", extra_\d+=None\)", text)
    if extra is not None and rng.random() < 0.5:
        path.write_text(text[:extra.start()] + ")" + text[extra.end():], encoding="utf-8")
        return f"unparameter {path.name}"
    methods = re.findall(r"^    (?:async )?def (\w+)\(self[^)]*\)", text, re.M)
    name = rng.choice(methods)
    if rng.random() < 0.5:
        text = re.sub(rf"(def {name}\(self[^)]*)\)", rf"\1, extra_{n}=None)", text, count=1)
        path.write_text(text, encoding="utf-8")
        return f"parameter {path.name} {name}"
    value = rng.choice(["Manager0()", "Manager1()", "None", "len(data)", "self", f"self.other_{n}"])
    body = re.search(rf"def {name}\(self[^)]*\)[^:]*:\n(?:        (?!return)[^\n]*\n)*        return ([^\n]+)\n", text)
    assert body is not None, (path, name)
    path.write_text(text[:body.start(1)] + value + text[body.end(1):], encoding="utf-8")
    return f"return {path.name} {name} {value}"


@pytest.mark.parametrize("seed", [71, 72])
def test_random_method_edits_give_the_cold_scan_byte_for_byte(tmp_path: Path, seed: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    taken, done = random_edits(tmp_path, monkeypatch, seed, _edit, files=_method_project(), edits=14)
    # the path, two scans an edit (28), but where an edit changes what the model reads: a method made trivial by a
    # constant return (the roles of test doubles), or one whose lookups' answers change (24 and 24 taken; 14 and 16
    # when a property lookup read a method's whole facts instead of ``trace.HEAD``)
    assert taken >= 20, done


def test_a_method_s_parameters_or_returns_fire_its_facts_not_what_the_model_reads() -> None:
    """A method changed in its parameters fires its ``FUNCTION`` leaf alone; a module-level function's change fires
    what the model reads of it (``HEAD``) too, and so does a method made sync (the model reads that), whose class
    counts as changed in its members (its ``CLASS`` leaf: which of its methods are async, ``Roles.methods_with``),
    for the caller to judge; made sync and decorated besides, it is a changed function of a class let through, which
    the caller refuses outside test code."""
    old = "class Pool:\n    async def open(self, name):\n        return name\n\n\ndef helper(x):\n    return x\n"
    new = old.replace("open(self, name)", "open(self, name, extra=None)").replace("helper(x)", "helper(x, y=1)")
    found = interface_change(facts_of(old), facts_of(new), line_map(old, new))
    assert found is not None and found.methods == {"Pool.open"} and found.functions == {"Pool.open", "helper"}
    leaves = fired_leaves("pkg.m", found, Recorded.of_trace(Trace()))
    assert {leaf for leaf in leaves if leaf[0] in (FUNCTION, HEAD)} == {
        (FUNCTION, "pkg.m", "Pool.open"), (FUNCTION, "pkg.m", "helper"), (HEAD, "pkg.m", "helper")}
    made_sync = old.replace("async def open", "def open")
    found = interface_change(facts_of(old), facts_of(made_sync), line_map(old, made_sync))
    assert found is not None and found.toggled == {"Pool.open"} and found.classes == {"Pool"} and not found.methods
    assert {leaf for leaf in fired_leaves("pkg.m", found, Recorded.of_trace(Trace()))
            if leaf[0] in (FUNCTION, HEAD, CLASS)} == {
        (FUNCTION, "pkg.m", "Pool.open"), (HEAD, "pkg.m", "Pool.open"), (CLASS, "pkg.m", "Pool")}  # fmt: skip
    decorated = made_sync.replace("    def open", "    @staticmethod\n    def open")  # the model reads decorators
    found = interface_change(facts_of(old), facts_of(decorated), line_map(old, decorated))
    assert found is not None and found.classes == {"Pool"} and not found.toggled and not found.methods
    assert {leaf for leaf in fired_leaves("pkg.m", found, Recorded.of_trace(Trace()))
            if leaf[0] in (FUNCTION, HEAD, CLASS)} == {
        (FUNCTION, "pkg.m", "Pool.open"), (HEAD, "pkg.m", "Pool.open"), (CLASS, "pkg.m", "Pool")}  # fmt: skip
    assert not _model_holds(facts_of(old), facts_of(decorated), found, is_test=False)


def test_a_class_whose_last_line_changed_keeps_its_facts_but_its_end() -> None:
    """A return value changed on a class's last line: the class's end has no old line to move to, and the edit is
    still a method's (a finding kept from the last result that holds the class's old end cannot be moved, and the
    scan goes the whole way: ``model.moved``)."""
    old = "class Pool:\n    size = 3\n\n    def open(self, name):\n        return self.pool.get(name)\n"
    new = old.replace("        return self.pool.get(name)\n", "        return (\n            self.other\n        )\n")
    found = interface_change(facts_of(old), facts_of(new), line_map(old, new))
    assert found is not None and found.methods == {"Pool.open"}
    attr = new.replace("    size = 3", "    size = len")  # a class attribute too: a member of the class changed
    found = interface_change(facts_of(old), facts_of(attr), line_map(old, attr))
    assert found is not None and found.classes == {"Pool"} and "Pool.open" in found.functions


def test_a_parameter_added_to_a_method_the_model_resolved_names_in_does_not_reach_it(tmp_path: Path) -> None:
    """The model resolves the attribute types of the classes it compares (``self.target = ...`` in ``bind``), which
    reads the method's local bindings of each name it resolves (``trace.LOCAL``): a parameter added fires the new
    name's leaf alone, which nothing read; a parameter renamed fires the name the model read."""
    root = write_project(tmp_path / "proj", _method_project())
    _, recorded = traced_scan(root, Config(), 1)
    assert (LOCAL, "pkg.pool_a", "ChannelPool.bind target") in recorded.keys  # read while the model was built
    old = (root / "pkg/pool_a.py").read_text(encoding="utf-8")
    for new, reaches in ((old.replace("def bind(self, target)", "def bind(self, target, extra=None)"), False),
                         (old.replace("def bind(self, target)", "def bind(self, other)"), True)):  # fmt: skip
        change = interface_change(facts_of(old), facts_of(new), line_map(old, new))
        assert change is not None and change.methods == {"ChannelPool.bind"}
        assert (MODEL in recorded.reached(fired_leaves("pkg.pool_a", change, recorded))) is reaches
