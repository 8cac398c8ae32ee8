"""``AttrUseTable`` (a file's attribute reads as columns) reads back exactly the ``AttrUse`` records it was made of."""

from __future__ import annotations

import ast
import pickle
import random
from pathlib import Path

import pytest

from ssot_audit.analysis.attr_table import AttrUseTable, use_rows
from ssot_audit.analysis.extract import extract_facts
from ssot_audit.analysis.facts import AttrUse

_EXPRS = [("a", ("n", "pkg"), "run"), ("a", ("a", ("n", "pkg"), "mod"), "helper"), ("a", ("n", "os"), "path")]


def _random_use(rng: random.Random) -> AttrUse:
    return AttrUse(rng.choice(_EXPRS), rng.choice([1, 255, 256, 257, 4_000, 2**31 - 1]), rng.randrange(300),
                   rng.choice(["", "f", "C.m"]), rng.random() < 0.3, rng.random() < 0.2)  # fmt: skip


def _check(uses: list[AttrUse], table: AttrUseTable) -> None:
    assert list(table) == uses and len(table) == len(uses) and bool(table) == bool(uses)
    assert [table[i] for i in range(len(uses))] == uses and table[1:] == uses[1:]
    assert [table[-i] for i in range(1, len(uses) + 1)] == [uses[-i] for i in range(1, len(uses) + 1)]
    assert all(type(u) is AttrUse and type(u.guarded) is bool and type(u.type_checking) is bool for u in table)
    loaded = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded == table and list(loaded) == uses


def test_random_uses_read_back_equal() -> None:
    rng = random.Random(10)
    for size in (0, 1, 2, 5, 40, 300):
        uses = [_random_use(rng) for _ in range(size)]
        _check(uses, AttrUseTable.of(uses))
    with pytest.raises(IndexError):
        AttrUseTable.of([_random_use(rng)])[1]


def test_rows_are_each_use_s_index_chain_scope_and_flags_for_a_table_and_for_records() -> None:
    rng = random.Random(13)
    for size in (0, 1, 40):
        uses = [_random_use(rng) for _ in range(size)]
        plain = [(i, u.expr, u.scope, int(u.guarded) + 2 * int(u.type_checking)) for i, u in enumerate(uses)]
        assert list(AttrUseTable.of(uses).rows()) == plain
        assert list(use_rows(AttrUseTable.of(uses))) == plain and list(use_rows(tuple(uses))) == plain


def test_positions_past_four_bytes() -> None:
    rng = random.Random(5)
    uses = [_random_use(rng) for _ in range(9)]
    uses[4] = uses[4]._replace(line=2**31, col=2**40)
    _check(uses, AttrUseTable.of(uses))


def test_uses_of_real_files_read_back_as_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file's table holds the records the extraction made (caught before they become a table)."""
    made: list[list[AttrUse]] = []
    original = AttrUseTable.of.__func__  # type: ignore[attr-defined]

    def spy(cls: type[AttrUseTable], uses: list[AttrUse]) -> AttrUseTable:
        made.append(list(uses))
        return original(cls, uses)  # type: ignore[no-any-return]

    monkeypatch.setattr(AttrUseTable, "of", classmethod(spy))
    sources = sorted((Path(__file__).parents[2] / "ssot_audit").rglob("*.py"))
    tables = [extract_facts(ast.parse(path.read_bytes()), 0).attr_uses for path in sources]
    assert len(made) == len(tables) and sum(map(len, made)) > 100
    for uses, table in zip(made, tables):
        assert isinstance(table, AttrUseTable)
        _check(uses, table)
