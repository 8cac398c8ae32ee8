"""``NameTable`` answers as the dict of tuples it replaced (``FunctionFact.locals`` and ``name_uses``), on random
tables and on every function of real files, and survives pickling as itself."""

from __future__ import annotations

import ast
import pickle
import random
from pathlib import Path

import pytest

from ssot_audit.analysis import extract
from ssot_audit.analysis.extract import extract_facts
from ssot_audit.analysis.extract_expressions import Scope
from ssot_audit.analysis.facts import NO_BINDINGS, Binding, Bindings
from ssot_audit.analysis.name_table import NameTable

ROOT = Path(__file__).resolve().parent.parent.parent
WORDS = ["self", "attr", "call", "x", "y", "other", "arg", "await", "data", "a"]  # names that are also values


def _random_runs(rng: random.Random) -> dict[str, tuple[object, ...]]:
    names = rng.sample(WORDS, rng.randint(0, len(WORDS)))
    values: list[object] = [*WORDS, Binding("assign", None, 3), Binding("param", (), 1, True), ("n", "x")]
    return {name: tuple(rng.choice(values) for _ in range(rng.randint(1, 4))) for name in names}


def _assert_same(table: NameTable, plain: dict[str, tuple[object, ...]]) -> None:
    for name in [*WORDS, "missing", ""]:
        assert table.get(name) == plain.get(name)
        assert table.get(name, ()) == plain.get(name, ())
        assert (name in table) is (name in plain)
    assert table.keys() == list(plain)
    assert list(table.items()) == list(plain.items())
    assert bool(table) is bool(plain)


@pytest.mark.parametrize("kind", [NameTable, Bindings])
def test_answers_as_the_dict_it_replaces(kind: type[NameTable]) -> None:
    """Both tables (a function's locals keep each binding as its four fields, yet answer with ``Binding`` records)."""
    rng = random.Random(10)
    for _ in range(2000):
        plain = _random_runs(rng) if kind is NameTable else _random_bindings(rng)
        table = kind.of(plain)
        _assert_same(table, plain)
        values = [value for run in plain.values() for value in run]
        assert table.values() == tuple(values) and list(map(type, table.values())) == list(map(type, values))
        loaded = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(loaded) is kind and loaded == table
        _assert_same(loaded, plain)


def test_layout_is_the_names_then_the_values() -> None:
    table = NameTable.of({"a": (1,), "b": (2, 3)})
    assert tuple(table) == ("a", "b", "b", 1, 2, 3)
    assert table.get("b") == (2, 3) and table.get("a") == (1,) and table.get("c") is None
    assert repr(table) == "NameTable({'a': (1,), 'b': (2, 3)})"
    assert NameTable.of({}) == () and NameTable.of({}).get("a", ()) == ()


def test_functions_of_real_files_keep_what_the_walk_gathered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every function's tables hold what the walk gathered in its scope: the bindings, the sorted kinds of reads."""
    gathered: list[tuple[Scope, dict[str, tuple[Binding, ...]], dict[str, tuple[str, ...]]]] = []
    original = extract.freeze_function

    def spy(scope: Scope) -> None:
        bindings = {name: tuple(found) for name, found in scope.bindings.items()}
        uses = {name: tuple(sorted(set(kinds))) for name, kinds in scope.uses.items()}
        original(scope)
        gathered.append((scope, bindings, uses))

    monkeypatch.setattr(extract, "freeze_function", spy)
    files = sorted((ROOT / "ssot_audit").rglob("*.py"))
    for path in files:
        source = path.read_text()
        extract_facts(ast.parse(source), source.count("\n"))
    assert len(gathered) > 1000
    for scope, bindings, uses in gathered:
        assert scope.func is not None
        _assert_table(scope.func.locals, bindings, Bindings)
        _assert_table(scope.func.name_uses, uses, NameTable)


def _assert_table(table: NameTable, plain: dict[str, tuple[object, ...]], kind: type[NameTable]) -> None:
    assert type(table) is kind
    assert table.keys() == list(plain) and list(table.items()) == list(plain.items())
    for name in plain:
        assert table.get(name) == plain[name] and name in table


def _random_bindings(rng: random.Random) -> dict[str, tuple[Binding, ...]]:
    values = [None, ("n", "x"), ("a", ("n", "self"), "y"), 3, "x"]
    names = rng.sample(WORDS, rng.randint(0, len(WORDS)))
    return {name: tuple(Binding(rng.choice(["assign", "param", "import"]), rng.choice(values), rng.randint(1, 900),
                                rng.random() < 0.3) for _ in range(rng.randint(1, 4))) for name in names}  # fmt: skip


def test_bindings_layout_is_the_names_then_the_fields() -> None:
    first, second = Binding("assign", ("n", "x"), 3), Binding("param", (), 1, True)
    table = Bindings.of({"a": (first,), "b": (second, first)})
    assert tuple(table) == ("a", "b", "b", "assign", ("n", "x"), 3, False, "param", (), 1, True, "assign", ("n", "x"),
                            3, False)  # fmt: skip
    assert table.get("b") == (second, first) and table.names() == ("a", "b", "b") and table.get("c") is None
    assert Bindings.of({}) == NO_BINDINGS and NO_BINDINGS.values() == () and NO_BINDINGS.get("a", ()) == ()
    with pytest.raises(ValueError):
        Bindings.of({"a": (("assign", None, 3),)})  # a record of three fields
