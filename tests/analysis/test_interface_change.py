"""``interface_change``: crafted edits (what each says changed, and what it refuses), and ground truth from the
resolver: over random edits of a small project, a module-level name outside D whose answer (``Resolver.module_attr``)
differs between the old and the new project reads a changed name or function through its binding."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest

from ssot_audit.analysis.edits import _model_holds, changed_classes
from ssot_audit.analysis.interface_change import InterfaceChange, fired_leaves, interface_change
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import CLASS, FUNCTION, HEAD, SCOPE, Trace
from ssot_audit.analysis.unseen import _strings, calls_only_change
from ssot_audit.config import load_config
from ssot_audit.project import load_project
from tests.helpers import write_project
from tests.test_unseen import facts_of, line_map

BASE = '''\
"""A module."""
import os
from pkg import helper, other

__all__ = ["run", "Box"]

LIMIT = 10


def run(path):
    return helper(path)


def build():
    return Box()


class Box:
    def open(self):
        return os.getcwd()


TABLE = [run(1), LIMIT]
'''


def change(old: str, new: str) -> InterfaceChange | None:
    old, new = textwrap.dedent(old), textwrap.dedent(new)
    return interface_change(facts_of(old), facts_of(new), line_map(old, new))


def test_a_renamed_function_changes_its_two_names_and_nothing_else() -> None:
    found = change(BASE, BASE.replace("def run(path):", "def run_r1(path):"))
    assert found == InterfaceChange(frozenset({"run", "run_r1"}), frozenset({"run", "run_r1"}), imports=False,
                                    module_calls=False, attr_uses=False, exported=frozenset(), local=False,
                                    scoped=frozenset({"run", "run_r1"}))  # fmt: skip


def test_an_import_inserted_on_top_changes_only_the_name_it_binds() -> None:
    """Every later import's index moves by one: the bindings are compared by the import they name."""
    found = change(BASE, BASE.replace("import os\n", "import sys\nimport os\n"))
    assert found is not None and found.names == {"sys"} and found.imports and not found.functions


def test_a_function_local_import_is_compared_by_the_import_it_names() -> None:
    """Its binding is an index into the module's imports as well: one added on top moves it, and no answer."""
    old = "import os\n\n\ndef f():\n    from pkg import signals\n    return signals.send()\n"
    found = change(old, "import sys\n" + old)
    assert found is not None and found.names == {"sys"} and not found.functions


def test_a_function_local_import_that_names_another_module_changes_the_function() -> None:
    """The local binding is the same index as before: the import at that index is what changed, and the name is
    read: the function is changed (its ``FUNCTION`` leaf fires), and so are the import rows."""
    found = change("def f():\n    from a import x\n    return x()\n", "def f():\n    from b import x\n    return x()\n")
    assert found is not None and found.functions == {"f"} and found.imports and not found.names


def test_a_constant_added_and_one_changed() -> None:
    found = change(BASE, BASE.replace("LIMIT = 10\n", "LIMIT = other\nEXTRA = 1\n"))
    assert found is not None and found.names == {"LIMIT", "EXTRA"} and not found.imports


def test_a_changed_signature_is_a_changed_function_with_the_same_name() -> None:
    found = change(BASE, BASE.replace("def build():", "def build(kind=None):"))
    assert found is not None and found.functions == {"build"} and found.names == set()


def test_module_level_calls_and_exports() -> None:
    found = change(BASE, BASE.replace("TABLE = [run(1), LIMIT]", "TABLE = [run(2), LIMIT, run(3)]"))
    assert found is not None and found.module_calls
    assert change(BASE, BASE.replace('["run", "Box"]', '["run", "Box", "LIMIT"]')).exported == {"LIMIT"}  # type: ignore[union-attr]
    assert change(BASE, BASE.replace('__all__ = ["run", "Box"]\n', "")).exported is None  # type: ignore[union-attr]
    assert change(BASE, BASE.replace('["run", "Box"]', '["Box", "run"]')).exported is None  # type: ignore[union-attr]


def test_a_calls_only_edit_changes_nothing() -> None:
    new = BASE.replace("    return helper(path)", "    print(path)\n    return helper(path)")
    assert calls_only_change(facts_of(BASE), facts_of(new), line_map(BASE, new))
    assert change(BASE, new) == InterfaceChange(frozenset(), frozenset(), False, False, False, frozenset(), False)


