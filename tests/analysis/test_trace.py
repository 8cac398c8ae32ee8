"""The dependency record (``analysis.trace``): a judgement is reached from every leaf its answers read, also when
another judgement computed (and memoised) those answers first."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path

from ssot_audit import api
from ssot_audit.analysis import trace
from ssot_audit.analysis.resolve import Resolver
from ssot_audit.analysis import record
from ssot_audit.analysis.record import Recorded
from ssot_audit.analysis.trace import FUNCTION, MODEL, MODULE, SITE_ROWS, UNIT, Trace, is_kept_key
from ssot_audit.analysis.values import ClassValue, FunctionValue
from ssot_audit.config import Config

from tests.helpers import write_project


def traced(tmp_path: Path, files: dict[str, str]) -> tuple[Resolver, Trace]:
    write_project(tmp_path, files)
    index = api.load_project(tmp_path, Config(), jobs=1).index
    trace = Trace()
    trace.rules_begin()  # no model built: every read below is a judgement's
    return Resolver(index, trace), trace


def unit(name: str) -> tuple[int, str, str]:
    return (UNIT, "T", name)


def twice(trace: Trace, ask: Callable[[], object]) -> set[Hashable]:
    """Ask in two judgements, "first" and "second": their units."""
    for name in ("first", "second"):
        with trace.unit(unit(name)):
            ask()
    return {unit("first"), unit("second")}


def reached(trace: Trace, *leaves: Hashable) -> set[Hashable]:
    return Recorded.loads(Recorded.of_trace(trace).dumps()).reached(leaves)


CHAIN = {
    "app/__init__.py": "",
    "app/a.py": "from app.b import X\n",
    "app/b.py": "from app.c import X\n",
    "app/c.py": "from app.d import X\n",
    "app/d.py": "X = 1\nY = 2\n",
}


def test_a_judgement_that_hits_a_memoised_answer_is_reached_like_the_one_that_computed_it(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, CHAIN)
    twice(trace, lambda: r.resolve_name("app.a", "", "X"))  # the second time, every answer is memoised
    with trace.unit(unit("other")):
        r.resolve_name("app.d", "", "Y")
    assert reached(trace, ("app.d", "X")) == {unit("first"), unit("second")}
    assert reached(trace, ("app.d", "Y")) == {unit("other")}
    assert reached(trace, ("app.d", "Z")) == set()  # never read


def test_the_hops_of_a_reexport_chain_read_the_chain_after_them(tmp_path: Path) -> None:
    # ``_follow_reexports`` memoises every hop of the chain without computing it: a later judgement asking a hop
    # hits that answer, and must still be reached from the chain's end
    r, trace = traced(tmp_path, CHAIN)
    with trace.unit(unit("first")):
        r.module_attr("app.a", "X")
    with trace.unit(unit("middle")):
        r.module_attr("app.c", "X")
    assert reached(trace, ("app.d", "X")) == {unit("first"), unit("middle")}
    assert reached(trace, ("app.c", "X")) == {unit("first"), unit("middle")}
    assert reached(trace, ("app.b", "X")) == {unit("first")}


# a class whose base is named through an alias module: its order reads the alias's namespace leaf
INHERITED = {
    "app/__init__.py": "",
    "app/base.py": "class Base:\n    async def run(self):\n        pass\n",
    "app/alias.py": "from app.base import Base as Parent\n",
    "app/child.py": "from app.alias import Parent\n\nclass Child(Parent):\n    pass\n",
}


def test_a_member_lookup_reads_the_bases_of_the_class_through_its_order(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, INHERITED)
    child = ClassValue("app.child", "Child")
    with trace.unit(unit("order")):
        r.mro(child)
    with trace.unit(unit("member")):  # the order and the lookup's walk are memoised by now
        r.class_member(child, "run", instance=True)
    with trace.unit(unit("method")):
        r.find_method(child, "run")
    with trace.unit(unit("again")):  # ``find_method``'s own table
        r.find_method(child, "run")
    everyone = {unit("order"), unit("member"), unit("method"), unit("again")}
    assert reached(trace, ("app.alias", "Parent")) == everyone


def test_return_values_read_the_function_and_what_its_returns_name(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, {
        "app/__init__.py": "",
        "app/defs.py": "from app.kinds import Kind\n\ndef make():\n    return Kind()\n",
        "app/kinds.py": "class Kind:\n    pass\n",
    })  # fmt: skip
    make = FunctionValue("app.defs", "make")
    both = twice(trace, lambda: r.return_values(make))
    assert reached(trace, (FUNCTION, "app.defs", "make")) == both
    assert reached(trace, ("app.kinds", "Kind")) == both


def test_index_lookups_record_the_module_or_definition_they_read(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, CHAIN)
    with trace.unit(unit("whole")):
        r.index.get_module("app.d")
    with trace.unit(unit("function")):
        r.index.find_function("app.d", "f")
    assert reached(trace, (MODULE, "app.d")) == {unit("whole")}
    assert reached(trace, (FUNCTION, "app.d", "f")) == {unit("function")}


def test_what_was_read_before_the_rules_is_the_models() -> None:
    trace = Trace()
    trace.read(("m", "x"))
    outer = trace.enter(("m", "", "y"))
    trace.read(("m", "z"))
    trace.leave(outer)
    trace.rules_begin()
    with trace.unit(unit("late")):
        trace.read(("m", "", "y"))
        trace.read(("m", "w"))
    recorded = Recorded.loads(Recorded.of_trace(trace).dumps())
    assert recorded.reached([("m", "x")]) == {MODEL}
    assert recorded.reached([("m", "z")]) == {MODEL, unit("late")}
    assert recorded.reached([("m", "w")]) == {unit("late")}


def test_what_only_the_import_sites_read_reaches_their_rows_and_not_the_model() -> None:
    trace = Trace()
    with trace.unit((UNIT, SITE_ROWS, "app")):  # ``from m import f`` and ``from m import C``
        outer = trace.enter(("m", "f"))
        trace.read((FUNCTION, "m", "f"))
        trace.leave(outer)
        trace.read(("m", "C"))
    with trace.unit((UNIT, SITE_ROWS, "lib")):
        trace.read(("m", "f"))  # an answer the first rows made: read again
    trace.sites_made()
    trace.read(("m", "C"))  # the model reads a class's answer the sites made,
    outer = trace.enter(("m", "", "Base"))  # and an answer of its own
    trace.read(("n", "Base"))
    trace.leave(outer)
    trace.rules_begin()
    with trace.unit(unit("late")):
        trace.read(("m", "f"))
    recorded = Recorded.loads(Recorded.of_trace(trace).dumps())
    rows = {(UNIT, SITE_ROWS, "app"), (UNIT, SITE_ROWS, "lib")}
    assert recorded.reached([(FUNCTION, "m", "f")]) == rows | {unit("late")}
    assert recorded.reached([("m", "C")]) == {(UNIT, SITE_ROWS, "app"), MODEL}
    assert recorded.reached([("n", "Base")]) == {MODEL}


def test_only_leaves_and_units_are_kept_by_key() -> None:
    assert is_kept_key(("m", "x"))
    assert is_kept_key((FUNCTION, "m", "f"))
    assert is_kept_key(unit("m"))
    assert not is_kept_key(("m", "", "x"))  # a name resolved in a scope: a memo node
    assert not is_kept_key(ClassValue("m", "C"))
    assert not is_kept_key(FunctionValue("m", "f"))


def test_a_later_scans_record_adds_to_the_first() -> None:
    # leaves and units are one node across records (by key); each record's memo nodes are its own, even when their
    # numbers coincide
    base = Trace()
    base.rules_begin()
    with base.unit(unit("a")):
        outer = base.enter(("m", "", "y"))
        base.read(("m", "x"))
        base.leave(outer)
    later = Trace()
    later.rules_begin()
    with later.unit(unit("b")):
        outer = later.enter(("m", "", "y"))  # computed again by the later scan's own resolver
        later.read(("n", "z"))
        later.leave(outer)
    with later.unit(unit("a")):
        later.read(("q", "w"))
    records = [Recorded.loads(Recorded.of_trace(t).dumps()) for t in (base, later)]
    assert record.reached(records, [("m", "x")]) == {unit("a")}
    assert record.reached(records, [("n", "z")]) == {unit("b")}
    assert record.reached(records, [("q", "w")]) == {unit("a")}


def test_module_attribute_reads_read_the_functions_their_names_are_bound_in(tmp_path: Path) -> None:
    r, trace = traced(tmp_path, {
        "app/__init__.py": "", "app/conf.py": "X = 1\n",
        "app/use.py": "from app import conf\n\n\ndef f():\n    return conf.X\n",
    })  # fmt: skip
    both = twice(trace, lambda: r.module_reads("app.use"))
    assert reached(trace, ("app.use", "conf")) == both
    assert reached(trace, (FUNCTION, "app.use", "f")) == both
    # not the module as a whole: an interface edit of it that changes its attribute uses is not taken
    assert reached(trace, (MODULE, "app.use")) == set()


def test_the_kept_columns_give_every_key_back() -> None:
    keys: dict[Hashable, int] = {
        MODEL: 0, ("m", "x"): 1, (FUNCTION, "m", "f"): 2, (MODULE, "m"): 3, (trace.STAR, "m"): 4,
        (trace.NAMED, "x"): 5, unit("m"): 6, (UNIT, "SSOT202", ("m", "n")): 7, (UNIT, "SSOT900", "a/b.py"): 8,
        ("odd\0name", "x"): 9,
    }  # fmt: skip
    state = Recorded.of_keys(keys, 10, 2, 3, b"", b"").state()
    assert Recorded.of_state(state).keys == keys
    assert len(state[5]) == 2  # only the tuple-keyed unit and the name with a NUL are kept as they are
