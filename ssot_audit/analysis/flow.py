"""Flow facts of one function, read from its statements: branch guards, attribute stores, patches, literal imports.

The async rules resolve a callee flow-insensitively; these facts tell them where that is wrong:

- a *guard* is what a branch test proves about an expression: ``if asyncio.iscoroutinefunction(obj.m):`` proves
  ``obj.m`` is a coroutine function in its body and is not one in its ``else`` (``("coro", expr, "", truth)``);
  ``if not hasattr(x, "m"):`` proves ``x.m`` does not exist (``("has", expr, "m", False)``), so a call of it there
  is dead code when the resolver finds ``m``;
- a *rebinding* replaces an attribute or a module global for the rest of a function: ``obj.m = wrapper``,
  ``setattr(obj, "m", wrapper)``, ``patch.object(obj, "m", new=...)``, ``monkeypatch.setattr("pkg.mod.f", fake)``,
  ``patch("pkg.mod.f", new=AsyncMock())``;
- ``importlib.import_module("pkg.a")`` (or over a loop on a literal tuple of module names) is those modules.

Everything here is a pure question about ``ast`` nodes, so facts stay a function of the file's bytes.
"""

from __future__ import annotations

import ast
from typing import Any, NamedTuple

from ssot_audit.analysis.ast_helpers import encode
from ssot_audit.analysis.facts import (
    CALL_REFS, CallSite, Expr, FunctionFact, Guard, ModuleFacts, Rebind, call_ints, call_refs,
)

_CORO_TESTS = frozenset({"iscoroutinefunction", "iscoroutine", "isawaitable", "isasyncgenfunction"})
_CORO_MODULES = frozenset({"asyncio", "inspect"})
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
PATCHERS = frozenset({"setattr", "patch", "object"})  # last names of calls that may rebind (see ``patch_of``)
_GUARD_TESTS = frozenset({ast.Call, ast.UnaryOp, ast.BoolOp})  # the only tests that can prove something
# Method names under which a patch applies to every test of the class, not only to the rest of the method.
CLASS_SETUPS = frozenset({"setUp", "asyncSetUp", "setup_method", "setUpClass", "setup_class"})


class Patch(NamedTuple):
    """A rebinding made by a call: of ``target`` (an attribute expression) or of the dotted name ``dotted``."""

    target: Expr
    dotted: str
    value: Expr  # the new value; None when unknown (a MagicMock or AsyncMock made by ``patch`` itself)


def _is_coro_test(func: ast.expr) -> bool:
    """``asyncio.iscoroutinefunction``, ``inspect.isawaitable``... or the bare name imported from them."""
    if isinstance(func, ast.Attribute):
        return func.attr in _CORO_TESTS and isinstance(func.value, ast.Name) and func.value.id in _CORO_MODULES
    return isinstance(func, ast.Name) and func.id in _CORO_TESTS


def _call_guard(test: ast.Call) -> tuple[str, Expr, str] | None:
    """The proposition a guard call tests, as (kind, expr, attr); None for any other call."""
    if len(test.args) == 1 and not test.keywords and _is_coro_test(test.func):
        expr = encode(test.args[0])
        return ("coro", expr, "") if expr is not None else None
    if isinstance(test.func, ast.Name) and test.func.id == "hasattr" and len(test.args) == 2:
        name = test.args[1]
        expr = encode(test.args[0])
        if expr is not None and isinstance(name, ast.Constant) and isinstance(name.value, str):
            return ("has", expr, name.value)
    return None


def proposition(test: ast.expr) -> tuple[str, Expr, str] | None:
    """The guard proposition an expression computes (``hasattr(x, "m")``), for a local boolean assigned it."""
    return _call_guard(test) if isinstance(test, ast.Call) else None


