"""The scan after a class attribute is added, removed or given another value (a Django model's field, a constant of
a class): a class attribute is a member (``member_change.MEMBERS``), so the interface path fires the class's
``trace.CLASS`` leaf (a private one's ``trace.MEMBER``), judges again the member lookups that found it or not, keeps
the concept model unless it read them, and gives the cold scan's output byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ssot_audit.analysis.edits import _model_holds, changed_classes
from ssot_audit.analysis.interface_change import fired_leaves, interface_change
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import CLASS, MEMBER, Trace

from tests.analysis.test_class_edits import _class_project, logged_edits
from tests.test_unseen import facts_of, line_map

# (file, class, names of the module an attribute may be assigned): production classes, one a concept's member
# (``Manager1``) and one the model compares with its version (``ChannelPool``), and classes of test code
CLASSES = (
    ("pkg/holder.py", "Holder", ("Manager0", "Manager1")),
    ("pkg/pool_a.py", "ChannelPool", ()),
    ("pkg/m1.py", "Manager1", ("get_1", "tool_1")),
    ("tests/support.py", "ClientHelper", ("Manager1",)),
    ("tests/test_plain.py", "PlainTest", ("ClientHelper",)),
)
_ADDED = re.compile(r"^    (?:[A-Z_]+|_?added)_(\d+) = .*\n", re.M)


def _edit(root: Path, rng: random.Random) -> str:
    """A class attribute added as a class's first statement (upper-case, lower-case or private; a constant, None or
    a name of the module), one added before given another value, or taken away."""
    relpath, name, values = rng.choice(CLASSES)
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    n = rng.randrange(1000)
    value = rng.choice([str(n), "None", *values])
    added = [m for m in _ADDED.finditer(text)]
    kind = rng.choice(["add", "add", "value", "remove"] if added else ["add"])
    if kind == "add":
        attribute = rng.choice([f"LIMIT_{n}", f"added_{n}", f"_added_{n}"])
        text = re.sub(rf"^(class {name}\b.*:\n)", rf"\g<1>    {attribute} = {value}\n\n", text, count=1, flags=re.M)
    elif kind == "value":
        found = rng.choice(added)
        line = found.group(0)
        text = text.replace(line, line.split(" = ")[0] + f" = {value}\n", 1)
    else:
        text = text.replace(rng.choice(added).group(0), "", 1)
    path.write_text(text, encoding="utf-8")
    return f"{kind} {relpath}"


@pytest.mark.parametrize("seed", [71, 72])
def test_random_class_attribute_edits_give_the_cold_scan_byte_for_byte(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Each scan equals a cold scan's (``scans_after_edit``); both scans after an attribute added or taken away take
    the path in a class the model never read the members of (a public one of the concept's member or of
    ``ChannelPool``, which the model compares with its version, runs the whole scan; a private one, whose rows the
    model never asked for, does not), and after a value changed when one takes it (a constant changed is an edit
    no reader sees: the last result is moved)."""
    log = logged_edits(tmp_path, monkeypatch, seed, _edit, _class_project())
    assert all(len(scans) in (0, 2) for _, *scans in log), log
    for done, *scans in log:
        if not done.startswith("value") and not done.endswith(("m1.py", "pool_a.py")):
            assert len(scans) == 2, (done, log)


PLAIN = "class Service:\n    def run(self):\n        return [1]\n"


@pytest.mark.parametrize("attribute, leaf", [
    ("    LIMIT = 3\n", (CLASS, "pkg.svc", "Service")),
    ("    _limit = 3\n", (MEMBER, "pkg.svc", "Service _limit")),
])  # fmt: skip
def test_a_class_attribute_added_is_a_member_changed(attribute: str, leaf: tuple[str, ...]) -> None:
    """A class attribute added: its class's members changed (``InterfaceChange.classes``); a public one fires the
    class's ``CLASS`` leaf (``Moved.attrs``: the kept model is not asked, ``Roles.methods`` holds no attribute), a
    private one its ``MEMBER`` leaf alone (``Moved.private``). Production code too."""
    new = PLAIN.replace("class Service:\n", "class Service:\n" + attribute + "\n")
    old_facts, new_facts = facts_of(PLAIN), facts_of(new)
    found = interface_change(old_facts, new_facts, line_map(PLAIN, new))
    assert found is not None and found.classes == {"Service"}
    private, public, attrs = changed_classes(old_facts, new_facts, found, False)
    assert public == () and (attrs, private) == (({"Service"}, set()) if leaf[0] == CLASS else (set(), {"Service"}))
    assert _model_holds(old_facts, new_facts, found, False, private | attrs)
    leaves = fired_leaves("pkg.svc", found, Recorded.of_trace(Trace()), private=private)
    assert leaf in leaves and ((CLASS, "pkg.svc", "Service") in leaves) == (leaf[0] == CLASS)


def test_what_the_roles_read_of_class_attributes_is_judged() -> None:
    """The roles read upper-case constants beside static lookups as a hand-written enum (``roles.kind_by_methods``:
    a production class whose kind changes is refused) and ``abstract`` in a base's ``Meta`` (refused when it comes
    or goes)."""
    enum = ("class State:\n    A = 1\n    B = 2\n\n    @staticmethod\n    def from_string(text):\n"
            "        return text\n")  # fmt: skip
    more = enum.replace("    B = 2\n", "    B = 2\n    C = 3\n")  # a third constant: an enumeration now
    old_facts, new_facts = facts_of(enum), facts_of(more)
    found = interface_change(old_facts, new_facts, line_map(enum, more))
    assert found is not None
    private, public, attrs = changed_classes(old_facts, new_facts, found, False)
    assert not _model_holds(old_facts, new_facts, found, False, private | attrs | {q for q, _, _ in public})
    meta = "class Model:\n    class Meta:\n        ordering = 1\n"
    for new in (meta.replace("ordering = 1", "ordering = 2"), meta.replace("ordering = 1", "abstract = True")):
        found = interface_change(facts_of(meta), facts_of(new), line_map(meta, new))
        assert (found is None) == ("abstract" in new)
