"""The part of fact extraction that walks expressions: every call with the context its result is used in (awaited,
an argument, a callee...), the names each function reads, the attributes read on imported names.

Kept apart from ``extract`` (which walks statements) so each module stays readable; both are per-file code (see
``cache._PER_FILE_MODULES``). Expressions are walked with an explicit stack: generated code with thousands of
chained operators cannot exhaust the interpreter's recursion limit.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ssot_audit.analysis.ast_helpers import encode
from ssot_audit.analysis.extract_namespace import SPECIAL_CALLS, NamespaceRecorder
from ssot_audit.analysis.facts import B_ASSIGN, B_OTHER, Binding, Bindings, ClassFact, Expr, FunctionFact, Guard
from ssot_audit.analysis.name_table import NameTable
from ssot_audit.analysis.flow import PATCHERS, FlowRecorder, patch_of

# Attributes of a coroutine object that drive it (``coro.__await__()``): using them is awaiting it.
_CORO_PROTOCOL = frozenset({"__await__", "send", "throw", "close"})
# The generic walk visits these node kinds, through the fields of each node type that can hold them.
_WALKED = (ast.expr, ast.comprehension, ast.keyword, ast.arguments)
_NOT_WALKED = frozenset({"ctx", "op", "ops", "kind", "conversion", "type_comment"})
_WALKED_FIELDS: dict[type, tuple[str, ...]] = {}
_NOT_AWAITED = (0, 0)
# ``new_record(Binding, values)`` is the record ``Binding(*values)`` builds, without the NamedTuple's generated
# Python ``__new__``: for the extraction's most frequent records, with every field given (no default involved).
new_record = tuple.__new__
_Name, _Attribute, _Call, _Constant, _Load = ast.Name, ast.Attribute, ast.Call, ast.Constant, ast.Load
_SPECIAL = frozenset({ast.Await, ast.Yield, ast.YieldFrom, ast.IfExp, ast.NamedExpr})
_USE_CONTEXT = {"await": "await", "attr": "attr", "arg": "arg", "return": "return", "callee": "call", "yield": "arg"}


@dataclass(slots=True)
class Scope:
    """A scope the extractor is inside: the module, a class or a function, and the names bound there."""

    kind: str  # "module" | "class" | "function"
    qualname: str
    bindings: dict[str, list[Binding]]  # filled as the walk goes; the facts keep them as tuples (``frozen``)
    func: FunctionFact | None = None
    cls: ClassFact | None = None
    # A function's facts that the walk appends to, frozen into its ``FunctionFact`` when the walk leaves it.
    globals: list[str] = field(default_factory=list)
    returns: list[Expr] = field(default_factory=list)
    uses: dict[str, list[str]] = field(default_factory=dict)  # name -> the contexts it is read in


def frozen(bindings: dict[str, list[Binding]]) -> dict[str, tuple[Binding, ...]]:
    """A scope's bindings as the facts keep them: tuples are smaller than lists and cheaper to unpickle."""
    return {name: tuple(found) for name, found in bindings.items()}


def freeze_function(scope: Scope) -> None:
    """Move what the walk gathered for a function into its facts, as tuples (bindings and reads as flat
    ``NameTable``s: a dict per function was a sixth of the facts)."""
    func = scope.func
    assert func is not None
    func.locals = Bindings.of(scope.bindings)
    func.globals = tuple(scope.globals)
    func.return_values = tuple(scope.returns)
    names: list[str] = []
    kinds: list[str] = []
    for name, found in scope.uses.items():  # the table's two halves in one pass (no dict of runs in between)
        if len(found) == 1:  # most names: read once
            names.append(name)
            kinds.append(found[0])
        else:
            distinct = sorted(set(found))
            names.extend([name] * len(distinct))
            kinds.extend(distinct)
    func.name_uses = new_record(NameTable, (*names, *kinds))  # what ``NameTable.of`` of those runs builds


