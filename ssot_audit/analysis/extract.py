"""One pass over a parsed file that records its ``ModuleFacts``.

Statements are walked here, recursively (their nesting is shallow); expressions by ``extract_expressions``,
iteratively with an explicit stack, so generated code with thousands of chained operators cannot exhaust the
interpreter's recursion limit.
"""

from __future__ import annotations

import ast
from typing import Any

from ssot_audit.analysis.ast_helpers import (
    ATTRIBUTE_ERRORS, always_raises, annotation_names, catches, catches_import_error, class_body_adds_nothing, encode,
    expects_raise, handlers_by_node_type, is_main_guard, is_stub, is_trivial, is_type_checking,
    literal_strings, purpose_docstring, start_file, suppresses_import_error, unique_qualname,
)
from ssot_audit.analysis.extract_expressions import ExpressionWalker, Scope, freeze_function, frozen, new_record
from ssot_audit.analysis.facts import (
    B_ASSIGN, B_CLASS, B_CLS, B_DEF, B_IMPORT, B_OTHER, B_PARAM, B_SELF, Binding, CallTable, ClassFact, Expr,
    FunctionFact, ImportFact, ModuleFacts, top_level_marks,
)
from ssot_audit.analysis.flow import FlowRecorder, imported_modules, literal_names


