"""Call sites (``CallSite``, with what the branches around a call prove: ``Guard``) and a file's table of them,
kept as flat columns (``CallTable``, ``ModuleFacts.calls``); ``facts`` re-exports them, and every reader names them
there.
"""

from __future__ import annotations

import array
from collections.abc import Collection, Iterator, Sequence
from functools import partial
from itertools import chain, compress, repeat
from operator import eq, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from ssot_audit.analysis.columns import RecordColumns

if TYPE_CHECKING:  # ``facts`` imports this module
    from ssot_audit.analysis.facts import Expr


class Guard(NamedTuple):
    """What the branch a call sits in proves: ``expr`` is (``truth``) or is not a coroutine function / awaitable
    (kind "coro"), or has (or lacks) the attribute ``attr`` (kind "has")."""

    kind: str
    expr: Expr
    attr: str
    truth: bool



class CallSite(NamedTuple):
    """A call expression and how its result is used.

    ``context`` is one of: await, stmt (result dropped), assign, return, arg (passed to ``wrapper``),
    attr (an attribute of the result is used), yield, with, iter, other.
    """

    func: Expr
    line: int
    col: int
    end_line: int
    end_col: int
    scope: str
    context: str
    target: Expr = None  # what the result is assigned to, for context "assign"
    wrapper: Expr = None  # the call the result is passed to, for context "arg"
    in_class: str = ""  # class qualname when the call sits in a class body
    await_line: int = 0  # line of the ``await`` keyword, for context "await"
    await_col: int = 0
    guards: tuple[Guard, ...] = ()  # what the enclosing branches prove (coroutine-function and hasattr tests)


_new_call = partial(tuple.__new__, CallSite)  # a CallSite from its 13 values, in C
_last = itemgetter(-1)
_REFS, _INTS, _KEYS = 4, 6, 3  # per call: func, target, wrapper, guards; the four positions, the await's; and
# scope, context, in_class as keys into the table's distinct strings
CALL_REFS = 7  # per call in the extraction's rows (``call_refs``), before the strings become keys


def call_refs(call: CallSite) -> tuple[Any, ...]:
    """A call's references as the extraction writes them, one row per call (its callee first)."""
    return (call.func, call.scope, call.context, call.target, call.wrapper, call.in_class, call.guards)


def call_ints(call: CallSite) -> tuple[int, ...]:
    """A call's positions as a ``CallTable`` column holds them."""
    return (call.line, call.col, call.end_line, call.end_col, call.await_line, call.await_col)


