"""What a name or expression can be at run time, as far as static resolution can tell."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from types import MemberDescriptorType

_TAG_IN_TEXT = re.compile(r"(?<=\w)#\d+(?![\w#])")


def untagged(text: str) -> str:
    """``text`` with the tags that keep namesakes apart dropped: a conditional twin's (``f#2`` -> ``f``) and a
    namesake source root's (``app#2.core`` -> ``app.core``, see ``discovery.assign_module_names``). Names as the
    source spells them, for messages and hints; the finding's location says which file, and its facts keep the
    tagged names."""
    return _TAG_IN_TEXT.sub("", text) if "#" in text else text


def shown_qualname(qualname: str) -> str:
    """``qualname`` as the source spells it: the tag that tells conditional twins apart (``f#2`` for the second
    ``def f`` of a module, ``@overload`` stubs included; see ``ast_helpers.unique_qualname``) dropped, to compare
    with a name as written."""
    return untagged(qualname)


@dataclass(frozen=True, slots=True)
class ModuleValue:
    """A module or package of the project."""

    name: str


@dataclass(frozen=True, slots=True)
class ClassValue:
    """A project class.

    Its hash is worked out once, when it is made: classes key most of the tables of a scan (roles, methods, MROs,
    concepts), and a one-edit scan of 1M lines hashes them 1.2 million times, each a Python-level call that built a
    tuple. The value is the dataclass's own, ``hash((module, qualname))``; it is never pickled (``__reduce__``), as
    string hashes differ between processes.
    """

    module: str
    qualname: str
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.module, self.qualname)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[ClassValue], tuple[str, str]]:
        return (ClassValue, (self.module, self.qualname))

    @classmethod
    def of_columns(cls, modules: Sequence[str], qualnames: Sequence[str]) -> list[ClassValue]:
        """``[ClassValue(m, q) for m, q in zip(modules, qualnames)]``, made in C: each field set by its slot's
        descriptor, the hash as ``__post_init__`` works it out (restoring a kept model makes 85,000 classes at 4M
        lines: 0.08 CPU-s through the constructor, a third of the restore). ``tests/analysis/test_values.py``
        compares every field with the constructor's."""
        made = list(map(object.__new__, repeat(cls, len(modules))))
        deque(map(_MODULE.__set__, made, modules), 0)
        deque(map(_QUALNAME.__set__, made, qualnames), 0)
        deque(map(_HASH.__set__, made, map(hash, zip(modules, qualnames))), 0)
        return made

    @property
    def fullname(self) -> str:
        """``module.qualname``."""
        return f"{self.module}.{self.qualname}"

    @property
    def shown(self) -> str:
        """The qualname as the source spells it (``shown_qualname``), for messages."""
        return shown_qualname(self.qualname)


_SLOTS = vars(ClassValue)
_MODULE: MemberDescriptorType = _SLOTS["module"]  # the slots' descriptors: set from C, past the frozen ``__setattr__``
_QUALNAME: MemberDescriptorType = _SLOTS["qualname"]
_HASH: MemberDescriptorType = _SLOTS["_hash"]


@dataclass(frozen=True, slots=True)
class FunctionValue:
    """A project function or method."""

    module: str
    qualname: str

    @property
    def fullname(self) -> str:
        """``module.qualname``."""
        return f"{self.module}.{self.qualname}"

    @property
    def shown(self) -> str:
        """The qualname as the source spells it (``shown_qualname``), for messages."""
        return shown_qualname(self.qualname)


@dataclass(frozen=True, slots=True)
class InstanceValue:
    """An instance of a project class."""

    cls: ClassValue


@dataclass(frozen=True, slots=True)
class SuperValue:
    """``super()`` inside a method of ``cls``: attribute lookup starts after ``cls`` in its MRO."""

    cls: ClassValue


@dataclass(frozen=True, slots=True)
class CoroutineValue:
    """The coroutine object a call to a project ``async def`` returns."""

    func: FunctionValue


@dataclass(frozen=True, slots=True)
class ExternalValue:
    """Something from outside the project (stdlib, third party, builtins), by dotted name; ``()`` marks a call."""

    name: str


@dataclass(frozen=True, slots=True)
class UnknownValue:
    """Resolution gave up; never a reason to report anything."""


UNKNOWN = UnknownValue()

Value = (
    ModuleValue | ClassValue | FunctionValue | InstanceValue | SuperValue | CoroutineValue | ExternalValue | UnknownValue
)
