"""The fact extraction's fast paths give the plain definitions' facts, byte for byte once pickled.

The plain definitions are the extraction as it was before it was tuned for speed: the expression walker that
pushes every node and looks the enclosing function up the scope stack, statement handlers found by name,
``forwards_to_super`` listing every forwarding statement. They run on real code (the Python standard library's
files, this tool's own source, sample_repo).
"""

from __future__ import annotations

import ast
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

from ssot_audit.analysis import ast_helpers, extract, extract_expressions
from ssot_audit.analysis.ast_helpers import _docstring_stripped, _is_side_note, _is_super_call
from ssot_audit.analysis.extract_expressions import _CORO_PROTOCOL, _NOT_WALKED, _USE_CONTEXT, _WALKED, Scope
from ssot_audit.analysis.extract_namespace import SPECIAL_CALLS
from ssot_audit.analysis.facts import B_ASSIGN, B_OTHER, Bindings, CallSite, Expr, ModuleFacts
from ssot_audit.analysis.flow import PATCHERS, patch_of
from ssot_audit.analysis.name_table import NameTable
from ssot_audit.analysis.parsing import ParsedSource, parse_source

ROOT = Path(__file__).resolve().parent.parent.parent
STDLIB = Path(ast.__file__).parent


def plain_forwards_to_super(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The definition: exactly one forwarding statement, every other one a side note."""
    body = _docstring_stripped(node.body)
    forwards = [s for s in body if isinstance(s, ast.Return | ast.Expr) and s.value is not None and _is_super_call(s.value, node)]
    return len(forwards) == 1 and all(s is forwards[0] or _is_side_note(s) for s in body)


class PlainExtractor(extract.Extractor):
    """The extractor with the plain walker: every node pushed, the function scope looked up each time."""

    def _function_scope(self) -> Scope | None:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                return scope
        return None

    def statements(self, body: list[ast.stmt]) -> None:
        saved_guards = self.flow.guards
        for stmt in body:
            handler = getattr(self, f"_stmt_{type(stmt).__name__}", None)
            if handler is not None:
                handler(stmt)
            else:
                for child in ast.iter_child_nodes(stmt):
                    if isinstance(child, ast.expr):
                        self.expression(child, "other")
        self.flow.guards = saved_guards

    def expression(self, root: ast.expr, context: str, target: Expr = None) -> None:  # noqa: C901 - the definition
        scope = self._function_scope()
        func = scope.func if scope is not None else None
        top = self.scopes[-1]
        in_class = top.qualname if top.kind == "class" else ""
        call_scope = scope.qualname if scope is not None else ""
        stack: list[tuple[Any, str, Expr, tuple[int, int]]] = [(root, context, None, (0, 0))]
        while stack:
            node, ctx, wrapper, awaited = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                func_expr = ast_helpers.encode(node.func)
                if func_expr is not None and func_expr[-1] in SPECIAL_CALLS:
                    self.note_call(node, func_expr, call_scope, len(self.scopes) == 1)
                self.flow.record_call(CallSite(func_expr, node.lineno, node.col_offset, node.end_lineno or node.lineno,
                                                 node.end_col_offset or 0, call_scope, ctx, target if node is root else None,
                                                 wrapper, in_class, awaited[0], awaited[1], self.flow.guards))  # fmt: skip
                if func_expr is not None and type(func_expr[-1]) is str and func_expr[-1] in PATCHERS:
                    patch = patch_of(node, func_expr)
                    if patch is not None:
                        self.flow.rebind(patch, node.lineno, func, self.conditional > 0)
                stack.append((node.func, "callee", None, (0, 0)))
                stack.extend((arg, "arg", func_expr, (0, 0)) for arg in node.args)
                stack.extend((keyword.value, "arg", func_expr, (0, 0)) for keyword in node.keywords)
                passed = [*node.args, *(keyword.value for keyword in node.keywords)]
                if func is not None and any(type(v) is ast.Constant and v.value == func.name for v in passed):
                    func.delegates = True  # dispatched by its own name
                forwards = func_expr == ("n", "getattr") and node.args and func is not None
                if forwards and func.name in ("__getattr__", "__getattribute__"):
                    func.delegates = func.delegates or extract_expressions._is_delegation(node.args[0])
            elif kind is ast.Await:
                stack.append((node.value, "await", None, (node.lineno, node.col_offset)))
            elif kind is ast.Attribute:
                if ctx != "attr" and type(node.ctx) is ast.Load:
                    self.note_attribute(node, call_scope, in_class)
                if func is not None and node.attr == func.name and not func.delegates:
                    func.delegates = extract_expressions._is_delegation(node.value)
                stack.append((node.value, "arg" if node.attr in _CORO_PROTOCOL else "attr", None, (0, 0)))
            elif kind is ast.Name:
                if node.id == "__path__":
                    self.facts.dynamic_namespace = True
                if func is not None and type(node.ctx) is ast.Load:
                    scope.uses.setdefault(node.id, []).append(_USE_CONTEXT.get(ctx, "other"))  # type: ignore[union-attr]
            elif kind is ast.Yield or kind is ast.YieldFrom:
                if func is not None:
                    func.is_generator = True
                if node.value is not None:
                    stack.append((node.value, "yield", None, (0, 0)))
            elif kind is ast.IfExp:
                stack.extend([(node.test, "other", None, (0, 0)), (node.body, ctx, wrapper, (0, 0)),
                              (node.orelse, ctx, wrapper, (0, 0))])  # fmt: skip
            elif kind is ast.NamedExpr:
                encoded = ast_helpers.encode(node.value)
                self.bind(node.target.id, B_ASSIGN if encoded is not None else B_OTHER, encoded, node.lineno)
                stack.append((node.value, "assign", None, (0, 0)))
            elif kind is not ast.Constant:
                if kind is ast.Subscript and type(node.value) is ast.Attribute:
                    self.note_subscript(node, store=False, scope=call_scope)
                elif kind is ast.comprehension or kind is ast.Lambda:
                    self.note_shadows(node, call_scope)
                for field_name in (f for f in kind._fields if f not in _NOT_WALKED):
                    value = getattr(node, field_name, None)
                    stack.extend((child, "other", None, (0, 0)) for child in (value if type(value) is list else (value,))
                                 if isinstance(child, _WALKED))  # fmt: skip


def plain_freeze_function(scope: Scope) -> None:
    """``freeze_function`` as it was defined: name reads through a dict of runs and ``NameTable.of`` (``Bindings.of``)."""
    func = scope.func
    assert func is not None
    func.locals = Bindings.of(scope.bindings)
    func.globals = tuple(scope.globals)
    func.return_values = tuple(scope.returns)
    func.name_uses = NameTable.of(
        {name: kinds if len(kinds) == 1 else sorted(set(kinds)) for name, kinds in scope.uses.items()}
    )


def plain_facts(parsed: ParsedSource, size: int, monkeypatch: pytest.MonkeyPatch) -> ModuleFacts:
    """``extract_facts`` with every fast path replaced by its plain definition."""
    with monkeypatch.context() as patched:
        patched.setattr(extract, "freeze_function", plain_freeze_function)
        patched.setattr(extract, "Extractor", PlainExtractor)
        patched.setattr(ast_helpers, "forwards_to_super", plain_forwards_to_super)  # what class_body_adds_nothing asks
        return extract.extract_facts(parsed.tree, parsed.lines, size)


def _corpus() -> list[Path]:
    """Real code: a fixed spread of the standard library's modules and packages, this tool, sample_repo."""
    stdlib = sorted(STDLIB.glob("*.py"))[::3] + sorted((STDLIB / "asyncio").glob("*.py"))
    stdlib += sorted((STDLIB / "unittest").glob("*.py")) + sorted((STDLIB / "email").glob("*.py"))
    return stdlib + sorted((ROOT / "ssot_audit").rglob("*.py")) + sorted((ROOT / "sample_repo").rglob("*.py"))


def test_facts_are_the_plain_definitions_on_real_code(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _corpus()
    assert len(files) > 300
    compared = calls = 0
    for path in files:
        data = path.read_bytes()
        parsed = parse_source(data, str(path))
        if not isinstance(parsed, ParsedSource):
            continue
        fast = extract.extract_facts(parsed.tree, parsed.lines, len(data))
        fast_bytes = pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL)  # before the next file's interning
        plain = plain_facts(parsed, len(data), monkeypatch)
        assert fast == plain, path
        assert fast_bytes == pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL), path  # the same sharing too
        compared += 1
        calls += len(fast.calls)
    assert compared > 300 and calls > 20_000


