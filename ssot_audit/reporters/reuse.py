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
from collections.abc import Callable, Sequence
from enum import Enum
from itertools import chain
from typing import Any

_FIELDS: dict[type, tuple[str, ...]] = {}


def same(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are equal values of the same types throughout (so any pure function of a value,
    such as a reporter, gives both the same answer); False for anything it does not know (a set, a custom class)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is str or kind is int:
        return bool(a == b)
    if kind is tuple or kind is list:
        if len(a) != len(b):
            return False
        if _plain_strings(a) and _plain_strings(b):  # rows of strings (modules, import edges): compared in C
            return bool(a == b)
        return all(map(same, a, b))
    if kind is dict:
        return len(a) == len(b) and all(same(ka, kb) and same(va, vb)
                                        for (ka, va), (kb, vb) in zip(a.items(), b.items()))  # fmt: skip
    if kind is float:
        return bool(a == b) and math.copysign(1.0, a) == math.copysign(1.0, b)
    if a is None or kind is bool or isinstance(a, Enum):
        return False  # singletons, compared by identity above
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return all(same(getattr(a, name), getattr(b, name)) for name in _names(kind))
    return False


def _plain_strings(values: Sequence[Any]) -> bool:
    """Every item a ``str``, or every item a tuple of ``str``: then ``==`` is exact."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return True
    return kinds == {tuple} and set(map(type, chain.from_iterable(values))) <= {str}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


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
