"""``ClassValue`` keeps its hash on the object: it must be the dataclass's own and never travel in a pickle (string
hashes differ between processes), so a class unpickled in another process is found in that process's tables."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import dataclasses
from dataclasses import FrozenInstanceError

import pytest

from ssot_audit.analysis.values import ClassValue, FunctionValue, shown_qualname, untagged

_OTHER_PROCESS = """
import pickle, sys
from ssot_audit.analysis.values import ClassValue
value = pickle.loads(sys.stdin.buffer.read())
table = {ClassValue("pkg.mod", "Outer.Inner"): "found"}
print(table.get(value, "missing"), hash(value) == hash(("pkg.mod", "Outer.Inner")))
"""


def test_hash_equality_and_repr_are_the_dataclass_definition() -> None:
    value = ClassValue("pkg.mod", "Outer.Inner")
    assert hash(value) == hash(("pkg.mod", "Outer.Inner"))
    assert value == ClassValue("pkg.mod", "Outer.Inner")
    assert value != ClassValue("pkg.mod", "Outer")
    assert value != FunctionValue("pkg.mod", "Outer.Inner")  # same fields, another kind of value
    assert repr(value) == "ClassValue(module='pkg.mod', qualname='Outer.Inner')"  # some orders sort by repr
    with pytest.raises(FrozenInstanceError):
        value.module = "other"  # type: ignore[misc]


@pytest.mark.parametrize("seed", ["1", "2"])
def test_an_unpickled_class_is_found_in_another_process(seed: str) -> None:
    data = pickle.dumps(ClassValue("pkg.mod", "Outer.Inner"), protocol=5)
    assert pickle.loads(data) == ClassValue("pkg.mod", "Outer.Inner")
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS], input=data, capture_output=True, env=env,
                          check=True)  # fmt: skip
    assert done.stdout.decode().split() == ["found", "True"]


def test_shown_qualname_drops_the_tags_of_conditional_twins() -> None:
    assert shown_qualname("select#20") == "select"
    assert shown_qualname("Manager.connect#2") == "Manager.connect"
    assert shown_qualname("build#3.<locals>.inner#2") == "build.<locals>.inner"
    assert shown_qualname("plain") == "plain"
    assert ClassValue("m", "Box#2").shown == "Box" and FunctionValue("m", "f#4").shown == "f"
    assert ClassValue("m", "Box#2").qualname == "Box#2"  # the tag stays in the identity


def test_untagged_drops_tags_only_where_they_follow_a_name() -> None:
    assert untagged("from app#2.core import f#3; app#12 <-> app#12.sites") == "from app.core import f; app <-> app.sites"
    assert untagged("issue #2, a#2b, x ## 3, C# 4") == "issue #2, a#2b, x ## 3, C# 4"
    assert untagged("plain text") == "plain text"


def test_class_values_made_from_columns_are_the_constructors() -> None:
    """``ClassValue.of_columns`` sets every field the constructor sets (a field added to ``ClassValue`` fails here
    until ``of_columns`` sets it), to the same values, hash included."""
    modules, qualnames = ["pkg.a", "pkg.b", "pkg.a", "m#2"], ["A", "Outer.Inner", "B#2", "A"]
    made, built = ClassValue.of_columns(modules, qualnames), list(map(ClassValue, modules, qualnames))
    assert [f.name for f in dataclasses.fields(ClassValue)] == ["module", "qualname", "_hash"]
    assert [[getattr(v, f.name) for f in dataclasses.fields(v)] for v in made] == \
        [[getattr(v, f.name) for f in dataclasses.fields(v)] for v in built]  # fmt: skip
    assert made == built and list(map(hash, made)) == list(map(hash, built)) and list(map(repr, made)) == list(map(repr, built))
    assert {v: i for i, v in enumerate(made)} == {v: i for i, v in enumerate(built)}
    assert pickle.loads(pickle.dumps(made)) == built
    with pytest.raises(FrozenInstanceError):
        made[0].module = "x"  # type: ignore[misc]
