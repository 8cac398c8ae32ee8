"""``AttrUseTable``: a file's ``AttrUse`` records kept as two flat columns (``ModuleFacts.attr_uses``)."""

from __future__ import annotations

import array
from collections.abc import Iterator, Sequence
from functools import partial
from itertools import count
from typing import Any

from ssot_audit.analysis.columns import RecordColumns
from ssot_audit.analysis.facts import AttrUse, Expr

_new_use = partial(tuple.__new__, AttrUse)  # an AttrUse from its 6 values, in C
_REFS, _INTS = 2, 3  # per use: its expression and scope; its line, column and flags (1: guarded, 2: type checking)


class AttrUseTable(RecordColumns[AttrUse]):
    """A file's attribute reads rooted at an imported name, in order, made ``AttrUse`` records when read.

    As records a use cost about 136 bytes (a 6-field tuple, a list slot, an int object for a line or column past
    256): 8 of the 175 MB of the facts of 1 million lines of django. Here it is 2 references and 3 four-byte ints:
    28 bytes. The one reader (``module_reads``) walks them all once per scan (``rows``)."""

    __slots__ = ("_refs", "_ints")
    _noun = "attribute use"

    def __init__(self, refs: tuple[Any, ...] = (), ints: array.array[int] | None = None) -> None:
        self._refs = refs
        self._ints = ints if ints is not None else array.array("i")

    @classmethod
    def of(cls, uses: Sequence[AttrUse]) -> AttrUseTable:
        """The table of ``uses``."""
        refs = tuple(x for u in uses for x in (u.expr, u.scope))
        ints = [x for u in uses for x in (u.line, u.col, u.guarded | u.type_checking << 1)]
        try:
            return cls(refs, array.array("i", ints))
        except OverflowError:  # a position past 2**31 - 1: 8 bytes each, then
            return cls(refs, array.array("q", ints))

    def __reduce__(self) -> tuple[type, tuple[tuple[Any, ...], array.array[int]]]:
        return AttrUseTable, (self._refs, self._ints)

    def __len__(self) -> int:
        return len(self._refs) // _REFS

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AttrUseTable) and self._refs == other._refs and self._ints == other._ints

    def __iter__(self) -> Iterator[AttrUse]:
        r, i = self._refs, self._ints
        flags = i[2::_INTS]
        return map(_new_use, zip(r[0::_REFS], i[0::_INTS], i[1::_INTS], r[1::_REFS], [bool(f & 1) for f in flags],
                                 [bool(f & 2) for f in flags]))  # fmt: skip

    def rows(self) -> Iterator[tuple[int, Expr, str, int]]:
        """(index, chain, scope, flags) of every use, in order, without making records: the one reader keeps a third
        of them (flags: 1 guarded, 2 under ``TYPE_CHECKING``)."""
        r = self._refs
        return zip(count(), r[0::_REFS], r[1::_REFS], self._ints[2::_INTS])

    def _record(self, index: int) -> AttrUse:
        a, b = index * _REFS, index * _INTS
        r, i = self._refs, self._ints
        return _new_use((r[a], i[b], i[b + 1], r[a + 1], bool(i[b + 2] & 1), bool(i[b + 2] & 2)))


def use_rows(uses: Sequence[AttrUse]) -> Iterator[tuple[int, Expr, str, int]]:
    """``AttrUseTable.rows`` of ``uses``, whether a table or plain records (facts made without extraction)."""
    if isinstance(uses, AttrUseTable):
        return uses.rows()
    return ((i, u.expr, u.scope, u.guarded | u.type_checking << 1) for i, u in enumerate(uses))
