"""Pure questions about ``ast`` nodes that the fact extractor asks: encodings, annotations, stubs, shims."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from ssot_audit.analysis.facts import Expr

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_CATCH_ALL = frozenset({"Exception", "BaseException"})
ATTRIBUTE_ERRORS = frozenset({"AttributeError"})
SYS_MODULES: Expr = ("a", ("n", "sys"), "modules")
# Subscripted annotations whose arguments are the actual types (the rest name their own class: Awaitable[X]).
_WRAPPERS = frozenset({"Optional", "Union", "Annotated", "Final", "ClassVar", "Required", "NotRequired", "ReadOnly"})
# Expressions whose value is a plain object, never an awaitable.
_LITERALS = frozenset({ast.Constant, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.JoinedStr, ast.ListComp, ast.DictComp,
                       ast.SetComp, ast.Compare})  # fmt: skip


# One file's encoded expressions, each kept once: ``self.assertEqual`` written 300 times in a test file is one
# tuple, which pickle then writes once and the main process loads once (measured on django: facts a third smaller
# in memory, a sixth faster to load). Emptied for each file (``start_file``): only one file's pickle shares them.
_INTERNED: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def start_file() -> None:
    """Forget the expressions of the previous file (see ``_INTERNED``)."""
    _INTERNED.clear()


def encode(node: ast.AST, depth: int = 0) -> Expr:
    """The tuple encoding of a name / attribute / call / await chain; None for anything else. Equal encodings of one
    file are one object."""
    kind = type(node)
    if depth > 40:
        return None
    if kind is ast.Name:
        found: tuple[Any, ...] = ("n", node.id)  # type: ignore[attr-defined]
    elif kind is ast.Attribute:
        base = encode(node.value, depth + 1)  # type: ignore[attr-defined]
        if base is None:
            return None
        found = ("a", base, node.attr)  # type: ignore[attr-defined]
    elif kind is ast.Call or kind is ast.Await or kind is ast.Subscript:  # ``Base[Model]``: a generic alias
        inner = encode(node.func if kind is ast.Call else node.value, depth + 1)  # type: ignore[attr-defined]
        if inner is None:
            return None
        found = ("c" if kind is ast.Call else "w" if kind is ast.Await else "i", inner)
    elif kind in _LITERALS:
        found = ("k",)
    else:
        return None
    return _INTERNED.setdefault(found, found)


def annotation_names(node: ast.AST | None, depth: int = 0) -> tuple[str, ...]:
    """Dotted names mentioned in an annotation (``Optional["pkg.Manager"]`` -> ("Optional", "pkg.Manager"))."""
    if node is None or depth > 20:
        return ()
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        base = annotation_names(node.value, depth + 1)
        return (f"{base[0]}.{node.attr}",) if len(base) == 1 and isinstance(node.value, ast.Name | ast.Attribute) else ()
    if isinstance(node, ast.Subscript):
        base = annotation_names(node.value, depth + 1)
        if base and base[0].split(".")[-1] in _WRAPPERS:  # Optional[X] is an X; Awaitable[X] is an Awaitable
            inner = node.slice.elts[:1] if base[0].endswith("Annotated") and isinstance(node.slice, ast.Tuple) else [node.slice]
            return tuple(name for part in inner for name in annotation_names(part, depth + 1))
        return base
    if isinstance(node, ast.Tuple | ast.List):
        return tuple(name for elt in node.elts for name in annotation_names(elt, depth + 1))
    if isinstance(node, ast.BinOp):
        return annotation_names(node.left, depth + 1) + annotation_names(node.right, depth + 1)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
        try:
            parsed = ast.parse(node.value, mode="eval")
        except (SyntaxError, ValueError, RecursionError):
            return ()
        return annotation_names(parsed.body, depth + 1)
    return ()


def is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in sides
    )


def catches(handler: ast.ExceptHandler, kinds: frozenset[str]) -> bool:
    """An ``except`` clause that catches one of ``kinds`` (alone or in a tuple), or everything: a bare ``except``,
    ``Exception``, ``BaseException``."""
    if handler.type is None:
        return True
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {n.id if isinstance(n, ast.Name) else n.attr for n in nodes if isinstance(n, ast.Name | ast.Attribute)}
    return bool(names & (kinds | _CATCH_ALL))


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    """An ``except`` clause that catches a failed import (ImportError, ModuleNotFoundError or broader) and falls
    back to something (its last statement is not a ``raise``): code that expects the import may fail."""
    return catches(handler, _IMPORT_ERRORS) and not (handler.body and isinstance(handler.body[-1], ast.Raise))


def suppresses_import_error(item: ast.withitem) -> bool:
    """``with contextlib.suppress(ImportError):``: the block's imports may fail."""
    call = item.context_expr
    if not isinstance(call, ast.Call) or encode(call.func) not in (("n", "suppress"), ("a", ("n", "contextlib"), "suppress")):
        return False
    names = {n.id if isinstance(n, ast.Name) else n.attr for n in call.args if isinstance(n, ast.Name | ast.Attribute)}
    return bool(names & (_IMPORT_ERRORS | _CATCH_ALL))


