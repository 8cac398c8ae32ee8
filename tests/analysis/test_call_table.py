"""``CallTable`` (a file's call sites as columns) reads back exactly the ``CallSite`` records it was made of, and its
filtered views are the plain filters over those records."""

from __future__ import annotations

import ast
import pickle
import random
from pathlib import Path

import pytest

from ssot_audit.analysis.extract import extract_facts
from ssot_audit.analysis.facts import CallSite, CallTable, Guard

# Every kind of callee: ``named`` tests the last part of each in C first, and a literal ("k",) ends in "k", a call,
# await or subscript in an expression, ``import_module`` in its names: only names and attributes call by name.
_EXPRS = [None, ("n", "run"), ("a", ("n", "self"), "save"), ("a", ("n", "pkg"), "run"), ("c", ("n", "f")), ("k",),
          ("w", ("n", "run")), ("i", ("n", "k")), ("m", ("n", "import_module"), ("run", "k"))]
_CONTEXTS = ["await", "stmt", "assign", "return", "arg", "attr", "yield", "with", "iter", "other"]


def _random_call(rng: random.Random) -> CallSite:
    line = rng.choice([1, 7, 255, 256, 257, 4_000, 2**31 - 4])
    guards = rng.choice([(), (Guard("coro", ("n", "f"), "", True),), (Guard("has", ("n", "o"), "x", False),)])
    return CallSite(rng.choice(_EXPRS), line, rng.randrange(300), line + rng.choice([0, 0, 3]), rng.randrange(300),
                    rng.choice(["", "f", "C.m"]), rng.choice(_CONTEXTS), rng.choice(_EXPRS), rng.choice(_EXPRS),
                    rng.choice(["", "", "C"]), rng.choice([0, line]), rng.randrange(2), guards)  # fmt: skip


def _plain_named(calls: list[CallSite], names: set[str]) -> list[CallSite]:
    return [c for c in calls if c.func is not None and c.func[0] in ("n", "a") and c.func[-1] in names]


def _check(calls: list[CallSite], table: CallTable) -> None:
    assert list(table) == calls and len(table) == len(calls) and bool(table) == bool(calls)
    assert [table[i] for i in range(len(calls))] == calls
    assert [table[-i] for i in range(1, len(calls) + 1)] == [calls[-i] for i in range(1, len(calls) + 1)]
    assert all(type(c) is CallSite for c in table)
    for names in ({"run"}, {"save", "f"}, {"nothing"}, {"k", "run"}, frozenset({"k"}), ["save"], {"save": 1}.keys()):
        assert list(table.named(names)) == _plain_named(calls, set(names))
    for context in _CONTEXTS:
        assert list(table.with_context(context)) == [c for c in calls if c.context == context]
    assert list(table.at_module_level()) == [c for c in calls if not c.scope and not c.in_class]
    for scope in {c.scope for c in calls} | {"nowhere"}:
        assert list(table.in_scope(scope)) == [c for c in calls if c.scope == scope]
    loaded = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded == table and list(loaded) == calls


def test_random_calls_read_back_equal() -> None:
    rng = random.Random(10)
    for size in (0, 1, 2, 5, 40, 300):
        calls = [_random_call(rng) for _ in range(size)]
        _check(calls, CallTable.of(calls))


def test_calls_of_real_files_read_back_equal() -> None:
    sources = sorted((Path(__file__).parents[2] / "ssot_audit").rglob("*.py"))[:60]
    assert sources
    for path in sources:
        facts = extract_facts(ast.parse(path.read_bytes()), 0)
        calls = list(facts.calls)
        assert CallTable.of(calls) == facts.calls
        _check(calls, facts.calls)


def test_named_on_tables_with_and_without_callees_that_are_no_expression() -> None:
    """``named`` takes a C path when no callee is None and a Python one otherwise: both give the plain filter."""
    rng = random.Random(12)
    for size in (1, 3, 30):
        calls = [_random_call(rng) for _ in range(size)]
        with_none = [calls[0]._replace(func=None), *calls]
        without = [c._replace(func=("n", "x")) if c.func is None else c for c in calls]
        for sample in (with_none, without):
            for names in ({"run"}, {"k"}, {"x", "save"}):
                assert list(CallTable.of(sample).named(names)) == _plain_named(sample, names)


def test_positions_past_four_bytes() -> None:
    rng = random.Random(5)
    calls = [_random_call(rng) for _ in range(20)]
    calls[7] = calls[7]._replace(end_line=2**31, end_col=2**40)
    _check(calls, CallTable.of(calls))


def test_index_out_of_range_and_inequality() -> None:
    rng = random.Random(3)
    calls = [_random_call(rng) for _ in range(3)]
    table = CallTable.of(calls)
    with pytest.raises(IndexError):
        table[3]
    with pytest.raises(IndexError):
        table[-4]
    assert table[1:] == calls[1:]
    assert table != CallTable.of(calls[:2]) and table != CallTable.of([calls[0], calls[2], calls[1]])
    assert CallTable() == CallTable.of([]) and not CallTable()


def test_more_distinct_strings_than_two_byte_keys_hold() -> None:
    """A scope, context and class are two-byte keys into the table's distinct strings; past 65,536 strings, four."""
    rng = random.Random(7)
    calls = [_random_call(rng)._replace(scope=f"f{i}") for i in range(70_000)]
    table = CallTable.of(calls)
    assert table._keys.typecode == "i" and CallTable.of(calls[:1000])._keys.typecode == "H"
    assert list(table) == calls and table[65_999] == calls[65_999]
    assert list(table.in_scope("f69999")) == [calls[-1]]
    assert pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)) == table


def test_strings_are_keyed_in_order_of_first_use_as_the_plain_loop_keys_them() -> None:
    """``of_columns`` keys the scope, context and class strings in C; the plain definition: a loop that gives each
    new string the next key."""
    rng = random.Random(11)
    for size in (1, 3, 50, 400):
        table = CallTable.of([_random_call(rng) for _ in range(size)])
        refs = [ref for call in table for ref in (call.scope, call.context, call.in_class)]
        known: dict[str, int] = {}
        keys = [known.setdefault(name, len(known)) for name in refs]
        assert table._strs == tuple(known)
        assert list(table._keys) == keys
