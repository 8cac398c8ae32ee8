"""Per-file facts: everything the whole-program stage needs from one file, as plain picklable data.

Facts are a pure function of a file's bytes (module names and relative imports are resolved later, by the
index), so they can be cached by content hash and computed in parallel.

Facts that never change once extracted (bindings, imports, call sites: ``call_table``) are NamedTuples: every
file's facts cross a process boundary and go into the cache, and tuples pickle three times faster than dataclasses at
half the size.
Sequences the extraction has finished with are tuples too, and a file's equal expressions are one object (see
``ast_helpers.encode``), which pickle writes once: on django that made the facts a third smaller in memory and a
quarter faster to load.

Expressions are kept in a tiny tuple encoding that pickles and serialises cheaply:
``("n", name)`` a name, ``("a", base, attr)`` an attribute, ``("c", func)`` a call, ``("w", expr)`` an await, ``("i", base)`` a subscript (a generic alias when the base is
a class), ``("k",)`` a literal (a constant, a display, a comparison: a plain object), ``("m", func, names)``
``importlib.import_module`` of literal module names (``func`` is the callee as written).
Anything else is ``None`` (unknown to the resolver, hence never a finding).
"""

from __future__ import annotations

import array
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

from ssot_audit.analysis.call_table import CALL_REFS as CALL_REFS, CallSite as CallSite, CallTable as CallTable
from ssot_audit.analysis.call_table import Guard as Guard, call_ints as call_ints, call_refs as call_refs
from ssot_audit.analysis.name_table import NO_NAMES, NameTable, RecordTable
from ssot_audit.model.pickling import pickle_positionally

Expr = tuple[Any, ...] | None


def is_dunder(name: str) -> bool:
    """A ``__dunder__`` name."""
    return name.startswith("__") and name.endswith("__")


def is_private(name: str) -> bool:
    """A private member name: ``_name``, not a ``__dunder__``."""
    return name.startswith("_") and not is_dunder(name)


# Binding kinds: how a name got its value in a scope.
B_IMPORT = "import"  # value: index into ModuleFacts.imports
B_DEF = "def"  # value: function qualname
B_CLASS = "class"  # value: class qualname
B_ASSIGN = "assign"  # value: Expr of the assigned value
B_PARAM = "param"  # value: tuple of dotted names in the annotation (may be empty)
B_SELF = "self"  # value: qualname of the enclosing class (first parameter of a method)
B_CLS = "cls"  # value: qualname of the enclosing class (first parameter of a classmethod)
B_OTHER = "other"  # loop targets, tuple unpacking, with-targets of unknown type...


class Binding(NamedTuple):
    """One way a name is bound in a scope; ``conditional`` is true inside if/try/loop bodies."""

    kind: str
    value: Any
    line: int
    conditional: bool = False


def is_alias_binding(binding: Binding) -> bool:
    """A module-level alias, ``X = Y`` or ``X = mod.Y``: what the table of every module's aliases lists
    (``ProjectIndex.module_aliases``) and the concept model's table of names resolves (``names.Names``)."""
    return binding.kind == B_ASSIGN and binding.value is not None and binding.value[0] in ("n", "a")


class Bindings(RecordTable):
    """A function's local bindings (``FunctionFact.locals``): name -> its ``Binding``s, as their fields (see
    ``RecordTable``)."""

    __slots__ = ()
    WIDTH = len(Binding._fields)
    RECORD = partial(tuple.__new__, Binding)


NO_BINDINGS = Bindings()  # immutable: every function without local bindings shares it


class ImportFact(NamedTuple):
    """One imported name. ``module`` is as written (relative imports keep their ``level``)."""

    line: int
    col: int
    module: str
    level: int
    name: str | None  # None for ``import a.b``; "*" for star imports
    asname: str | None
    scope: str  # "" at module level, else the enclosing function's qualname
    type_checking: bool = False
    guarded: bool = False  # inside a ``try`` whose handler catches a failed import and falls back (not just raise)
    conditional: bool = False
    main_guard: bool = False  # inside ``if __name__ == "__main__":``: runs only when the file is run as a script

    @property
    def bound(self) -> str:
        """The local name this import binds."""
        if self.asname:
            return self.asname
        if self.name is None:
            return self.module.split(".")[0]
        return self.name


class Rebind(NamedTuple):
    """A function rebinds an attribute (``target``, an attribute expression) or a dotted module global
    (``dotted``, by a string patch) to ``value`` (None: unknown) from ``line`` on, in ``scope`` and the scopes
    nested in it (``scope`` may be a class qualname: a class decorator or a setUp patch covers its methods)."""

    scope: str
    line: int
    target: Expr
    dotted: str
    value: Expr
    conditional: bool = False  # made inside an if/try/loop body of the function: may not have happened