def is_name_chain(expr: Expr) -> bool:
    """``a`` / ``a.b.c``: names and attributes only (no call, subscript or await on the way)."""
    while expr is not None and expr[0] == "a":
        expr = expr[1]
    return expr is not None and expr[0] == "n"


def chain_root(expr: Expr) -> str:
    """The first name of a name chain: ``pkg`` for ``pkg.mod.helper``."""
    while expr is not None and expr[0] == "a":
        expr = expr[1]
    return str(expr[1]) if expr is not None and expr[0] == "n" else ""


def mentions_module_name(node: ast.AST) -> bool:
    """The expression reads ``__name__`` (``sys.modules[__name__]``, ``sys.modules[f"{__name__}.sub"]``)."""
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(node))


def _docstring_stripped(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]
    return body


_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "trace"})


def _dotted(expr: ast.expr) -> str:
    """``self._log`` -> "self._log"; "" for anything but a chain of names."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return ""
    return ".".join([expr.id, *reversed(parts)])


def _is_side_note(stmt: ast.stmt) -> bool:
    """A statement a shim may add around ``super()`` without changing what the class does: a logging call, a
    ``warnings.warn`` deprecation, a ``print``, or an instance attribute set to a constant default."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        if isinstance(func, ast.Name):
            return func.id in ("print", "warn")
        if isinstance(func, ast.Attribute):
            owner = _dotted(func.value).lower()
            return (func.attr in _LOG_METHODS and "log" in owner) or (func.attr == "warn" and owner.endswith("warnings"))
        return False
    if isinstance(stmt, ast.Assign | ast.AnnAssign):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        constant = value is None or isinstance(value, ast.Constant) or (
            isinstance(value, ast.List | ast.Dict | ast.Set | ast.Tuple) and not getattr(value, "elts", getattr(value, "keys", []))
        )
        return constant and all(
            isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" for t in targets
        )
    return False