@pytest.mark.parametrize("source, forwards", [
    ("def f(self, a):\n    return super().f(a)\n", True),
    ("def f(self, a):\n    '''doc'''\n    log.info('x')\n    super().f(a)\n", True),
    ("def f(self, a):\n    super().f(a)\n    super().f(a)\n", False),
    ("def f(self, a):\n    x = 1\n    return super().f(a)\n", False),
    ("def f(self, a):\n    return super().f(a + 1)\n", False),
    ("def f(self):\n    pass\n", False),
])  # fmt: skip
def test_forwards_to_super_examples(source: str, forwards: bool) -> None:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert ast_helpers.forwards_to_super(node) is forwards
    assert plain_forwards_to_super(node) is forwards


def test_statement_handlers_cover_every_handler() -> None:
    """Each ``_stmt_<Kind>`` the extractor defines is dispatched for the ast node type of that name."""
    handlers = ast_helpers.handlers_by_node_type(extract.Extractor, "_stmt_")
    names = {name[6:] for name in dir(extract.Extractor) if name.startswith("_stmt_")}
    assert {kind.__name__ for kind in handlers} == {name for name in names if hasattr(ast, name)}
    assert handlers[ast.AsyncFunctionDef] is extract.Extractor._stmt_FunctionDef
    assert "Match" in names and (sys.version_info >= (3, 12)) == ("TypeAlias" in {k.__name__ for k in handlers})