class AttrUse(NamedTuple):
    """``name.attr[.attr...]`` read where ``name`` is bound by an import: an attribute the code expects a module to
    have (``import pkg.mod`` then ``pkg.mod.helper``). One per chain and scope, at its first use."""

    expr: Expr  # the whole chain: ("a", ("a", ("n", "pkg"), "mod"), "helper")
    line: int
    col: int
    scope: str
    guarded: bool = False  # inside ``try: ... except AttributeError`` (or a broader handler)
    type_checking: bool = False

    def parts(self) -> tuple[str, list[str]]:
        """The first name and the attributes after it: ``("pkg", ["mod", "helper"])``."""
        attrs: list[str] = []
        expr = self.expr
        while expr is not None and expr[0] == "a":
            attrs.append(str(expr[2]))
            expr = expr[1]
        return (str(expr[1]) if expr is not None else ""), attrs[::-1]


class AttrStore(NamedTuple):
    """``base.attr = value`` or ``setattr(base, "attr", value)`` where ``base`` is rooted at an imported name:
    a module may get ``attr`` from outside (monkeypatching). ``attr`` is ``"*"`` for ``setattr`` with a computed
    name."""

    base: Expr
    attr: str
    scope: str


@dataclass(slots=True)
class FunctionFact:
    """A function or method."""

    name: str
    qualname: str
    line: int
    col: int
    end_line: int
    is_async: bool
    decorators: tuple[Expr, ...]
    params: tuple[str, ...]
    returns: tuple[str, ...]  # dotted names in the return annotation
    class_qualname: str = ""  # set for methods
    parent: str = ""  # enclosing function qualname, for closures
    is_generator: bool = False
    return_values: tuple[Expr, ...] = ()
    locals: Bindings = NO_BINDINGS  # name -> its bindings (``get`` gives a tuple of ``Binding``)
    globals: tuple[str, ...] = ()
    name_uses: NameTable = NO_NAMES  # name -> the kinds of context it is read in (sorted, each once)
    is_abstract: bool = False
    is_stub: bool = False  # body is only ``...``/docstring/``raise NotImplementedError``
    always_raises: str = ""  # the exception a top-level ``raise`` on every path raises (``__init__``: a guard)
    is_trivial: bool = False  # a stub, ``pass`` or ``return <constant>``: what test doubles are made of
    delegates: bool = False  # reads ``<another object>.<its own name>`` or passes its own name to a call
    # (``cctxt.cast(ctx, 'name')``, ``getattr(inner, 'name')``): hands the work on (a facade, a proxy, an RPC client)


@dataclass(slots=True)
class ClassFact:
    """A class definition."""

    name: str
    qualname: str
    line: int
    col: int
    end_line: int
    bases: tuple[Expr, ...]
    keywords: dict[str, Expr]
    decorators: tuple[Expr, ...]
    methods: dict[str, str] = field(default_factory=dict)  # method name -> function qualname (the last definition)
    method_variants: dict[str, list[str]] = field(default_factory=dict)  # name -> all qualnames, when defined twice
    class_attrs: dict[str, tuple[Expr, ...]] = field(default_factory=dict)  # class-level assignments
    attr_types: dict[str, list[Any]] = field(default_factory=dict)  # instance attrs: Expr or ("ann", names)
    body_adds_nothing: bool = False  # only pass/.../docstring/methods forwarding to super(), no base with [type args]
    purpose_doc: bool = False  # when the body adds nothing: a docstring of its own, not of a deprecated alias
    scope: str = ""  # enclosing function qualname for local classes


