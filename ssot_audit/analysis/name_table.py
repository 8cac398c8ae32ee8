"""``NameTable``: a small immutable map from names to runs of values, as one flat tuple (a function's facts hold
two: its local bindings and the ways it reads names)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any, Self


class NameTable(tuple[Any, ...]):
    """A function's names, each with a run of values, as one flat tuple: each name once per value (a name's run is
    contiguous), then all the values in the same order: ``{"a": (1,), "b": (2, 3)}`` is ``("a", "b", "b", 1, 2, 3)``.

    Read like the dict it replaces (``get``, ``in``, ``items``); ``get`` gives a name's values as a tuple. Every
    function has two (``FunctionFact.locals``, ``name_uses``): as dicts of tuples they cost a 224-byte dict (a 64-byte
    one when empty) and a tuple per name, 30 of the 188 MB of the facts of 1 million lines of django; flat, 40 bytes
    and 16 a value. A lookup scans the names (a function binds a handful; the resolver asks about 45,000 times at
    1 million lines, so a scan costs nothing to notice). A tuple subclass without slots of its own pickles as its
    items and loads in C (``tuple.__new__``), as fast as a plain tuple. Immutable, like every fact."""

    __slots__ = ()

    @classmethod
    def of(cls, runs: Mapping[str, Sequence[Any]]) -> Self:
        """The table of ``runs`` (name -> its values, in order; a name without values is left out)."""
        names = [name for name, values in runs.items() for _ in values]
        return tuple.__new__(cls, (*names, *chain.from_iterable(runs.values())))

    def names(self) -> tuple[str, ...]:
        return self[:len(self) >> 1]

    def values(self) -> tuple[Any, ...]:
        """Every value, in order (the names' runs one after another)."""
        return self[len(self) >> 1:]

    def get(self, name: str, default: Any = None) -> Any:
        """``name``'s values (a non-empty tuple), or ``default`` when the table has none."""
        names = self.names()
        if name not in names:
            return default
        start = names.index(name)
        half = len(names)
        return self[half + start:half + start + names.count(name)]

    def __contains__(self, name: object) -> bool:
        return name in self.names()

    def keys(self) -> list[str]:
        """The names, each once, in order."""
        return list(dict.fromkeys(self.names()))

    def items(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """(name, its values) in order."""
        return ((name, self.get(name)) for name in self.keys())

    def __repr__(self) -> str:
        return f"NameTable({dict(self.items())!r})"


NO_NAMES = NameTable()  # the default: immutable, so every function without names may share it


class RecordTable(NameTable):
    """A ``NameTable`` whose values are records of ``WIDTH`` fields (``FunctionFact.locals``: its ``Binding``s), kept
    as their fields in the flat tuple, not as a tuple each: the names, then every record's fields in order. A record
    object costs 88 bytes at 4 fields; 830,000 local bindings at 4 million lines of django were 70 MB of them, 32
    bytes each flat. ``get`` and ``values`` build the records on demand (``RECORD``, in C), as a subclass names."""

    __slots__ = ()
    WIDTH = 4
    RECORD: Callable[[Sequence[Any]], Any] = tuple

    @classmethod
    def of(cls, runs: Mapping[str, Sequence[Any]]) -> Self:
        names = [name for name, values in runs.items() for _ in values]
        fields = chain.from_iterable(chain.from_iterable(runs.values()))
        table = tuple.__new__(cls, (*names, *fields))
        if len(table) != len(names) * (cls.WIDTH + 1):
            raise ValueError(f"records of {cls.WIDTH} fields expected")
        return table

    def names(self) -> tuple[str, ...]:
        return self[:len(self) // (self.WIDTH + 1)]

    def _records(self, first: int, count: int) -> tuple[Any, ...]:
        width, record = self.WIDTH, self.RECORD
        start = len(self) // (width + 1) + first * width
        return tuple([record(self[at:at + width]) for at in range(start, start + count * width, width)])

    def values(self) -> tuple[Any, ...]:
        return self._records(0, len(self) // (self.WIDTH + 1))

    def get(self, name: str, default: Any = None) -> Any:
        names = self.names()
        if name not in names:
            return default
        return self._records(names.index(name), names.count(name))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"