def branch_guards(test: ast.expr, names: dict[str, tuple[str, Expr, str]]) -> tuple[list[Guard], list[Guard]]:
    """What ``test`` proves when true and when false; ``names`` maps local booleans to the proposition they hold."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        when_true, when_false = branch_guards(test.operand, names)
        return when_false, when_true
    if isinstance(test, ast.BoolOp):
        parts = [branch_guards(value, names) for value in test.values]
        if isinstance(test.op, ast.And):  # all hold in the body; nothing is known in the else
            return [g for true, _ in parts for g in true], []
        return [], [g for _, false in parts for g in false]  # ``or``: all fail in the else
    found = names.get(test.id) if isinstance(test, ast.Name) else proposition(test)
    if found is None:
        return [], []
    kind, expr, attr = found
    return [Guard(kind, expr, attr, True)], [Guard(kind, expr, attr, False)]


def always_exits(body: list[ast.stmt]) -> bool:
    """A block whose last statement leaves it (return, raise, continue, break): code after its ``if`` is its else."""
    return bool(body) and isinstance(body[-1], _EXITS)


def _last_name(node: ast.expr) -> str:
    return node.attr if type(node) is ast.Attribute else node.id if type(node) is ast.Name else ""


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _value(node: ast.expr | None) -> Expr:
    return encode(node) if node is not None else None


def patch_of(call: ast.Call, func: Expr) -> Patch | None:
    """The rebinding a call makes, if it is one (``func`` is the call's encoded callee)."""
    if func is None or func[0] not in ("n", "a"):
        return None
    last = func[-1]
    args = call.args
    if last == "setattr" and len(args) >= 2:  # builtins.setattr(obj, "m", v) / monkeypatch.setattr(...)
        dotted = _string(args[0])
        if dotted is not None and "." in dotted and func[0] == "a":  # monkeypatch.setattr("pkg.mod.f", value)
            return Patch(None, dotted, _value(args[1]))
        attr = _string(args[1])
        base = encode(args[0])
        if attr is not None and base is not None and len(args) >= 3:
            return Patch(("a", base, attr), "", _value(args[2]))
        return None
    if last == "patch" and args:  # patch("pkg.mod.f", new=...) / mock.patch(...)
        dotted = _string(args[0])
        if dotted is None or "." not in dotted:
            return None
        return Patch(None, dotted, _value(_keyword(call, "new") or (args[1] if len(args) > 1 else None)))
    if last == "object" and func[0] == "a" and func[1] is not None and func[1][-1] == "patch" and len(args) >= 2:
        attr = _string(args[1])
        base = encode(args[0])
        if attr is None or base is None:
            return None
        return Patch(("a", base, attr), "", _value(_keyword(call, "new") or (args[2] if len(args) > 2 else None)))
    return None


def imported_modules(call: ast.Call, loops: dict[str, tuple[str, ...]]) -> Expr:
    """``importlib.import_module("pkg.a")``, or over a loop variable of literal names, as ``("m", func, names)``."""
    func = encode(call.func)
    if func is None or func[0] not in ("n", "a") or func[-1] != "import_module" or len(call.args) != 1:
        return None
    if call.keywords:  # ``package=`` makes the names relative
        return None
    arg = call.args[0]
    literal = _string(arg)
    names = (literal,) if literal is not None else loops.get(arg.id) if isinstance(arg, ast.Name) else None
    if not names or any(n.startswith(".") for n in names):
        return None
    return ("m", func, tuple(names))


def literal_names(node: ast.expr) -> tuple[str, ...] | None:
    """The strings of a tuple/list display of string constants (a loop over module names), else None."""
    if not isinstance(node, ast.Tuple | ast.List) or not node.elts:
        return None
    values = tuple(_string(e) for e in node.elts)
    return None if any(v is None for v in values) else values  # type: ignore[return-value]


def chain_attrs(expr: Expr, into: set[str]) -> None:
    """Every attribute name along an encoded chain (``a.b().c`` -> b, c): which stores can matter to a call."""
    depth = 0
    while expr is not None and depth < 60:
        if expr[0] == "a":
            into.add(expr[2])
        if expr[0] not in ("a", "c", "w", "i"):
            return
        expr = expr[1]
        depth += 1


class FlowRecorder:
    """The flow state of the function being extracted, and the rebindings it records into ``ModuleFacts``."""

    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        # The file's calls so far, as the rows ``CallTable.of_columns`` takes (see ``record_call``): building a
        # 13-field record per call and transposing them all at the end cost a twentieth of the extraction.
        self.call_refs: list[Any] = []
        self.call_ints: list[int] = []
        self.guards: tuple[Guard, ...] = ()  # what the enclosing branches prove
        self.names: dict[str, tuple[str, Expr, str]] = {}  # local booleans holding a guard proposition
        self.loops: dict[str, tuple[str, ...]] = {}  # loop variables over literal module names
        # attribute stores of the functions being walked, kept at the function's end only when a call reads them
        self._stores: list[tuple[str, int, ast.Attribute, Expr, bool]] = []
        self._first_call = self._first_store = 0

    def enter_function(self) -> tuple[object, ...]:
        """Start a function body: no guard of the enclosing code applies inside it. Returns what to restore."""
        saved = (self.guards, self.names, self.loops, self._first_call, self._first_store)
        self.guards, self.names, self.loops = (), {}, {}
        self._first_call, self._first_store = len(self.call_refs), len(self._stores)
        return saved

    def leave_function(self, saved: tuple[object, ...]) -> None:
        """End a function body: record its attribute stores that a call of it reads, restore the enclosing state.
        Most stores (``self.x = x``) never matter to a call, and facts are cached and shipped between processes."""
        if len(self._stores) > self._first_store:
            read: set[str] = set()
            for func in self.call_refs[self._first_call :: CALL_REFS]:  # the callee is each call's first reference
                chain_attrs(func, read)
            for scope, line, target, value, conditional in self._stores[self._first_store:]:
                encoded = encode(target) if target.attr in read else None
                if encoded is not None:
                    self.facts.rebinds.append(Rebind(scope, line, encoded, "", value, conditional))
            del self._stores[self._first_store:]
        self.guards, self.names, self.loops, self._first_call, self._first_store = saved  # type: ignore[assignment]

    def record_call(self, call: CallSite) -> None:
        """Add a call site, in the file's call order (the walker's hot path extends the columns itself)."""
        self.call_refs.extend(call_refs(call))
        self.call_ints.extend(call_ints(call))

    def store(self, target: ast.Attribute, value: Expr, line: int, func: FunctionFact | None, conditional: bool) -> None:
        """``obj.m = wrapper`` in function ``func``: later calls of ``obj.m()`` in it call ``wrapper``."""
        if func is not None:
            self._stores.append((func.qualname, line, target, value, conditional))

    def branches(self, node: ast.If) -> tuple[list[tuple[tuple[Guard, ...], list[ast.stmt]]], tuple[Guard, ...]] | None:
        """The guards of each branch of a guarding ``if`` (None for any other test), and those of the rest of its
        block, which runs only when a branch that always exits did not."""
        if not self.names and type(node.test) not in _GUARD_TESTS:
            return None  # the common case: a comparison, an attribute, a name that holds no guard
        when_true, when_false = branch_guards(node.test, self.names)
        if not when_true and not when_false:
            return None
        saved = self.guards
        after = (*saved, *when_false) if always_exits(node.body) else (*saved, *when_true) if always_exits(node.orelse) \
            else saved  # fmt: skip
        return [((*saved, *when_true), node.body), ((*saved, *when_false), node.orelse)], after

    def assigned(self, name: str, value: ast.expr) -> None:
        """``has = hasattr(x, "m")``: a later ``if not has:`` guards like the call itself."""
        found = proposition(value)
        if found is not None:
            self.names[name] = found
        else:
            self.names.pop(name, None)

    def rebind(self, patch: Patch, line: int, func: FunctionFact | None, conditional: bool) -> None:
        """Record a rebinding by a patch call made in function ``func``; one in a setUp covers every method of its
        class."""
        if func is None:
            return  # module level: import-time monkeying, not a test's rebinding
        scope = func.qualname
        if func.class_qualname and func.name in CLASS_SETUPS:
            scope = func.class_qualname
        self.facts.rebinds.append(Rebind(scope, line, patch.target, patch.dotted, patch.value, conditional))

    def decorator_patches(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, qualname: str) -> None:
        """``@patch("pkg.mod.f", new=...)`` rebinds for the whole decorated function (or every method of a class)."""
        for decorator in node.decorator_list:
            if type(decorator) is ast.Call and _last_name(decorator.func) in PATCHERS:
                patch = patch_of(decorator, encode(decorator.func))
                if patch is not None:
                    self.facts.rebinds.append(Rebind(qualname, node.lineno, patch.target, patch.dotted, patch.value))
