"""``RecordColumns``: what the tables of fact records kept as flat columns share (``call_table.CallTable``,
``attr_table.AttrUseTable``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

R = TypeVar("R")


class RecordColumns(Sequence[R]):
    """What the tables of records kept as flat columns share (``CallTable``, ``attr_table.AttrUseTable``): a record
    by index (``_record``, made when read), a slice as a list, equality by columns and no hash, like a list."""

    __slots__ = ()
    _noun = "record"  # for the IndexError

    def _record(self, index: int) -> R:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> list[R]: ...

    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return list(self)[index]
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"{self._noun} index out of range")
        return self._record(index % n)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"