def test_a_method_added_is_a_change_of_its_class_s_members() -> None:
    """A method added changes its class's members alone: let through, as ``classes``; what reads them is judged by
    the caller (``edits._model_holds``: only a class of test code, whose members the concept model does not compare)."""
    new = BASE.replace("    def open(self):", "    def close(self):\n        pass\n\n    def open(self):")
    found = change(BASE, new)
    assert found is not None and found.classes == {"Box"} and found.functions == {"Box.close"}
    assert not _model_holds(facts_of(BASE), facts_of(new), found, is_test=False)


def test_a_class_added_is_said_and_refused_outside_test_code() -> None:
    """A class added is a change of ``added_classes`` (and of ``names``): the concept model reads every class, and
    the caller lets through only one of test code (``edits._model_holds``)."""
    new = BASE.replace("class Box:", "class Crate:\n    def pack(self):\n        return [1]\n\n\nclass Box:")
    found = change(BASE, new)
    assert found is not None and found.added_classes == {"Crate"} and "Crate" in found.names
    assert not _model_holds(facts_of(BASE), facts_of(new), found, is_test=False)
    assert _model_holds(facts_of(BASE), facts_of(new), found, is_test=True)


def _holds(old: str, new: str, found: InterfaceChange, is_test: bool) -> bool:
    """``edits._model_holds`` as ``edits._moved`` asks it: with the classes ``changed_classes`` judges."""
    private, public, attrs = changed_classes(facts_of(old), facts_of(new), found, is_test)
    judged = private | attrs | {q for q, _, _ in public}
    return _model_holds(facts_of(old), facts_of(new), found, is_test, judged)


def test_a_method_given_a_decorator_lets_its_class_through_as_changed_in_its_members() -> None:
    """A decorator added to a method of a class whose members are the same: the model reads decorators, so the class
    is let through as one whose members changed (``classes``, its ``CLASS`` leaf fires) and the method is a changed
    function (its ``HEAD`` leaf fires), for the caller to judge: outside test code the model compares the public
    methods (refused), in test code the class is judged by its facts. A name read in the method resolves as before
    (``SCOPE_READS`` the same: its ``SCOPE`` leaf does not fire)."""
    new = BASE.replace("    def open(self):", "    @helper.cached\n    def open(self):")
    found = change(BASE, new)
    assert found is not None and found.classes == {"Box"} and found.functions == {"Box.open"}
    assert not found.methods and not found.scoped and not found.names
    leaves = fired_leaves("pkg.m", found, Recorded.of_trace(Trace()))
    assert {leaf for leaf in leaves if leaf[0] in (FUNCTION, HEAD, CLASS, SCOPE)} == {
        (FUNCTION, "pkg.m", "Box.open"), (HEAD, "pkg.m", "Box.open"), (CLASS, "pkg.m", "Box")}  # fmt: skip
    assert not _holds(BASE, new, found, is_test=False)
    assert _holds(BASE, new, found, is_test=True)


def test_a_class_given_a_decorator_is_let_through_in_test_code_alone() -> None:
    """A decorator written above a class (a test case marked ``@pytest.mark.django_db``): its class is one of
    ``classes`` and of ``decorated``; the roles read a production class's decorators (a dataclass is a record, a
    decorated subclass no shim), unrecorded, so the caller refuses it there, and lets it through in test code, whose
    roles read none. A base changed beside it is still refused."""
    new = BASE.replace("class Box:", "@dataclass\nclass Box:")
    found = change(BASE, new)
    assert found is not None and found.classes == {"Box"} and found.decorated == {"Box"} and not found.functions
    assert not _holds(BASE, new, found, is_test=False)
    assert _holds(BASE, new, found, is_test=True)
    assert change(BASE, BASE.replace("class Box:", "@dataclass\nclass Box(Base):")) is None


def test_a_method_made_trivial_is_read_by_the_roles() -> None:
    """A method made trivial (a constant return): its class is let through as changed in its members, and refused
    by the caller in test code as outside it: its one method trivial, the class is a test double by its methods
    (``roles.all_trivial``), which the model compares with production classes."""
    new = BASE.replace("        return os.getcwd()", "        return 1")
    found = change(BASE, new)
    assert found is not None and found.classes == {"Box"} and found.functions == {"Box.open"}
    assert not _holds(BASE, new, found, is_test=False)
    assert not _holds(BASE, new, found, is_test=True)


