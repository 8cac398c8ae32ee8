"""Pickling dataclasses as (class, field values): what the cache stores of results and facts, made cheaper."""

from __future__ import annotations

import operator
from dataclasses import fields
from typing import Any


def pickle_positionally(cls: type) -> type:
    """Pickle the dataclass ``cls`` as (class, field values), unpickled by calling it: a slotted dataclass otherwise
    pickles its field names with every object and unpickles through ``setattr``. Measured on the result of 4
    million lines (15 MB pickled): 0.31 -> 0.20 s to pickle, 0.19 -> 0.12 s to load; on django's facts: payloads
    15% smaller, 25% faster to load. Every field must be an ``__init__`` parameter."""
    names = [f.name for f in fields(cls)]
    if not all(f.init for f in fields(cls)):
        raise TypeError(f"{cls.__name__} has a field that is not an __init__ parameter")
    getter = operator.attrgetter(*names)
    single = len(names) == 1

    def reduce(self: object) -> tuple[type, tuple[Any, ...]]:
        values = getter(self)
        return type(self), (values,) if single else values

    setattr(cls, "__reduce__", reduce)
    return cls
