"""The part of fact extraction that walks expressions: every call with the context its result is used in (awaited,
an argument, a callee...), the names each function reads, the attributes read on imported names.

Kept apart from ``extract`` (which walks statements) so each module stays readable; both are per-file code (see
``cache._PER_FILE_MODULES``). Expressions are walked with an explicit stack: generated code with thousands of
chained operators cannot exhaust the interpreter's recursion limit.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ssot_audit.analysis.ast_helpers import encode
from ssot_audit.analysis.extract_namespace import SPECIAL_CALLS, NamespaceRecorder
from ssot_audit.analysis.facts import B_ASSIGN, B_OTHER, Binding, CallSite, ClassFact, Expr, FunctionFact
from ssot_audit.analysis.flow import PATCHERS, FlowRecorder, patch_of

# Attributes of a coroutine object that drive it (``coro.__await__()``): using them is awaiting it.
_CORO_PROTOCOL = frozenset({"__await__", "send", "throw", "close"})
# The generic walk visits these node kinds, through the fields of each node type that can hold them.
_WALKED = (ast.expr, ast.comprehension, ast.keyword, ast.arguments)
_NOT_WALKED = frozenset({"ctx", "op", "ops", "kind", "conversion", "type_comment"})
_WALKED_FIELDS: dict[type, tuple[str, ...]] = {}
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


_USES: dict[tuple[str, ...], tuple[str, ...]] = {}  # each distinct set of read contexts, kept once


def frozen(bindings: dict[str, list[Binding]]) -> dict[str, tuple[Binding, ...]]:
    """A scope's bindings as the facts keep them: tuples are smaller than lists and cheaper to unpickle."""
    return {name: tuple(found) for name, found in bindings.items()}


def freeze_function(scope: Scope) -> None:
    """Move what the walk gathered for a function into its facts, as tuples (the kinds of read once per distinct
    set: a file's functions read most names in one of a few ways)."""
    func = scope.func
    assert func is not None
    func.locals = frozen(scope.bindings)
    func.globals = tuple(scope.globals)
    func.return_values = tuple(scope.returns)
    uses = {}
    for name, kinds in scope.uses.items():
        key = tuple(sorted(set(kinds)))
        uses[name] = _USES.setdefault(key, key)
    func.name_uses = uses


class ExpressionWalker(NamespaceRecorder):
    """Mixed into ``Extractor``: records the calls and name reads of expressions."""

    scopes: list[Scope]
    flow: FlowRecorder
    conditional: int

    def _function_scope(self) -> Scope | None:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                return scope
        return None

    # -- expressions --------------------------------------------------------------------------------------------
    def expression(self, root: ast.expr, context: str, target: Expr = None) -> None:
        """Record every call in ``root`` with the context its result is used in, and the names it reads."""
        scope = self._function_scope()
        func = scope.func if scope is not None else None
        top = self.scopes[-1]
        in_class = top.qualname if top.kind == "class" else ""
        call_scope = scope.qualname if scope is not None else ""
        stack: list[tuple[ast.AST, str, Expr, tuple[int, int]]] = [(root, context, None, (0, 0))]
        while stack:
            node, ctx, wrapper, awaited = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                call: ast.Call = node  # type: ignore[assignment]
                func_expr = encode(call.func)
                if func_expr is not None and func_expr[-1] in SPECIAL_CALLS:  # checked here: the hottest path
                    self.note_call(call, func_expr, call_scope, len(self.scopes) == 1)
                self.flow.calls.append(  # positional: the hottest constructor of the extraction
                    CallSite(func_expr, call.lineno, call.col_offset, call.end_lineno or call.lineno,
                             call.end_col_offset or 0, call_scope, ctx, target if call is root else None,
                             wrapper, in_class, awaited[0], awaited[1], self.flow.guards)  # fmt: skip
                )
                if func_expr is not None and type(func_expr[-1]) is str and func_expr[-1] in PATCHERS:
                    patch = patch_of(call, func_expr)
                    if patch is not None:
                        self.flow.rebind(patch, call.lineno, func, self.conditional > 0)
                stack.append((call.func, "callee", None, (0, 0)))
                for arg in call.args:
                    stack.append((arg, "arg", func_expr, (0, 0)))
                for keyword in call.keywords:
                    stack.append((keyword.value, "arg", func_expr, (0, 0)))
            elif kind is ast.Await:
                value = node.value  # type: ignore[attr-defined]
                stack.append((value, "await", None, (node.lineno, node.col_offset)))  # type: ignore[attr-defined]
            elif kind is ast.Attribute:
                if ctx != "attr" and type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                    self.note_attribute(node, call_scope, in_class)  # type: ignore[arg-type]
                attr_ctx = "arg" if node.attr in _CORO_PROTOCOL else "attr"  # type: ignore[attr-defined]
                if func is not None and node.attr == func.name and not func.delegates:  # type: ignore[attr-defined]
                    func.delegates = _is_delegation(node.value)  # type: ignore[attr-defined]
                stack.append((node.value, attr_ctx, None, (0, 0)))  # type: ignore[attr-defined]
            elif kind is ast.Name:
                if node.id == "__path__":  # type: ignore[attr-defined]
                    self.facts.dynamic_namespace = True
                if func is not None and type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                    scope.uses.setdefault(node.id, []).append(_USE_CONTEXT.get(ctx, "other"))  # type: ignore[union-attr, attr-defined]
            elif kind is ast.Yield or kind is ast.YieldFrom:
                if func is not None:
                    func.is_generator = True
                if node.value is not None:  # type: ignore[attr-defined]
                    stack.append((node.value, "yield", None, (0, 0)))  # type: ignore[attr-defined]
            elif kind is ast.IfExp:
                stack.append((node.test, "other", None, (0, 0)))  # type: ignore[attr-defined]
                stack.append((node.body, ctx, wrapper, (0, 0)))  # type: ignore[attr-defined]
                stack.append((node.orelse, ctx, wrapper, (0, 0)))  # type: ignore[attr-defined]
            elif kind is ast.NamedExpr:
                name = node.target.id  # type: ignore[attr-defined]
                encoded = encode(node.value)  # type: ignore[attr-defined]
                self.bind(name, B_ASSIGN if encoded is not None else B_OTHER, encoded, node.lineno)  # type: ignore[attr-defined]
                stack.append((node.value, "assign", None, (0, 0)))  # type: ignore[attr-defined]
            elif kind is ast.Constant:
                continue
            else:
                if kind is ast.Subscript and type(node.value) is ast.Attribute:  # type: ignore[attr-defined]
                    self.note_subscript(node, store=False, scope=call_scope)  # type: ignore[arg-type]
                elif kind is ast.comprehension or kind is ast.Lambda:
                    self.note_shadows(node, call_scope)
                fields = _WALKED_FIELDS.get(kind)
                if fields is None:
                    fields = _WALKED_FIELDS[kind] = tuple(f for f in kind._fields if f not in _NOT_WALKED)
                for field_name in fields:
                    value = getattr(node, field_name, None)
                    for child in value if type(value) is list else (value,):
                        if isinstance(child, _WALKED):
                            stack.append((child, "other", None, (0, 0)))


def _is_delegation(owner: ast.expr) -> bool:
    """``self._inner.send`` inside ``send``: the method hands the work to another object of the same API (``self.send``
    is recursion, ``super().send`` is inheritance)."""
    if isinstance(owner, ast.Name):
        return owner.id not in ("self", "cls")
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        return False
    return True