class ExpressionWalker(NamespaceRecorder):
    """Mixed into ``Extractor``: records the calls and name reads of expressions."""

    scopes: list[Scope]
    function_scope: Scope | None  # the innermost function scope (kept by the extractor as it enters and leaves)
    flow: FlowRecorder
    conditional: int

    def _function_scope(self) -> Scope | None:
        return self.function_scope

    # -- expressions --------------------------------------------------------------------------------------------
    def expression(self, root: ast.expr, context: str, target: Expr = None) -> None:
        """Record every call in ``root`` with the context its result is used in, and the names it reads.

        The hottest loop of the extraction (a million nodes per 0.5M lines): what stays the same for the whole
        expression is read once into locals, and constants, which hold nothing to record, are never pushed.
        """
        scope = self.function_scope
        func = scope.func if scope is not None else None
        uses = scope.uses if func is not None else None  # type: ignore[union-attr]
        top = self.scopes[-1]
        in_class = top.qualname if top.kind == "class" else ""
        call_scope = scope.qualname if scope is not None else ""
        module_level = len(self.scopes) == 1
        calls = (self.flow.call_refs.extend, self.flow.call_ints.extend)
        guards = self.flow.guards  # nothing an expression records changes them
        own = func.name if func is not None else None  # a call passing it (``cast(ctx, 'name')``): a delegation
        forwarding = own in _FORWARDING_HOOKS  # ``getattr(self._inner, name)`` in ``__getattr__``: likewise
        stack: list[tuple[ast.AST, str, Expr, tuple[int, int]]] = [(root, context, None, _NOT_AWAITED)]
        push, pop = stack.append, stack.pop
        while stack:
            node, ctx, wrapper, awaited = pop()
            kind = type(node)
            if kind is _Name:
                if node.id == "__path__":  # type: ignore[attr-defined]
                    self.facts.dynamic_namespace = True
                if uses is not None and type(node.ctx) is _Load:  # type: ignore[attr-defined]
                    uses.setdefault(node.id, []).append(_USE_CONTEXT.get(ctx, "other"))  # type: ignore[attr-defined]
            elif kind is _Attribute:
                if ctx != "attr" and type(node.ctx) is _Load:  # type: ignore[attr-defined]
                    self.note_attribute(node, call_scope, in_class)  # type: ignore[arg-type]
                attr = node.attr  # type: ignore[attr-defined]
                if func is not None and attr == func.name and not func.delegates:
                    func.delegates = _is_delegation(node.value)  # type: ignore[attr-defined]
                push((node.value, "arg" if attr in _CORO_PROTOCOL else "attr", None, _NOT_AWAITED))  # type: ignore[attr-defined]
            elif kind is _Call:
                func_expr = self._call(node, ctx, wrapper, awaited, target if node is root else None,  # type: ignore[arg-type]
                                       call_scope, in_class, module_level, guards, func, calls)  # fmt: skip
                if forwarding and func_expr == _GETATTR and node.args:  # type: ignore[attr-defined]
                    func.delegates = func.delegates or _is_delegation(node.args[0])  # type: ignore[attr-defined, union-attr]
                push((node.func, "callee", None, _NOT_AWAITED))  # type: ignore[attr-defined]
                for arg in node.args:  # type: ignore[attr-defined]
                    if type(arg) is not _Constant:
                        push((arg, "arg", func_expr, _NOT_AWAITED))
                    elif arg.value == own and own is not None:
                        func.delegates = True  # type: ignore[union-attr]
                for keyword in node.keywords:  # type: ignore[attr-defined]
                    if type(keyword.value) is not _Constant:
                        push((keyword.value, "arg", func_expr, _NOT_AWAITED))
                    elif keyword.value.value == own and own is not None:
                        func.delegates = True  # type: ignore[union-attr]
            elif kind is _Constant:
                continue
            elif kind in _SPECIAL:
                self._special(node, kind, ctx, wrapper, func, push)
            else:
                if kind is ast.Subscript and type(node.value) is _Attribute:  # type: ignore[attr-defined]
                    self.note_subscript(node, store=False, scope=call_scope)  # type: ignore[arg-type]
                elif kind is ast.comprehension or kind is ast.Lambda:
                    self.note_shadows(node, call_scope)
                fields = _WALKED_FIELDS.get(kind)
                if fields is None:
                    fields = _WALKED_FIELDS[kind] = tuple(f for f in kind._fields if f not in _NOT_WALKED)
                for field_name in fields:
                    value = getattr(node, field_name, None)
                    for child in value if type(value) is list else (value,):
                        if isinstance(child, _WALKED) and type(child) is not _Constant:
                            push((child, "other", None, _NOT_AWAITED))

    def _call(self, call: ast.Call, ctx: str, wrapper: Expr, awaited: tuple[int, int], target: Expr, call_scope: str,
              in_class: str, module_level: bool, guards: tuple[Guard, ...], func: FunctionFact | None,
              calls: tuple[Callable[[tuple[Any, ...]], None], Callable[[tuple[int, ...]], None]]) -> Expr:  # fmt: skip
        """Record one call site, and what it does to the namespace; returns the encoded callee."""
        func_expr = encode(call.func)
        last = func_expr[-1] if func_expr is not None else None
        if last in SPECIAL_CALLS:  # checked here: the hottest path
            self.note_call(call, func_expr, call_scope, module_level)
        refs, ints = calls  # straight into the rows the file's ``CallTable`` is made of (``facts.call_refs``/``call_ints``)
        refs((func_expr, call_scope, ctx, target, wrapper, in_class, guards))
        ints((call.lineno, call.col_offset, call.end_lineno or call.lineno, call.end_col_offset or 0, awaited[0], awaited[1]))
        if type(last) is str and last in PATCHERS:
            patch = patch_of(call, func_expr)
            if patch is not None:
                self.flow.rebind(patch, call.lineno, func, self.conditional > 0)
        return func_expr

    def _special(self, node: ast.AST, kind: type, ctx: str, wrapper: Expr, func: FunctionFact | None,
                 push: Callable[[tuple[ast.AST, str, Expr, tuple[int, int]]], None]) -> None:  # fmt: skip
        """The rarer nodes with a meaning of their own: ``await``, ``yield``, ``x if c else y``, ``(n := v)``."""
        if kind is ast.Await:
            push((node.value, "await", None, (node.lineno, node.col_offset)))  # type: ignore[attr-defined]
        elif kind is ast.Yield or kind is ast.YieldFrom:
            if func is not None:
                func.is_generator = True
            if node.value is not None:  # type: ignore[attr-defined]
                push((node.value, "yield", None, _NOT_AWAITED))  # type: ignore[attr-defined]
        elif kind is ast.IfExp:
            push((node.test, "other", None, _NOT_AWAITED))  # type: ignore[attr-defined]
            push((node.body, ctx, wrapper, _NOT_AWAITED))  # type: ignore[attr-defined]
            push((node.orelse, ctx, wrapper, _NOT_AWAITED))  # type: ignore[attr-defined]
        else:  # ast.NamedExpr
            encoded = encode(node.value)  # type: ignore[attr-defined]
            self.bind(node.target.id, B_ASSIGN if encoded is not None else B_OTHER, encoded, node.lineno)  # type: ignore[attr-defined]
            push((node.value, "assign", None, _NOT_AWAITED))  # type: ignore[attr-defined]


_FORWARDING_HOOKS = frozenset({"__getattr__", "__getattribute__"})
_GETATTR = ("n", "getattr")  # ``getattr(self._inner, name)`` in ``__getattr__``: what the class lacks, another object has


def _is_delegation(owner: ast.expr) -> bool:
    """``self._inner.send`` inside ``send``: the method hands the work to another object of the same API (``self.send``
    is recursion, ``super().send`` is inheritance)."""
    if isinstance(owner, ast.Name):
        return owner.id not in ("self", "cls")
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        return False
    return True