def test_a_local_of_a_method_given_a_decorator_fires_its_local_leaf() -> None:
    """A method given a decorator and a new local binding: what the model reads of its locals is each name's
    ``LOCAL`` leaf beside its ``SCOPE`` (which is the same): the changed name's fires, as for a method whose head is
    the same."""
    old = "class Box:\n    def open(self):\n        base = make()\n        return base\n"
    new = "class Box:\n    @cached\n    def open(self):\n        base = build()\n        return base\n"
    found = change(old, new)
    assert found is not None and found.functions == {"Box.open"} and not found.methods
    assert found.locals == {"Box.open base"} and not found.scoped


@pytest.mark.parametrize("new", [
    BASE + "\n\ndef __getattr__(name):\n    return name\n",  # a module ``__getattr__``
    BASE.replace("def run(path):\n    return helper(path)\n\n\ndef build():\n    return Box()\n",
                 "def build():\n    return Box()\n\n\ndef run(path):\n    return helper(path)\n"),  # order of two
    BASE.replace("LIMIT = 10\n", "globals()['X'] = 1\nLIMIT = 10\n"),  # a dynamic namespace
])  # fmt: skip
def test_refuses_what_every_answer_or_the_concept_model_reads(new: str) -> None:
    assert change(BASE, new) is None


def test_a_changed_local_that_is_mentioned_changes_the_function() -> None:
    """What the resolver answers about ``a`` in ``f`` changes: ``f`` is changed (its ``FUNCTION`` leaf), and only
    ``f``: ``g``, whose local of the same name did not change, is not."""
    old = "def f():\n    a = 1\n    return a\n\n\ndef g():\n    a = 1\n    return a\n"
    new = old.replace("    a = 1\n    return a\n\n\ndef g", "    a = 2\n    a = 3\n    return a\n\n\ndef g")
    found = change(old, new)
    assert found is not None and found.functions == {"f"} and not found.names and not found.methods


def test_a_changed_local_of_a_method_that_is_mentioned_fires_its_local_leaf() -> None:
    """A method's local read by a mentioned name: the method is changed, but not in what the model reads of it
    (``methods``), and its local name is a ``LOCAL`` leaf."""
    old = "class Box:\n    def f(self):\n        a = self.g()\n        return a\n\n    def g(self):\n        return 1\n"
    found = change(old, old.replace("a = self.g()", "a = self.g() + 1"))
    assert found is not None and found.functions == {"Box.f"} and found.methods == {"Box.f"}
    assert found.locals == {"Box.f a"}


def test_a_changed_local_nothing_mentions_changes_no_function() -> None:
    """``_x`` is bound and never read: no reader asks about it, and no leaf needs to fire."""
    old = "def f():\n    return 1\n"
    found = change(old, "def f():\n    _x = 1\n    return 1\n")
    assert found is not None and not found.functions


# -- ground truth -------------------------------------------------------------------------------------------------
PROJECT = {
    "pkg/__init__.py": "from pkg.core import make, LIMIT\n",
    "pkg/core.py": "from pkg.util import helper\nimport pkg.util as util\n\nLIMIT = 3\n\n\ndef make():\n"
                   "    return Thing()\n\n\ndef other():\n    return helper()\n\n\nclass Thing:\n    pass\n\n\n"
                   "ALIAS = make\nMADE = make()\nVIA = util.helper\nCOPY = LIMIT\n",
    "pkg/util.py": "def helper():\n    return 1\n\n\nclass Tool:\n    pass\n",
}  # fmt: skip
EDITS = [
    lambda t, n: re.sub(r"^def (make|other)\b", rf"def \1_r{n}", t, count=1, flags=re.M),
    lambda t, n: t.replace("LIMIT = 3", f"LIMIT = {n}\nNEW_{n} = LIMIT"),
    lambda t, n: t.replace("import pkg.util as util\n", f"import pkg.util as util\nfrom pkg.util import Tool as T{n}\n"),
    lambda t, n: t.replace("    return Thing()", "    return helper()"),
    lambda t, n: t.replace("from pkg.util import helper\n", "from pkg.util import helper, Tool as helper\n"),
    lambda t, n: t.replace("COPY = LIMIT", "COPY = other"),
    lambda t, n: t.replace("    return helper()", f"    print({n})\n    return helper()"),
    lambda t, n: t + f"\n\ndef added_{n}():\n    return make()\n",
]


