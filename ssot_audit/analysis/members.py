"""Member lookups along a class's method resolution order: ``cls.attr``, ``instance.attr``, ``super().attr``, the
method a class gets from its bases, and the MRO itself.

A lookup needs expressions resolved (a class attribute's value, a base class expression, what a property's getter
returns): ``MemberLookup`` is the part of ``resolve.Resolver`` that walks classes, and the resolver supplies those
answers by overriding the hooks declared at the end of the class.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from ssot_audit.analysis.facts import ClassFact, Expr, is_private
from ssot_audit.analysis.fixpoint import NO_REENTRY
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.mro import MroTable
from ssot_audit.analysis.trace import CLASS, Trace, member_leaf
from ssot_audit.analysis.values import UNKNOWN, ClassValue, ExternalValue, FunctionValue, Value

Values = frozenset[Value]
UNKNOWN_SET: Values = frozenset({UNKNOWN})
_PROPERTY_DECORATORS = frozenset({"property", "cached_property", "getter", "setter", "deleter"})
# Bases that add no attributes a resolver needs to know about.
NEUTRAL_BASES = frozenset({
    "builtins.object", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol", "abc.ABC",
})  # fmt: skip


def decorator_name(decorator: Expr) -> str:
    """The last name of a decorator expression: ``functools.lru_cache(maxsize=1)`` -> ``lru_cache``."""
    while decorator is not None and decorator[0] == "c":
        decorator = decorator[1]
    if decorator is None:
        return ""
    return str(decorator[1] if decorator[0] == "n" else decorator[2])


class MemberLookup:
    """Class member lookups of one scan, memoised per class (the resolver's half that walks classes)."""

    # Kept by the resolver: memoised queries in progress, how deep the expression being resolved is nested, the
    # lowest query in progress read since the innermost began and the cyclic groups by level (``fixpoint``).
    _nesting: int
    _depth: int
    _low: int
    _groups: dict[int, Any]
    _trace: Trace | None  # the dependency record, when the scan keeps one (``trace``)

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        # Each class's resolved bases as its MRO was worked out from them, when worked out outside any other query
        # (``_base_values``): ``base_classes`` reads them instead of resolving and sorting every base a second time.
        self._bases: dict[ClassValue, list[Value]] = {}
        self._members: dict[tuple[ClassValue, str, bool, int], Values] = {}
        self._methods: dict[ClassValue, dict[str, FunctionValue | None]] = {}  # find_method's answers, by class
        self._walks: dict[ClassValue, tuple[_Step, ...]] = {}
        self._steps: dict[Value, _Step] = {}
        # Through a weak reference: a bound method would make the resolver a reference cycle, which keeps the whole
        # index (every file's facts) alive after a scan until the cyclic collector runs (see ``loader.gc_paused``).
        self._mro = MroTable(functools.partial(MemberLookup._base_values, weakref.proxy(self)))
        self._mros = self._mro.finished

    def forget_members(self) -> None:
        """Drop every memoised member lookup and class order (``Resolver.forget_answers``)."""
        for table in (self._members, self._methods, self._walks, self._steps, self._bases):
            table.clear()
        self._mro.clear()

    def mro(self, cls: ClassValue) -> tuple[Value, ...]:
        """The class and its bases, depth first without repeats; external bases as ``ExternalValue`` (see ``mro``)."""
        if self._trace is not None:  # the class itself is the node of its order (``_base_values``)
            self._trace.read(cls)
        order = self._mros.get(cls) or self._mro.get(cls)  # a finished order without a second call (hot)
        if self._mro.unfinished:
            group = self._mro.unfinished.get(cls)
            if group is not None:  # built on a cyclic group's answers so far: what reads it is pending too
                self._reenter(group.head().level)
        return order

    def base_classes(self, cls: ClassValue) -> list[ClassValue]:
        """The project classes ``cls`` names as its direct bases (resolved, in order). Made again at each call: a
        table of them (asked once per class by the roles, again by the kept snapshot) held 15-18 MB through a 4M-line
        scan's peak of memory to save 0.03 CPU-s."""
        # ``v != cls`` by fields: the dataclass's ``__eq__`` is a Python call that builds two tuples (170,000 calls
        # at 4M lines); both are ``ClassValue``s here, equal exactly when module and qualname are
        return [v for v in self.direct_bases(cls)
                if isinstance(v, ClassValue) and (v.qualname != cls.qualname or v.module != cls.module)]  # fmt: skip

    def direct_bases(self, cls: ClassValue) -> list[Value]:
        """What ``cls`` names as its direct bases, project classes and external ones (resolved, in order)."""
        values = self._bases.get(cls) if self._is_outermost() else None
        if values is None:
            return self._base_values(cls)
        if self._trace is not None:
            self._trace.read(cls)  # read while its order was worked out (``_base_values``)
        return values

    def _is_outermost(self) -> bool:
        """True outside any memoised query and expression: what a base expression resolves to here is what it
        resolves to in any later outermost call, since every query it asks is memoised by then (inside a query, a
        re-entered one answers UNKNOWN without being memoised, and a deep chain gives up: answers may differ)."""
        return self._nesting == 0 and self._depth == 0

    def _base_values(self, cls: ClassValue) -> list[Value]:
        trace = self._trace
        if trace is None:
            return self._resolved_bases(cls)
        # The class is the node of its order (``mro.MroTable`` asks this once per class): what its bases resolve to,
        # and its bases' orders (its class body is not recorded: ``trace.CLASS``).
        reader = trace.enter(cls)
        try:
            values = self._resolved_bases(cls)
            for value in values:
                if isinstance(value, ClassValue):
                    trace.read(value)
        finally:
            trace.leave(reader)
        return values

    def _resolved_bases(self, cls: ClassValue) -> list[Value]:
        fact = self.index.find_class(cls.module, cls.qualname)
        if fact is None:
            return []
        values: list[Value] = []
        outer_low, self._low = self._low, NO_REENTRY
        try:
            for base in fact.bases:
                found = self.resolve_expr(cls.module, fact.scope, base)
                # each base's candidates in a fixed order; one candidate (nearly every base) needs no repr to sort by
                values.extend(found if len(found) == 1 else sorted(found, key=repr))
        finally:
            low = self._low
            self._low = min(outer_low, low)
        if low != NO_REENTRY:  # read an answer of a cyclic group not complete yet
            self._mro.unfinished[cls] = self._groups[low]
        elif self._is_outermost():
            self._bases[cls] = values
        return values

    def class_member(self, cls: ClassValue, attr: str, *, instance: bool, start: int = 0) -> Values:
        """``cls.attr`` (or ``instance.attr``) looked up along the MRO from position ``start`` (1 for ``super()``);
        memoised, re-entry gives UNKNOWN."""
        key = (cls, attr, instance, start)
        cached = self._members.get(key)
        if cached is not None:
            if self._trace is not None:
                self._trace.read(key)
            return cached
        return self._memoised(self._members, key, self._class_member, cls, attr, instance, start)

    def _walk(self, cls: ClassValue) -> tuple[_Step, ...]:
        """``cls``'s MRO as ``_class_member`` walks it, one step per entry, built once per class."""
        walk = self._walks.get(cls)
        if walk is None:  # ``mro`` records the read: each step's class body is one its order's node reads
            walk = tuple(self._step(klass) for klass in self.mro(cls))
            if self._mro.is_final(cls):  # not the stand-in order of a class whose bases are being worked out
                self._walks[cls] = walk
        elif self._trace is not None:
            self._trace.read(cls)
        return walk

    def _step(self, klass: Value) -> _Step:
        """What one MRO entry offers a lookup: the names its class body defines (methods, nested classes,
        class-level assignments), so a lookup passes a class that lacks the name with one set membership test. A
        base we cannot see into stops the lookup; a neutral external base or a class we have no facts of offers
        nothing."""
        step = self._steps.get(klass)
        if step is not None:
            return step
        if not isinstance(klass, ClassValue):
            neutral = isinstance(klass, ExternalValue) and klass.name in NEUTRAL_BASES
            step = _Step(klass, None, frozenset(), blocks=not neutral)
        else:
            info = self.index.modules.get(klass.module)  # a class body: read by lookups as ``trace.CLASS``
            classes = info.facts.classes if info is not None else {}
            fact = classes.get(klass.qualname)
            names: set[str] = set()
            if fact is not None:
                names.update(fact.methods)
                names.update(name for name, exprs in fact.class_attrs.items() if exprs)
                prefix = f"{klass.qualname}."
                names.update(q[len(prefix):] for q in classes if q.startswith(prefix))  # nested classes
            step = _Step(klass, fact, frozenset(names), blocks=False, leaf=(CLASS, klass.module, klass.qualname))
        self._steps[klass] = step
        return step

    def _class_member(self, cls: ClassValue, attr: str, instance: bool, start: int) -> Values:
        trace = self._trace
        private = trace is not None and is_private(attr)
        for step in self._walk(cls)[start:]:
            fact = step.fact
            if fact is None:
                if step.blocks:
                    return UNKNOWN_SET
                continue
            if trace is not None:  # whether it defines the name: its members (``trace.CLASS``), a private name's own
                # rows (``trace.MEMBER``: a private method added elsewhere in the class answers no lookup differently)
                leaf = step.leaf
                trace.read(member_leaf(leaf[1], leaf[2], attr) if private and leaf is not None else leaf)
            if attr not in step.names and not (instance and fact.attr_types.get(attr)):
                continue  # this class's body does not define it: the next one along the MRO
            klass = step.klass
            assert isinstance(klass, ClassValue)
            if attr in fact.methods:
                method = FunctionValue(klass.module, fact.methods[attr])
                if self._is_property(method):  # reading a property gives what its getter returns
                    return self.return_values(method) if instance else UNKNOWN_SET
                variants = fact.method_variants.get(attr, ())  # conditional definitions: any of them may run
                return frozenset(FunctionValue(klass.module, q) for q in variants) or frozenset({method})
            nested = f"{klass.qualname}.{attr}"
            if self.index.find_class(klass.module, nested) is not None:
                return frozenset({ClassValue(klass.module, nested)})
            found: set[Value] = set()
            for expr in fact.class_attrs.get(attr, ()):
                found |= self.resolve_expr(klass.module, fact.scope, expr)
            if instance:
                for scope, entry in fact.attr_types.get(attr, ()):
                    if entry is not None and entry[0] == "ann":
                        found |= self.annotation_instances(klass.module, fact.scope, entry[1])
                    else:
                        found |= self.resolve_expr(klass.module, scope, entry)
            if found:
                return frozenset(found)
        return UNKNOWN_SET

    def _is_property(self, method: FunctionValue) -> bool:
        func = self.index.find_function(method.module, method.qualname, head=True)  # its decorators
        return func is not None and any(decorator_name(d) in _PROPERTY_DECORATORS for d in func.decorators)

    def find_method(self, cls: ClassValue, name: str) -> FunctionValue | None:
        """The project method ``name`` of ``cls`` or its bases, if defined in the project."""
        known = self._methods.get(cls)
        if known is None:
            known = self._methods[cls] = {}
        elif name in known:
            if self._trace is not None:  # the answer of the member lookup it was taken from
                self._trace.read((cls, name, False, 0))
            return known[name]
        # a method defined conditionally (if/else) has several definitions: the first by qualname, the same in every
        # process (a frozenset's order follows string hashing, which changes between processes)
        found = min((v for v in self.class_member(cls, name, instance=False) if isinstance(v, FunctionValue)),
                    key=lambda v: (v.module, v.qualname), default=None)  # fmt: skip
        if (cls, name, False, 0) in self._members:  # not an answer cut short by a re-entered or too deep query
            known[name] = found
        return found

    def is_method_kept(self, cls: ClassValue, name: str) -> bool:
        """True once ``find_method(cls, name)``'s answer is kept (worked out outside any cut-short query): asked
        again, it gives the same answer."""
        known = self._methods.get(cls)
        return known is not None and name in known

    # -- what the resolver supplies ---------------------------------------------------------------------------
    def _memoised(self, cache: dict[Any, Values], key: Hashable, compute: Callable[..., Values], *args: Any) -> Values:
        """``compute(*args)`` once per ``key`` (see ``fixpoint.CycleMemo._memoised``)."""
        raise NotImplementedError

    def _reenter(self, level: int) -> None:
        """Note that the answer being built reads the query in progress at ``level`` (``fixpoint``)."""
        raise NotImplementedError

    def resolve_expr(self, module: str, scope: str, expr: Expr) -> Values:
        """What an encoded expression evaluated in ``scope`` of ``module`` can be."""
        raise NotImplementedError

    def return_values(self, value: FunctionValue) -> Values:
        """What a function's ``return`` statements give."""
        raise NotImplementedError

    def annotation_instances(self, module: str, scope: str, names: Iterable[str]) -> Values:
        """Instances of the classes an annotation names."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class _Step:
    """One entry of a class's MRO for member lookups: the class (or external base) and its class-body names."""

    klass: Value
    fact: ClassFact | None  # None: an external or unknown base, or a class we have no facts of
    names: frozenset[str]  # methods, nested classes and class-level assignments its body defines
    blocks: bool  # a base we cannot see into: a lookup that reaches it may find anything
    leaf: tuple[int, str, str] | None = None  # a class's ``(trace.CLASS, module, qualname)``: its members
