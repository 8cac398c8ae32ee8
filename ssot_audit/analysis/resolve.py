"""The resolver: from a name or expression in a scope to what it can be at run time.

It follows imports (absolute, relative, function-local, guarded by ``try/except ImportError``), re-exports
through ``__init__`` and star imports, module-level aliases, assignments, ``self``/``cls``, annotated parameters,
instance attributes, return annotations and return values, without needing annotations anywhere. It answers a
set of candidates; ``UNKNOWN`` among them means "could also be something we cannot see". Results are memoised:
resolving the same imported name from ten thousand call sites costs one resolution.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from ssot_audit.analysis.facts import (
    B_ASSIGN, B_CLASS, B_CLS, B_DEF, B_IMPORT, B_PARAM, B_SELF, Binding, Expr,
)  # fmt: skip
from ssot_audit.analysis.fixpoint import NO_REENTRY, UNKNOWN_SET, CycleMemo
from ssot_audit.analysis.index import ProjectIndex
from ssot_audit.analysis.members import NEUTRAL_BASES as NEUTRAL_BASES  # re-exported: callers import it from here
from ssot_audit.analysis.members import Values
from ssot_audit.analysis.module_namespace import ModuleNamespace
from ssot_audit.analysis.module_reads import ModuleReads
from ssot_audit.analysis.members import decorator_name as decorator_name
from ssot_audit.analysis.returns import context_manager_of, reconcile
from ssot_audit.analysis.trace import FUNCTION, LOCAL, SCOPE, Trace
from ssot_audit.analysis.values import (
    UNKNOWN,
    ClassValue,
    CoroutineValue,
    ExternalValue,
    FunctionValue,
    InstanceValue,
    ModuleValue,
    SuperValue,
    Value,
)

_MAX_DEPTH = 60  # nested attribute/call chains resolved before giving up
# Re-export chains (``from a import X`` in module after module) do not nest (``fixpoint.MAX_NESTING``): they are
# followed in a loop (``module_namespace``).
_UNKNOWN_SET: Values = UNKNOWN_SET
_LITERAL_SET: Values = frozenset({ExternalValue("builtins.object")})
BUILTIN_NAMES = frozenset(dir(builtins))
# Decorators that keep a function's sync/async nature and its return value.
TRANSPARENT_DECORATORS = frozenset({
    "staticmethod", "classmethod", "wraps", "lru_cache", "cache", "abstractmethod", "overload", "override",
    "final", "no_type_check", "deprecated", "cached_property", "property", "setter", "getter",
})  # fmt: skip
_TYPING_WRAPPERS = frozenset({
    "Optional", "Union", "List", "Dict", "Set", "Tuple", "Type", "type", "list", "dict", "set", "tuple",
    "Annotated", "ClassVar", "Final", "None",
})  # fmt: skip


class Resolver(CycleMemo, ModuleNamespace, ModuleReads):
    """Resolves names and expressions of a ``ProjectIndex``; one instance per scan (it memoises). What a module's
    name is from outside (``module_attr``: re-exports, star imports) comes from ``module_namespace.ModuleNamespace``,
    class member lookups and MROs from ``members.MemberLookup``, attribute reads rooted at a module from
    ``module_reads.ModuleReads``; every memo table is filled through ``fixpoint.CycleMemo._memoised``, so answers
    on cyclic code do not depend on which query came first."""

    def __init__(self, index: ProjectIndex, trace: Trace | None = None) -> None:
        """``trace``: record what every answer reads there (and the index's lookups too), see ``trace``."""
        CycleMemo.__init__(self)
        ModuleReads.__init__(self, index)
        self._trace = index.trace = trace
        self._names: dict[tuple[str, str, str], Values] = {}
        self._attrs: dict[tuple[str, str], Values] = {}
        self._returns: dict[FunctionValue, Values] = {}
        # Each distinct memoised answer kept once: every method's ``self`` is one set per class, a module's names
        # bound by one import one set (at 1 million lines of django: 57,000 answers, 18,000 distinct sets).
        self._answers: dict[Values, Values] = {_UNKNOWN_SET: _UNKNOWN_SET, _LITERAL_SET: _LITERAL_SET}
        self._depth = 0
        # Functions whose return annotation was kept although return statements we could only partly resolve
        # contradict it: a finding that relies on one says it is unsure.
        self.doubted_annotations: set[FunctionValue] = set()

    def forget_answers(self) -> None:
        """Drop every memoised answer (the rules ran and the result's tables are made): at 4M lines they are more
        than what keeping the scan's state and its dependency record needs on top of them, at the scan's peak of
        memory. Asked again, a question is worked out again, alike."""
        self.forget_module_reads()
        self.forget_members()
        self._names, self._attrs, self._returns = {}, {}, {}
        self._answers = {_UNKNOWN_SET: _UNKNOWN_SET, _LITERAL_SET: _LITERAL_SET}

    @property
    def trace(self) -> Trace | None:
        """The dependency record this resolver keeps, if any."""
        return self._trace

    def _group_finished(self, group: Any) -> None:
        """A cyclic group's answers are memoised: the class orders built on its answers so far are let go."""
        if self._mro.unfinished:
            self._mro.forget_unfinished(group)

    # -- names --------------------------------------------------------------------------------------------------
    def resolve_name(self, module: str, scope: str, name: str) -> Values:
        """What ``name`` read inside function ``scope`` ("" for module level) of ``module`` can be."""
        key = (module, scope, name)
        cached = self._names.get(key)  # the usual answer, without the call into _memoised (hot: 1.4M at 4M lines)
        if cached is not None:
            if self._trace is not None:
                self._trace.read(key)
            return cached
        return self._memoised(self._names, key, self._resolve_name, module, scope, name)

    def _resolve_name(self, module: str, scope: str, name: str) -> Values:
        info = self.index.modules.get(module)  # read where it is read: each scope's function, the module's name
        if info is None:
            return _UNKNOWN_SET
        trace = self._trace
        current = scope
        while current:
            func = info.facts.functions.get(current)
            if trace is not None:
                if func is not None and func.class_qualname and trace.building_model:  # (``trace.LOCAL``)
                    trace.read((SCOPE, module, current))
                    trace.read((LOCAL, module, f"{current} {name}"))
                else:
                    trace.read((FUNCTION, module, current))
            if func is None or name in func.globals:
                break
            bindings = func.locals.get(name)
            if bindings:
                return self._from_bindings(module, current, bindings, flow_sensitive=False)
            current = func.parent
        found = self.module_attr(module, name)  # records the read of the module's namespace for the name
        if found == _UNKNOWN_SET and info.facts.has_getattr and name not in info.facts.bindings:
            found = frozenset()  # a module __getattr__ serves ``module.x`` from outside, never the module's own names
        if found:
            return found
        if name in BUILTIN_NAMES:
            return frozenset({ExternalValue(f"builtins.{name}")})
        return _UNKNOWN_SET

    def _from_bindings(self, module: str, scope: str, bindings: Sequence[Binding], *, flow_sensitive: bool) -> Values:
        """Module scopes are read top to bottom: the last unconditional binding hides earlier ones."""
        selected: Iterable[Binding] = bindings
        if flow_sensitive:
            last = max((i for i, b in enumerate(bindings) if not b.conditional), default=0)
            selected = bindings[last:]
        result: set[Value] = set()
        for binding in selected:
            result |= self._binding_value(module, scope, binding)
        return frozenset(result) or _UNKNOWN_SET

    def _binding_value(self, module: str, scope: str, binding: Binding) -> Values:
        kind, value = binding.kind, binding.value
        if kind == B_IMPORT:
            return self._import_value(module, value)
        if kind == B_DEF:
            return frozenset({FunctionValue(module, value)})
        if kind == B_CLASS:
            return frozenset({ClassValue(module, value)})
        if kind == B_ASSIGN:
            return self.resolve_expr(module, scope, value)
        if kind == B_PARAM:
            return self.annotation_instances(module, self._annotation_scope(module, scope), value)
        if kind == B_SELF:
            return frozenset({InstanceValue(ClassValue(module, value))})
        if kind == B_CLS:
            return frozenset({ClassValue(module, value)})
        return _UNKNOWN_SET

    def _annotation_scope(self, module: str, scope: str) -> str:
        func = self.index.find_scope(module, scope)  # its parent
        return func.parent if func is not None else ""

    # -- expressions --------------------------------------------------------------------------------------------
    def resolve_expr(self, module: str, scope: str, expr: Expr) -> Values:
        """What an encoded expression evaluated in ``scope`` of ``module`` can be."""
        if expr is None:
            return _UNKNOWN_SET
        if self._depth > _MAX_DEPTH:
            self.gave_up += 1
            return _UNKNOWN_SET
        tag = expr[0]
        if tag == "n":
            return self.resolve_name(module, scope, expr[1])
        if tag == "k":
            return _LITERAL_SET
        if tag == "m":
            return self._imported_modules(module, scope, expr)
        if expr == ("c", ("n", "super")):
            found = self._zero_argument_super(module, scope)
            if found:
                return found
        outer_low, self._low = self._low, NO_REENTRY
        self._depth += 1
        try:
            inner = self.resolve_expr(module, scope, expr[1])
        finally:
            self._depth -= 1
            low = self._low
            if outer_low < low:
                self._low = outer_low
        # Built on answers of a cyclic group still being worked out (``fixpoint``): an external name is not grown
        # through the cycle (``qs = qs.filter()`` in a loop would make ``qs.filter().filter()...`` without end).
        cut = low != NO_REENTRY and tag != "i"
        result: set[Value] = set()
        for value in inner:
            if cut and isinstance(value, ExternalValue):
                result.add(UNKNOWN)
            elif tag == "a":
                result |= self.attribute(value, expr[2])
            elif tag == "c":
                result |= self.call_result(value)
            elif tag == "i":
                result.add(value if isinstance(value, ClassValue | ExternalValue) else UNKNOWN)
            else:
                result |= self.await_result(value)
        return frozenset(result) or _UNKNOWN_SET

    def _imported_modules(self, module: str, scope: str, expr: Expr) -> Values:
        """``importlib.import_module("pkg.a")`` (or over literal names): those modules, when it is importlib's."""
        assert expr is not None
        if self.resolve_expr(module, scope, expr[1]) != {ExternalValue("importlib.import_module")}:
            return _UNKNOWN_SET
        if self._trace is not None:  # whether each is a module: its package's namespace for its last name, as an
            for name in expr[2]:  # attribute chain reads it (a module removed fires it: ``kept_removed``)
                package, _, last = name.rpartition(".")
                self._trace.read((package, last))
        return frozenset(ModuleValue(n) if self.index.is_project_module(n) else ExternalValue(n) for n in expr[2])

    def attribute(self, value: Value, attr: str) -> Values:
        """``value.attr``."""
        if isinstance(value, ModuleValue):
            return self.module_attr(value.name, attr) or _UNKNOWN_SET
        if isinstance(value, ClassValue):
            return self.class_member(value, attr, instance=False)
        if isinstance(value, InstanceValue):
            return self.class_member(value.cls, attr, instance=True)
        if isinstance(value, SuperValue):
            return self.class_member(value.cls, attr, instance=True, start=1)
        if isinstance(value, ExternalValue):
            return frozenset({ExternalValue(f"{value.name}.{attr}")})
        return _UNKNOWN_SET

    def _zero_argument_super(self, module: str, scope: str) -> Values:
        """``super()`` in a method (the builtin, not a rebound name): its class's MRO after the class itself."""
        func = self.index.find_function(module, scope, head=True)  # its class
        if func is None or not func.class_qualname:
            return frozenset()
        if self.resolve_name(module, scope, "super") != {ExternalValue("builtins.super")}:
            return frozenset()
        return frozenset({SuperValue(ClassValue(module, func.class_qualname))})

    def call_result(self, value: Value) -> Values:
        """What calling ``value`` returns."""
        if isinstance(value, ClassValue):
            return frozenset({InstanceValue(value)})
        if isinstance(value, ExternalValue):
            return frozenset({ExternalValue(f"{value.name}()")})
        if isinstance(value, FunctionValue):
            func = self.index.find_function(value.module, value.qualname, head=True)  # its return values: below
            if func is None:
                return _UNKNOWN_SET
            if not self.has_transparent_decorators(value):
                manager = context_manager_of(map(decorator_name, func.decorators), TRANSPARENT_DECORATORS)
                return frozenset({manager}) if manager is not None else _UNKNOWN_SET
            if func.is_async:
                return _UNKNOWN_SET if func.is_generator else frozenset({CoroutineValue(value)})
            if func.is_generator:
                return _UNKNOWN_SET
            return self.return_values(value)
        return _UNKNOWN_SET

    def await_result(self, value: Value) -> Values:
        """What ``await value`` gives. Awaiting an instance of a project class that is surely not awaitable raises
        (SSOT401 reports that await); the code after it is written for the instance itself (``m = await
        get_manager(); await m.count()``), which is what it works on once that await is dropped."""
        if isinstance(value, CoroutineValue):
            return self.return_values(value.func)
        if isinstance(value, InstanceValue) and self.find_method(value.cls, "__await__") is None \
                and not self.has_unseen_base(value.cls):  # fmt: skip
            return frozenset({value})
        return _UNKNOWN_SET

    def has_unseen_base(self, cls: ClassValue) -> bool:
        """A base we cannot see into (unresolved, or external and not a plain ``object``-like one): the class may
        get anything from it, ``__await__`` included."""
        return any(base is UNKNOWN or (isinstance(base, ExternalValue) and base.name not in NEUTRAL_BASES)
                   for base in self.mro(cls))  # fmt: skip

    def has_transparent_decorators(self, value: FunctionValue) -> bool:
        """True when every decorator keeps the function's calling convention (staticmethod, lru_cache...)."""
        func = self.index.find_function(value.module, value.qualname, head=True)
        return func is not None and all(decorator_name(d) in TRANSPARENT_DECORATORS for d in func.decorators)

    def return_values(self, value: FunctionValue) -> Values:
        """What a function's ``return`` statements give (its return annotation first, when it names classes)."""
        cached = self._returns.get(value)
        if cached is not None:
            if self._trace is not None:
                self._trace.read(value)
            return cached
        return self._memoised(self._returns, value, self._return_values, value)

    def _return_values(self, value: FunctionValue) -> Values:
        func = self.index.find_function(value.module, value.qualname)
        if func is None:
            return _UNKNOWN_SET
        # An annotation naming project classes is trusted unless the return statements surely give something else
        # (returns.py); ``-> Any`` and friends say nothing, so the return statements decide.
        annotated = self.annotation_instances(value.module, func.parent, tuple(func.returns))
        found: set[Value] = set()
        for expr in func.return_values:
            found |= self.resolve_expr(value.module, value.qualname, expr)
        result = frozenset(found) if func.return_values else frozenset({ExternalValue("builtins.None")})
        if any(isinstance(v, InstanceValue) for v in annotated):
            result, doubted = reconcile(annotated, result, self.mro)
            # set or cleared on every computation: on a cycle, the last round's (the fixpoint's) is the one kept
            if doubted:
                self.doubted_annotations.add(value)
            else:
                self.doubted_annotations.discard(value)
        return result

    def annotation_instances(self, module: str, scope: str, names: Iterable[str]) -> Values:
        """Instances of the classes an annotation names (``Optional[Manager]`` -> a Manager instance)."""
        result: set[Value] = set()
        for dotted in names:
            if dotted.split(".")[-1] in _TYPING_WRAPPERS:
                continue
            head, *rest = dotted.split(".")
            values = self.resolve_name(module, scope, head)
            for attr in rest:
                values = frozenset(v for value in values for v in self.attribute(value, attr))
            for value in values:
                if isinstance(value, ClassValue):
                    result.add(InstanceValue(value))
                elif isinstance(value, ExternalValue):
                    result.add(ExternalValue(f"{value.name}()"))
        return frozenset(result) or _UNKNOWN_SET