def _answers(root: Path) -> tuple[dict[str, object], dict[str, object]]:
    project = load_project(root, load_config(root))
    facts = project.index.get_module("pkg.core").facts
    answers = {name: project.resolver.module_attr("pkg.core", name) for name in facts.bindings}
    return answers, {name: facts.bindings[name] for name in facts.bindings}


@pytest.mark.parametrize("seed", [1, 2])
def test_names_outside_d_answer_alike_unless_they_read_a_change(tmp_path: Path, seed: int) -> None:
    """Every answer about a module-level name of the edited module is the old one, but for names of D and names
    whose binding mentions a name of D or a changed function (``VIA = util.helper`` reads nothing changed; ``MADE =
    make()`` reads ``make``'s return values). Each edit is checked once accepted; a few kinds must be accepted."""
    rng = random.Random(seed)
    root = write_project(tmp_path / "p", PROJECT)
    core = root / "pkg" / "core.py"
    accepted = 0
    for n in range(12):
        old_text = core.read_text(encoding="utf-8")
        new_text = rng.choice(EDITS)(old_text, n)
        old_answers, _ = _answers(root)
        core.write_text(new_text, encoding="utf-8")
        found = interface_change(facts_of(old_text), facts_of(new_text), line_map(old_text, new_text))
        if found is None:
            continue
        accepted += 1
        new_answers, bindings = _answers(root)
        reads = found.names | {q.split(".")[0] for q in found.functions}
        for name in (old_answers.keys() | new_answers.keys()) - found.names:
            if old_answers.get(name) != new_answers.get(name):
                mentioned = {part for s in _strings(bindings[name]) for part in s.split(".")}
                assert mentioned & reads, (name, new_text)
    assert accepted >= 6


def test_names_that_change_places_among_the_others_are_changed_names() -> None:
    """An import moved above the others (isort's order): the names it binds changed places, and only they are of
    ``names`` (the longest run kept in order stays); before, any change of order refused the edit."""
    old = "from a import x\nfrom b import y\nimport c\n\n\ndef f():\n    return x, y, c\n"
    new = "import c\nfrom a import x\nfrom b import y\n\n\ndef f():\n    return x, y, c\n"
    found = change(old, new)
    assert found is not None and found.names == {"c"} and found.imports
    swapped = "from b import y\nfrom a import x\nimport c\n\n\ndef f():\n    return x, y, c\n"
    found = change(old, swapped)
    assert found is not None and len(found.names) == 1 and found.names <= {"x", "y"}


def test_names_whose_bindings_only_moved_are_placed() -> None:
    """An import wrapped in parentheses (its names' lines change, a column too): changed names, whose bindings differ
    only in where they are (``placed``); a name bound otherwise, or that changed places among the others, is not
    placed."""
    old = "from a import x, y\nimport c\n\n\ndef f():\n    return x, y, c\n"
    new = "from a import (\n    x,\n    y,\n)\nimport c\n\n\ndef f():\n    return x, y, c\n"
    found = change(old, new)
    assert found is not None and found.names == {"x", "y"} and found.placed == {"x", "y"}
    other = "from a import (\n    x,\n    y as z,\n)\nimport c\n\n\ndef f():\n    return x, z, c\n"
    found = change(old, other)
    assert found is not None and {"y", "z"} <= found.names and not found.placed & {"y", "z"} and "x" in found.placed
    found = change(old, "import c\nfrom a import x, y\n\n\ndef f():\n    return x, y, c\n")
    assert found is not None and found.names == {"c"} and not found.placed  # an import moved above the others


def test_a_method_kept_in_a_class_whose_members_changed_is_a_method_when_the_model_reads_nothing_of_it() -> None:
    """A test method added beside another whose parameters changed: the other is one of ``methods`` (the model
    reads the same of it, its ``HEAD`` leaf does not fire); one that gained a decorator is a changed function."""
    old = "class TestX:\n    def test_a(self):\n        return 1\n"
    new = "class TestX:\n    def test_a(self, extra=None):\n        return 1\n\n" \
          "    def test_b(self):\n        return 2\n"  # fmt: skip
    found = change(old, new)
    assert found is not None and found.classes == {"TestX"} and found.functions == {"TestX.test_a", "TestX.test_b"}
    assert found.methods == {"TestX.test_a"}
    decorated = "class TestX:\n    @staticmethod\n    def test_a(extra=None):\n        return 1\n\n" \
                "    def test_b(self):\n        return 2\n"  # fmt: skip
    found = change(old, decorated)
    assert found is not None and found.classes == {"TestX"} and not found.methods
