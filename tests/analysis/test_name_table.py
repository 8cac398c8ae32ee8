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
from ssot_audit.analysis.facts import Binding
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


def test_answers_as_the_dict_it_replaces() -> None:
    rng = random.Random(10)
    for _ in range(2000):
        plain = _random_runs(rng)
        table = NameTable.of(plain)
        _assert_same(table, plain)
        loaded = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(loaded) is NameTable and loaded == table
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
        _assert_table(scope.func.locals, bindings)
        _assert_table(scope.func.name_uses, uses)


def _assert_table(table: NameTable, plain: dict[str, tuple[object, ...]]) -> None:
    assert type(table) is NameTable
    assert table.keys() == list(plain) and list(table.items()) == list(plain.items())
    for name in plain:
        assert table.get(name) == plain[name] and name in table