def _is_super_call(value: ast.expr, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``[await] super().<same name>(<the method's own parameters, unchanged>)``."""
    if isinstance(value, ast.Await):
        value = value.value
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == node.name
        and isinstance(value.func.value, ast.Call)
        and isinstance(value.func.value.func, ast.Name)
        and value.func.value.func.id == "super"
        and passes_arguments_through(value, node.args)
    )


def forwards_to_super(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True when the body only calls ``[return] [await] super().<same name>(...)`` with its own arguments, plus side
    notes that change nothing the class does (logging, ``warnings.warn``, constant attribute defaults)."""
    forwards = 0
    for stmt in _docstring_stripped(node.body):  # most bodies fail at their first statement: stop there
        if isinstance(stmt, ast.Return | ast.Expr) and stmt.value is not None and _is_super_call(stmt.value, node):
            forwards += 1
        elif not _is_side_note(stmt):
            return False
    return forwards == 1


def passes_arguments_through(call: ast.Call, args: ast.arguments) -> bool:
    """True when every argument of ``call`` is one of the method's own parameters, unchanged
    (``super().send(message.upper())`` changes behaviour, ``super().send(message)`` does not)."""
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    params.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    values = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
    values += [k.value for k in call.keywords]
    return all(isinstance(v, ast.Name) and v.id in params for v in values)


def is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body of only ``...`` / docstring / ``raise NotImplementedError``: a protocol or abstract signature."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return True
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis:
        return True
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def always_raises(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The exception a body raises on every path ("" when it may return): a top-level ``raise`` that no earlier
    top-level ``return`` can skip (a ``raise`` inside a branch does not count). ``__init__`` doing this makes a
    factory guard."""
    for stmt in _docstring_stripped(node.body):
        if isinstance(stmt, ast.Return):
            return ""
        if isinstance(stmt, ast.Raise):
            if stmt.exc is None:
                return ""
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            return _dotted(exc) or "an exception"
    return ""


def is_trivial(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body that does nothing real: a stub, ``pass``, or ``return`` of a constant, a name or an empty display (what
    test doubles are made of)."""
    if is_stub(node):
        return True
    body = _docstring_stripped(node.body)
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Return):
        value = stmt.value
        return value is None or isinstance(value, ast.Constant | ast.Name) or (
            isinstance(value, ast.List | ast.Tuple | ast.Set | ast.Dict) and not getattr(value, "elts", getattr(value, "keys", []))
        )
    return False


_EXPECTS_RAISE = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesMessage", "suppress",
                            "assertRaisesRegexp"})  # fmt: skip


def expects_raise(item: ast.withitem) -> bool:
    """``with pytest.raises(...)``, ``self.assertRaises(...)``, ``contextlib.suppress(...)``: an exception inside
    the block is expected, not a bug."""
    expr = item.context_expr
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in _EXPECTS_RAISE


def class_body_adds_nothing(node: ast.ClassDef) -> bool:
    """Only ``pass``, ``...``, a docstring, or undecorated methods that just forward to ``super()``; and no base
    written with type arguments: ``class ToonEntity(CoordinatorEntity[ToonCoordinator])`` or ``Generic[T]`` among
    the bases binds the base's type parameters, a typed specialization rather than another name for the base."""
    if any(isinstance(base, ast.Subscript) for base in node.bases):
        return False
    for stmt in node.body:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and not stmt.decorator_list:
            if forwards_to_super(stmt):
                continue
        return False
    return True


# What a compatibility shim says of itself (``Deprecated: kept for backwards compatibility``, ``Alias of ...``, a
# ``RemovedInDjango60Warning``); "depreciated" is a common misspelling (langchain's AzureCognitiveSearchRetriever);
# "instead" alone is not ("handled in the libvirt driver instead of propagating it up": nova's LibvirtEvent)
_COMPAT_WORDS = re.compile(r"deprecat|depreciat|backward|compatib|legacy|\balias|renamed|old name|kept for|"
                           r"\buse \S+ instead|instead use|switch to|removed ?in", re.IGNORECASE)


def purpose_docstring(node: ast.ClassDef) -> bool:
    """The class has a docstring of its own, and neither it nor any other text or name in the class says anything
    of deprecation, compatibility, an alias or a rename: a type written on purpose (nova's
    ``DeviceRemovedEvent(DeviceEvent)``: "Libvirt sends this event after a successful device detach"), not a name
    kept for old imports (django's ``DjangoDivFormRenderer``, whose ``__init__`` warns ``RemovedInDjango60Warning``)."""
    doc = ast.get_docstring(node, clean=False)
    if not (doc and doc.strip()):
        return False
    for child in ast.walk(node):  # a class whose body adds nothing is a few statements
        if isinstance(child, ast.Constant):
            text = child.value
        elif isinstance(child, ast.Name):
            text = child.id
        elif isinstance(child, ast.Attribute):
            text = child.attr
        else:
            continue
        if isinstance(text, str) and _COMPAT_WORDS.search(text):
            return False
    return True


def unique_qualname(qualname: str, taken: dict[str, Any]) -> str:
    """Conditional definitions (``if ...: def f`` / ``else: async def f``) share a qualname; keep both."""
    if qualname not in taken:
        return qualname
    n = 2
    while f"{qualname}#{n}" in taken:
        n += 1
    return f"{qualname}#{n}"


def literal_strings(node: ast.expr) -> list[str] | None:
    """The strings of a list/tuple display of string constants (``__all__ = [...]``); None for anything else."""
    if isinstance(node, ast.List | ast.Tuple):
        values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return values if len(values) == len(node.elts) else None
    return None


_HANDLERS: dict[tuple[type, str], dict[type, Callable[[Any, Any], None]]] = {}


def handlers_by_node_type(cls: type, prefix: str) -> dict[type, Callable[[Any, Any], None]]:
    """ast node type -> the method of ``cls`` named ``prefix`` + that type's name (``_stmt_If`` for ``ast.If``): one
    dictionary look-up per node, not a name built and looked up on the instance. Names of node types this Python
    lacks (``TypeAlias`` before 3.12) are left out."""
    found = _HANDLERS.get((cls, prefix))
    if found is None:
        found = _HANDLERS[(cls, prefix)] = {getattr(ast, name[len(prefix):]): getattr(cls, name) for name in dir(cls)
                                            if name.startswith(prefix) and hasattr(ast, name[len(prefix):])}  # fmt: skip
    return found
