"""What a report of the last result can lend the report of this one: which values are the same, exactly.

A reporter is a pure function of the result, so a piece of the last report (a finding's JSON object, the module
table) is the piece this result would get wherever the value it was made from is the same. "The same" must be
exact: ``==`` says ``True == 1 == 1.0`` and ``Severity.ERROR == "error"``, which JSON writes differently, so
``same`` also asks for equal types all the way down. Objects shared with the last result (a reused finding, a
restored table) are the same by identity, at no cost.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Callable, Sequence
from enum import Enum
from itertools import chain
from typing import Any

_SCALARS = frozenset({str, int, bool, type(None)})  # of one type, equal values are the same value
_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def same(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are equal values of the same types throughout (so any pure function of a value,
    such as a reporter, gives both the same answer); False for anything it does not know (a set, a custom class).
    Containers are compared by ``==`` and then ``repr``: exact for the model's values (built-ins, enums and
    dataclasses without ``repr=False`` fields, which a test checks)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is str or kind is int:
        return bool(a == b)
    if kind is float:
        return bool(a == b) and math.copysign(1.0, a) == math.copysign(1.0, b)
    if a is None or kind is bool or isinstance(a, Enum):
        return False  # singletons, compared by identity above
    if dataclasses.is_dataclass(a) and not isinstance(a, type):  # field by field: most are shared objects
        fields = _fields_of(kind)
        mine, theirs = fields(a), fields(b)
        if all(map(operator.is_, mine, theirs)):
            return True
        if mine != theirs or list(map(type, mine)) != list(map(type, theirs)):  # both in C
            return False
        return all(same(x, y) for x, y in zip(mine, theirs) if type(x) not in _SCALARS)  # equal scalars: same
    if kind is tuple or kind is list or kind is dict:
        if a != b:
            return False
        if kind is not dict and _plain_strings(a) and _plain_strings(b):  # rows of strings (modules, edges)
            return True
        # equal, and equal reprs: the built-in reprs (in C) and the generated ones of the model's dataclasses
        # (every field shown) tell True from 1, 1.0 from 1, -0.0 from 0.0, an enum from its value, and keep the
        # order of dicts: twice as fast as walking the facts of 3,600 findings item by item
        return repr(a) == repr(b)
    return False


def _plain_strings(values: Sequence[Any]) -> bool:
    """Every item a ``str``, or every item a tuple of ``str``: then ``==`` is exact."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return True
    return kinds == {tuple} and set(map(type, chain.from_iterable(values))) <= {str}


def _fields_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass instance's field values as a tuple (in C: ``operator.attrgetter``)."""
    getter = _FIELDS.get(cls)
    if getter is None:
        names = [f.name for f in dataclasses.fields(cls)]
        getter = _FIELDS[cls] = operator.attrgetter(*names) if len(names) > 1 else (lambda v: (getattr(v, names[0]),))
    return getter


def matches(new: Sequence[Any], old: Sequence[Any], key: Callable[[Any], object]) -> list[int | None]:
    """For each item of ``new``, the index of an item of ``old`` that is ``same`` (None when there is none):
    the very object first, then the items of ``old`` with the same ``key`` (a finding's place and fingerprint)."""
    by_id = {id(item): i for i, item in enumerate(old)}  # ``old`` is alive, so its ids are its own
    by_key: dict[object, list[int]] | None = None
    found: list[int | None] = []
    for item in new:
        index = by_id.get(id(item))
        if index is None:
            if by_key is None:
                by_key = {}
                for i, candidate in enumerate(old):
                    by_key.setdefault(key(candidate), []).append(i)
            index = next((i for i in by_key.get(key(item), ()) if same(item, old[i])), None)
        found.append(index)
    return found