class Extractor(ExpressionWalker):
    """Builds ``ModuleFacts`` from one ``ast.Module``; use ``extract_facts``."""

    def __init__(self, lines: int) -> None:
        self.facts = ModuleFacts(lines=lines)
        self.scopes: list[Scope] = [Scope("module", "", {})]
        self.function_scope: Scope | None = None
        self.conditional = 0
        self.type_checking = 0
        self.guarded = 0
        self.attr_guarded = 0  # inside ``try: ... except AttributeError`` (or broader)
        self.main_guard = 0
        self.init_namespace()
        self.flow = FlowRecorder(self.facts)  # guards, stores and patches of the current function
        self._handlers = handlers_by_node_type(type(self), "_stmt_")

    # -- scopes -------------------------------------------------------------------------------------------------
    def _function_scope_fact(self) -> FunctionFact | None:
        scope = self._function_scope()
        return scope.func if scope is not None else None

    def _call_scope(self) -> str:
        scope = self._function_scope()
        return scope.qualname if scope else ""

    def _qualname(self, name: str) -> str:
        top = self.scopes[-1]
        if top.kind == "module":
            return name
        if top.kind == "class":
            return f"{top.qualname}.{name}"
        return f"{top.qualname}.<locals>.{name}"

    def bind(self, name: str, kind: str, value: Any, line: int) -> None:
        """Record a binding of ``name`` in the current scope (in the module scope for ``global`` names)."""
        scope = self.scopes[-1]
        if scope.func is not None and name in scope.globals:
            scope = self.scopes[0]
        scope.bindings.setdefault(name, []).append(new_record(Binding, (kind, value, line, self.conditional > 0)))

    # -- statements ---------------------------------------------------------------------------------------------
    def statements(self, body: list[ast.stmt]) -> None:
        """Walk a block: each statement kind has a ``_stmt_<Kind>`` handler; others only have their expressions."""
        saved_guards = self.flow.guards  # an ``if`` that always exits guards the rest of its block only
        handlers = self._handlers
        for stmt in body:
            handler = handlers.get(type(stmt))
            if handler is not None:
                handler(self, stmt)
            else:
                for child in ast.iter_child_nodes(stmt):
                    if isinstance(child, ast.expr):
                        self.expression(child, "other")
        self.flow.guards = saved_guards

    def _nested(self, body: list[ast.stmt], *, conditional: int = 1, guarded: int = 0, type_checking: int = 0,
                attr_guarded: int = 0) -> None:  # fmt: skip
        self.conditional += conditional
        self.guarded += guarded
        self.type_checking += type_checking
        self.attr_guarded += attr_guarded
        self.statements(body)
        self.conditional -= conditional
        self.guarded -= guarded
        self.type_checking -= type_checking
        self.attr_guarded -= attr_guarded

    def _stmt_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.expression(decorator, "other")
        args = node.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.expression(default, "other")
        outer = self.scopes[-1]
        qualname = unique_qualname(self._qualname(node.name), self.facts.functions)
        decorators = tuple(encode(d) for d in node.decorator_list)
        overload = any(d is not None and d[-1] == "overload" for d in decorators)
        params = [a.arg for a in (*args.posonlyargs, *args.args)]
        if args.vararg:
            params.append(args.vararg.arg)
        params.extend(a.arg for a in args.kwonlyargs)
        if args.kwarg:
            params.append(args.kwarg.arg)
        enclosing = self._function_scope()
        fact = FunctionFact(
            name=node.name,
            qualname=qualname,
            line=node.lineno,
            col=node.col_offset,
            end_line=node.end_lineno or node.lineno,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            decorators=decorators,
            params=tuple(params),
            returns=annotation_names(node.returns),
            class_qualname=outer.qualname if outer.kind == "class" else "",
            parent=enclosing.qualname if enclosing else "",  # methods of a local class see its closure too
            is_stub=is_stub(node),
            always_raises=always_raises(node),
            is_trivial=is_trivial(node),
            is_abstract=any(d is not None and d[-1] in ("abstractmethod", "abstractproperty") for d in decorators),
        )
        self.facts.functions[qualname] = fact
        if outer.kind == "class" and outer.cls is not None and not overload:
            if node.name in outer.cls.methods:  # ``if ...: async def m`` / ``else: def m``: both may run
                variants = outer.cls.method_variants.setdefault(node.name, [outer.cls.methods[node.name]])
                variants.append(qualname)
            outer.cls.methods[node.name] = qualname
        if outer.kind != "class" and not overload:  # at run time the implementation replaces its overloads
            self.bind(node.name, B_DEF, qualname, node.lineno)
        if node.name == "__getattr__" and outer.kind == "module":
            self.facts.has_getattr = True
        scope = Scope("function", qualname, {}, func=fact)
        self._bind_params(node, fact, outer, scope)
        self.flow.decorator_patches(node, qualname)
        saved = (self.conditional, self.type_checking, self.guarded, self.attr_guarded)
        self.conditional = self.type_checking = self.guarded = self.attr_guarded = 0
        flow = self.flow.enter_function()
        self.scopes.append(scope)
        self.function_scope = scope
        self.statements(node.body)
        self.function_scope = enclosing
        self.scopes.pop()
        self.conditional, self.type_checking, self.guarded, self.attr_guarded = saved
        self.flow.leave_function(flow)
        freeze_function(scope)

    _stmt_AsyncFunctionDef = _stmt_FunctionDef

    def _bind_params(self, node: ast.FunctionDef | ast.AsyncFunctionDef, fact: FunctionFact, outer: Scope,
                     scope: Scope) -> None:  # fmt: skip
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        decorator_names = {d[-1] for d in fact.decorators if d is not None and d[0] == "n"}
        first_kind = None
        if outer.kind == "class" and positional and "staticmethod" not in decorator_names:
            first_kind = B_CLS if ("classmethod" in decorator_names or node.name in ("__new__", "__init_subclass__")) else B_SELF
        for i, arg in enumerate([*positional, *args.kwonlyargs]):
            if i == 0 and first_kind is not None:
                scope.bindings[arg.arg] = [Binding(first_kind, outer.qualname, node.lineno)]
            else:
                names = annotation_names(arg.annotation)
                scope.bindings[arg.arg] = [new_record(Binding, (B_PARAM, names, node.lineno, False))]
        for star in (args.vararg, args.kwarg):
            if star is not None:
                scope.bindings[star.arg] = [Binding(B_OTHER, None, node.lineno)]

    def _stmt_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.expression(expr, "other")
        qualname = unique_qualname(self._qualname(node.name), self.facts.classes)
        enclosing = self._function_scope()
        fact = ClassFact(
            name=node.name,
            qualname=qualname,
            line=node.lineno,
            col=node.col_offset,
            end_line=node.end_lineno or node.lineno,
            bases=tuple(encode(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases),
            keywords={k.arg: encode(k.value) for k in node.keywords if k.arg},
            decorators=tuple(encode(d) for d in node.decorator_list),
            scope=enclosing.qualname if enclosing else "",
        )
        if class_body_adds_nothing(node):
            fact.body_adds_nothing, fact.purpose_doc = True, purpose_docstring(node)
        self.facts.classes[qualname] = fact
        self.bind(node.name, B_CLASS, qualname, node.lineno)
        self.flow.decorator_patches(node, qualname)
        class_bindings: dict[str, list[Binding]] = {}
        saved = self.conditional
        self.conditional = 0
        self.scopes.append(Scope("class", qualname, class_bindings, cls=fact))
        self.statements(node.body)
        self.scopes.pop()
        self.conditional = saved
        for name, bindings in class_bindings.items():
            fact.class_attrs[name] = tuple(b.value if b.kind == B_ASSIGN else None for b in bindings)

    def _import_fact(self, line: int, col: int, module: str, level: int, name: str | None, asname: str | None) -> None:
        fact = ImportFact(
            line=line,
            col=col,
            module=module,
            level=level,
            name=name,
            asname=asname,
            scope=self._call_scope(),
            type_checking=self.type_checking > 0,
            guarded=self.guarded > 0,
            conditional=self.conditional > 0,
            main_guard=self.main_guard > 0,
        )
        self.facts.imports.append(fact)
        if name != "*":
            self.bind(fact.bound, B_IMPORT, len(self.facts.imports) - 1, line)

    def _stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            line = getattr(alias, "lineno", node.lineno)
            self._import_fact(line, getattr(alias, "col_offset", node.col_offset), alias.name, 0, None, alias.asname)

    def _stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "__future__":
            return
        for alias in node.names:
            line = getattr(alias, "lineno", node.lineno)
            col = getattr(alias, "col_offset", node.col_offset)
            self._import_fact(line, col, node.module or "", node.level, alias.name, alias.asname)

    def _stmt_Assign(self, node: ast.Assign) -> None:
        self.expression(node.value, "assign", target=encode(node.targets[0]))
        for target in node.targets:
            self._bind_target(target, node.value, node.lineno)
            if type(target) is ast.Name and (self.flow.names or type(node.value) is ast.Call):
                self.flow.assigned(target.id, node.value)

    def _stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        scope = self.scopes[-1]
        if node.value is not None:
            self.expression(node.value, "assign", target=encode(node.target))
        if isinstance(node.target, ast.Name):
            if node.value is not None:
                self._bind_target(node.target, node.value, node.lineno)
            elif scope.kind == "class" and scope.cls is not None:
                scope.cls.attr_types.setdefault(node.target.id, []).append(("", ("ann", annotation_names(node.annotation))))
        elif isinstance(node.target, ast.Attribute):
            self._record_self_attr(node.target, ("ann", annotation_names(node.annotation)))
            if node.value is not None:
                self._bind_target(node.target, node.value, node.lineno)

    def _stmt_AugAssign(self, node: ast.AugAssign) -> None:
        self.expression(node.value, "other")
        if isinstance(node.target, ast.Name) and node.target.id == "__all__" and len(self.scopes) == 1:
            names = literal_strings(node.value)
            if names is None:
                self.facts.dunder_all = None  # extended with names we cannot list: treat as unknown
            elif self.facts.dunder_all is not None:
                self.facts.dunder_all.extend(names)
        elif not isinstance(node.target, ast.Name):
            self.expression(node.target, "other")
        elif node.target.id == "__path__":
            self.facts.dynamic_namespace = True  # ``__path__ += [...]``: submodules may come from anywhere

    def _record_self_attr(self, target: ast.Attribute, value: Any) -> None:
        function = self.scopes[-1]
        if function.kind != "function" or function.func is None or not function.func.class_qualname:
            return
        base = target.value
        first = function.func.params[0] if function.func.params else None
        if isinstance(base, ast.Name) and base.id == first:
            cls = self.facts.classes.get(function.func.class_qualname)
            if cls is not None:
                cls.attr_types.setdefault(target.attr, []).append((function.qualname, value))

    def _bind_target(self, target: ast.expr, value: ast.expr, line: int) -> None:
        if isinstance(target, ast.Name):
            encoded = encode(value)
            if type(value) is ast.Call and encoded is not None and encoded[1][-1] == "import_module":
                encoded = imported_modules(value, self.flow.loops) or encoded
            self.bind(target.id, B_ASSIGN if encoded is not None else B_OTHER, encoded, line)
            if target.id == "__all__" and len(self.scopes) == 1:
                self.facts.dunder_all = literal_strings(value)
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self._bind_names_other(elt, line)
        elif isinstance(target, ast.Attribute):
            encoded = encode(value)
            self._record_self_attr(target, encoded)
            self.note_store(target, self._call_scope())
            self.expression(target.value, "other")
            self.flow.store(target, encoded, line, self._function_scope_fact(), self.conditional > 0)
        elif isinstance(target, ast.Subscript):
            self.note_subscript(target, store=True)
            self.expression(target.value, "other")
            self.expression(target.slice, "other")
        elif isinstance(target, ast.Starred):
            self._bind_names_other(target.value, line)

    def _bind_names_other(self, target: ast.expr, line: int) -> None:
        if type(target) is ast.Name:  # the common loop or ``with`` target: no walk
            if type(target.ctx) is ast.Store:
                self.bind(target.id, B_OTHER, None, line)
            return
        for node in ast.walk(target):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.bind(node.id, B_OTHER, None, line)

    def _stmt_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Constant):
            self.expression(node.value, "stmt")

    def _stmt_Return(self, node: ast.Return) -> None:
        if node.value is not None:
            scope = self._function_scope()
            if scope is not None and scope.func is not None:
                scope.returns.append(encode(node.value))
            self.expression(node.value, "return")

    def _stmt_If(self, node: ast.If) -> None:
        self.expression(node.test, "other")
        guarding = self.flow.branches(node) if self.scopes[-1].func is not None else None
        if guarding is not None:  # a coroutine-function or hasattr test: each branch knows what it proves
            for guards, body in guarding[0]:
                self.flow.guards = guards
                self._nested(body)
            self.flow.guards = guarding[1]
        elif is_type_checking(node.test):
            self._nested(node.body, type_checking=1)
        elif is_main_guard(node.test):
            self.facts.has_main_guard = self.facts.has_main_guard or len(self.scopes) == 1
            self.main_guard += 1
            self._nested(node.body)
            self.main_guard -= 1
        else:
            self._nested(node.body)
        if guarding is None:
            self._nested(node.orelse)

    def _stmt_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.expression(node.iter, "iter")
        self._bind_names_other(node.target, node.lineno)
        names = literal_names(node.iter) if isinstance(node.target, ast.Name) else None
        if names is not None:  # ``for name in ("pkg.a", "pkg.b"): import_module(name)``
            self.flow.loops[node.target.id] = names  # type: ignore[attr-defined]
        self._nested(node.body)
        if names is not None:
            self.flow.loops.pop(node.target.id, None)  # type: ignore[attr-defined]
        self._nested(node.orelse)

    _stmt_AsyncFor = _stmt_For

    def _stmt_While(self, node: ast.While) -> None:
        self.expression(node.test, "other")
        self._nested(node.body)
        self._nested(node.orelse)

    def _stmt_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.expression(item.context_expr, "with")
            if item.optional_vars is not None:
                self._bind_names_other(item.optional_vars, node.lineno)
        guarded = int(any(suppresses_import_error(item) for item in node.items))
        self.guarded += guarded
        if node.body and any(expects_raise(item) for item in node.items):
            self.facts.raise_spans.append((node.body[0].lineno, node.end_lineno or node.lineno))
        self.statements(node.body)
        self.guarded -= guarded

    _stmt_AsyncWith = _stmt_With

    def _stmt_Try(self, node: ast.Try) -> None:
        guarded = int(any(catches_import_error(h) for h in node.handlers))
        if node.handlers and node.body:
            self.facts.raise_spans.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
        attr_guarded = int(any(catches(h, ATTRIBUTE_ERRORS) for h in node.handlers))
        self._nested(node.body, guarded=guarded, attr_guarded=attr_guarded)
        for handler in node.handlers:
            if handler.type is not None:
                self.expression(handler.type, "other")
            if handler.name:
                self.bind(handler.name, B_OTHER, None, handler.lineno)
            self._nested(handler.body, guarded=guarded)
        self._nested(node.orelse)
        self._nested(node.finalbody)

    _stmt_TryStar = _stmt_Try

    def _stmt_Global(self, node: ast.Global) -> None:
        scope = self._function_scope()
        if scope is not None and scope.func is not None:
            scope.globals.extend(node.names)


def extract_facts(tree: ast.Module, lines: int, size: int = 0) -> ModuleFacts:
    """The facts of one parsed module (``size``: of the file in bytes, 0 when unknown)."""
    start_file()
    extractor = Extractor(lines)
    extractor.statements(tree.body)
    extractor.facts.bindings = frozen(extractor.scopes[0].bindings)
    extractor.facts.calls = CallTable.of_columns(extractor.flow.call_refs, extractor.flow.call_ints)
    extractor.finish_namespace()
    extractor.facts.top_level = top_level_marks(size, [(s.end_lineno or s.lineno, type(s) is ast.ImportFrom)
                                                       for s in tree.body])  # fmt: skip
    return extractor.facts