class CallTable(RecordColumns[CallSite]):
    """A file's call sites, in call order, kept as flat columns and made ``CallSite`` records when read.

    Held as records, a call cost about 190 bytes (a 13-field tuple, a list slot, an int object for each line past
    256): 66 of the 220 MB of the facts of 1 million lines of django. Here a call is 4 references (its expressions,
    shared as before), 6 ints of 4 bytes and 3 keys of 2 bytes (its scope, context and class, which a file repeats
    for call after call: indexes into the table's distinct strings): 62 bytes (80 with the three strings as
    references; at 4 million lines the facts loaded in 1,010 MB of the scan's memory as records, 844 with 7
    references a call). Readers that want only some calls ask for them (``named``, ``with_context``,
    ``at_module_level``, ``in_scope``): those are tested on the columns and only they are made records."""

    __slots__ = ("_refs", "_ints", "_strs", "_keys")
    _noun = "call"

    def __init__(self, refs: tuple[Any, ...] = (), ints: array.array[int] | None = None, strs: tuple[str, ...] = (),
                 keys: array.array[int] | None = None) -> None:  # fmt: skip
        self._refs = refs
        self._ints = ints if ints is not None else array.array("i")
        self._strs = strs
        self._keys = keys if keys is not None else array.array("H")

    @classmethod
    def of(cls, calls: Sequence[CallSite]) -> CallTable:
        """The table of ``calls`` (the extraction writes the rows as it goes: ``of_columns``)."""
        refs: list[Any] = []
        ints: list[int] = []
        for call in calls:
            refs.extend(call_refs(call))
            ints.extend(call_ints(call))
        return cls.of_columns(refs, ints)

    @classmethod
    def of_columns(cls, refs: list[Any], ints: list[int]) -> CallTable:
        """The table of calls written as ``call_refs`` and ``call_ints`` lay out each, one after another (split
        and keyed in C: a worker makes one per file it analyses)."""
        if not refs:
            return cls()
        try:
            packed = array.array("i", ints)
        except OverflowError:  # a position past 2**31 - 1 (a file of gigabytes): 8 bytes each, then
            packed = array.array("q", ints)
        n = CALL_REFS
        kept = tuple(chain.from_iterable(zip(refs[0::n], refs[3::n], refs[4::n], refs[6::n])))
        names = list(chain.from_iterable(zip(refs[1::n], refs[2::n], refs[5::n])))
        known = {name: key for key, name in enumerate(dict.fromkeys(names))}  # keyed in order of first use
        keys = list(map(known.__getitem__, names))  # in C: a Python loop over 3 names a call was 4% of extraction
        return cls(kept, packed, tuple(known), array.array("H" if len(known) <= 0x10000 else "i", keys))

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return CallTable, (self._refs, self._ints, self._strs, self._keys)

    def __len__(self) -> int:
        return len(self._refs) // _REFS

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, CallTable) and self._refs == other._refs and self._ints == other._ints
                and self._keys == other._keys and self._strs == other._strs)  # fmt: skip

    def _records(self, start: int = 0, stop: int | None = None) -> Iterator[CallSite]:
        stop = len(self) if stop is None else stop
        r, i = self._refs[start * _REFS:stop * _REFS], self._ints[start * _INTS:stop * _INTS]
        k, s = self._keys[start * _KEYS:stop * _KEYS], self._strs.__getitem__
        return map(_new_call, zip(r[0::_REFS], i[0::_INTS], i[1::_INTS], i[2::_INTS], i[3::_INTS], map(s, k[0::_KEYS]),
                                  map(s, k[1::_KEYS]), r[1::_REFS], r[2::_REFS], map(s, k[2::_KEYS]), i[4::_INTS],
                                  i[5::_INTS], r[3::_REFS]))  # fmt: skip

    def __iter__(self) -> Iterator[CallSite]:
        return self._records()

    def _record(self, index: int) -> CallSite:
        r, n, k, s = self._refs, self._ints, self._keys, self._strs
        a, b, c = index * _REFS, index * _INTS, index * _KEYS
        return _new_call((r[a], n[b], n[b + 1], n[b + 2], n[b + 3], s[k[c]], s[k[c + 1]], r[a + 1], r[a + 2],
                          s[k[c + 2]], n[b + 4], n[b + 5], r[a + 3]))  # fmt: skip

    def _where(self, keep: Iterator[bool]) -> Iterator[CallSite]:
        """The calls whose flag in ``keep`` is true (one flag per call, in order)."""
        return map(self._record, compress(range(len(self)), keep))

    def _key(self, name: str) -> int:
        """The key of ``name`` in the table (-1 when no call has it)."""
        return self._strs.index(name) if name in self._strs else -1

    def callee_names(self) -> Iterator[Any]:
        """The last part of every callee expression, in call order: what ``named`` matches (and more: the last part
        of a call, an await, a subscript or an ``import_module``, which no name equals)."""
        return map(_last, filter(None, self._refs[0::_REFS]))

    def named(self, names: Collection[str]) -> Iterator[CallSite]:
        """The calls whose callee is a name or an attribute in ``names`` (``f(...)``, ``obj.f(...)``)."""
        wanted = names if isinstance(names, set | frozenset) else frozenset(names)
        funcs = self._refs[0::_REFS]
        # The last part of every callee, tested in C (``filter(None, ...)``: a callee that is no expression has
        # none): most tables call none of ``names`` and end here. A Python test per call was the hottest line of
        # the rules (0.34 s of a one-edit scan at 4M lines).
        if wanted.isdisjoint(map(_last, filter(None, funcs))):
            return iter(())
        if None in funcs:
            hits: Iterator[bool] = (f is not None and f[-1] in wanted for f in funcs)
        else:
            hits = map(wanted.__contains__, map(_last, funcs))
        # Only names and attributes call something by name: a call, await or subscript ends in an expression and
        # ``import_module`` in a tuple of names, never equal to a name; a literal ``("k",)`` ends in "k".
        if "k" not in wanted:
            return self._where(hits)
        return (c for c in self._where(hits) if c.func[0] == "n" or c.func[0] == "a")  # type: ignore[index]

    def with_context(self, context: str) -> Iterator[CallSite]:
        """The calls whose result is used as ``context`` says (``CallSite.context``)."""
        return self._keyed(self._keys[1::_KEYS], self._key(context))

    def in_scope(self, scope: str) -> Iterator[CallSite]:
        """The calls made directly in the function ``scope`` (its qualname; nested functions are scopes of their own)."""
        return self._keyed(self._keys[0::_KEYS], self._key(scope))

    def _keyed(self, column: array.array[int], key: int) -> Iterator[CallSite]:
        """The calls whose key in ``column`` is ``key``: none when the table has no such string; else compared in C
        (a third of the time of a Python test per call when few match; as fast when most do)."""
        return self._where(map(eq, column, repeat(key))) if key >= 0 else iter(())

    def at_module_level(self) -> Iterator[CallSite]:
        """The calls outside every function and class body (run when the module is imported)."""
        key = self._key("")
        if key < 0:
            return iter(())
        # the calls outside functions compared in C, then the class body of each of those (a few a file) in Python
        classes = self._keys[2::_KEYS]
        outside = compress(range(len(self)), map(eq, self._keys[0::_KEYS], repeat(key)))
        return map(self._record, [i for i in outside if classes[i] == key])