@dataclass(slots=True)
class ModuleFacts:
    """All facts of one parsed file."""

    lines: int
    imports: list[ImportFact] = field(default_factory=list)
    classes: dict[str, ClassFact] = field(default_factory=dict)  # qualname -> class
    functions: dict[str, FunctionFact] = field(default_factory=dict)  # qualname -> function
    bindings: dict[str, tuple[Binding, ...]] = field(default_factory=dict)  # module-level names
    calls: CallTable = field(default_factory=CallTable)
    dunder_all: list[str] | None = None
    has_getattr: bool = False  # module-level __getattr__: any attribute may exist
    has_main_guard: bool = False  # a module-level ``if __name__ == "__main__":``: the file is (also) a script
    # Line spans where an exception is expected: ``with pytest.raises(...)`` / ``assertRaises`` / ``suppress``
    # blocks and ``try`` bodies that have handlers.
    raise_spans: list[tuple[int, int]] = field(default_factory=list)
    rebinds: list[Rebind] = field(default_factory=list)  # attribute stores (those a call reads) and patches
    # The module's namespace is filled in ways no binding shows: ``globals()``, module-level ``exec``/``vars()``,
    # ``sys.modules`` surgery, ``__path__`` changes, ``declare_namespace``: any attribute or submodule may exist.
    dynamic_namespace: bool = False
    # Functions (qualnames) that reach callers' frames (``sys._getframe(1).f_globals``) or ``sys.modules[name]``:
    # a module calling one at import time may get names no binding shows (``set_deprecated_aliases({...})``).
    # Sorted tuples, not sets: a set pickles in the order of string hashes, which differ between processes, so the
    # same file gave other bytes in another run (96 of 885 django files), and two caches of one tree differed.
    namespace_writers: tuple[str, ...] = ()
    attr_uses: Sequence[AttrUse] = ()  # an ``attr_table.AttrUseTable`` once extracted
    attr_stores: list[AttrStore] = field(default_factory=list)
    probed_attrs: tuple[str, ...] = ()  # literal names in hasattr(x, "n") / getattr(x, "n", ...), sorted
    # Where the file's top-level statements end (``top_level_ends``): what a fix parses of the file's head.
    top_level: bytes = b""


def top_level_marks(size: int, ends: Sequence[tuple[int, bool]]) -> bytes:
    """``ModuleFacts.top_level``: the file's size in bytes, then each top-level statement's last line, negative for a
    ``from ... import`` (4 little-endian bytes each: a tuple of ints would cost 40 MB at 4 million lines)."""
    marks = array.array("i", [size, *(-end if is_from else end for end, is_from in ends)])
    if sys.byteorder == "big":  # pragma: no cover - the cache travels between machines
        marks.byteswap()
    return marks.tobytes()


def top_level_ends(marks: bytes) -> tuple[int, list[tuple[int, bool]]] | None:
    """(size in bytes, [(last line, is a ``from ... import``)] per top-level statement) of ``top_level``; None when
    unknown."""
    if not marks:
        return None
    values = array.array("i")
    values.frombytes(marks)
    if sys.byteorder == "big":  # pragma: no cover
        values.byteswap()
    return values[0], [(abs(v), v < 0) for v in values[1:]]


def _unpickle_in_c(cls: type) -> None:
    """Pickle the NamedTuple ``cls`` as ``tuple.__new__(cls, values)``: unpickling then builds each one in C instead of
    calling the class's generated Python ``__new__`` (measured on django: all facts load 15% faster, for 9% more
    bytes; a scan after an edit loads every file's facts, 1.5 million call sites at 4 million lines)."""

    def reduce(self: tuple[Any, ...]) -> tuple[Any, tuple[type, tuple[Any, ...]]]:
        return tuple.__new__, (type(self), tuple(self))

    setattr(cls, "__reduce__", reduce)


class _NoEntries(dict[Any, Any]):
    """The empty dict every unpickled class fact shares for each of its empty dict fields (``NO_ENTRIES``): three of
    a class's five are empty in most classes, 80 bytes each, 25 MB at 4 million lines of django. Pickled as a
    reference to ``NO_ENTRIES`` (a string from ``__reduce__``); refuses to change, as every fact does."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "NO_ENTRIES"

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise TypeError("facts do not change once extracted")

    __setitem__ = __delitem__ = __ior__ = setdefault = update = pop = popitem = clear = _refuse


NO_ENTRIES: dict[Any, Any] = _NoEntries()

for _fact_class in (FunctionFact, ClassFact, ModuleFacts):
    pickle_positionally(_fact_class)  # payloads 15% smaller, loads 25% faster (measured on django)
_CLASS_VALUES = attrgetter(*(f.name for f in fields(ClassFact)))


def _reduce_class(self: ClassFact) -> tuple[type, tuple[Any, ...]]:
    """``pickle_positionally``'s reduction, each empty dict as ``NO_ENTRIES``."""
    values = _CLASS_VALUES(self)
    return ClassFact, tuple(NO_ENTRIES if type(value) is dict and not value else value for value in values)


setattr(ClassFact, "__reduce__", _reduce_class)
for _record_class in (Binding, ImportFact, Guard, Rebind, CallSite, AttrUse, AttrStore):
    _unpickle_in_c(_record_class)
