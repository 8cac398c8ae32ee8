"""Seeded random *interface edits* of a project's modules, for the truth test of the dependency record
(``tests/trace_truth.py``): each edit renames, adds or removes module-level names the way people edit real code.

An edit is made from a module's source text and what the project imports from it, with ``ast`` (positions) and
plain text (the edit itself), so it applies to any project, real code included. A kind that finds nothing to edit
in the module chosen gives None: the caller tries another module.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ssot_audit.analysis.discovery import is_test_path
from ssot_audit.analysis.index import ProjectIndex


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit of one file: what a report needs to reproduce it (module, kind, name) and the new text."""

    relpath: str
    module: str
    kind: str
    name: str
    new_text: str


@dataclass(frozen=True, slots=True)
class Target:
    """A module to edit: its text, tree, and the names other modules import from it (``from module import name``)."""

    relpath: str
    module: str
    text: str
    tree: ast.Module
    imported: frozenset[str]
    others: tuple[str, ...]  # other modules of the project, for the imports an edit adds
    exports: Mapping[str, tuple[str, ...]]  # other modules' module-level names, for the names an import adds


def imported_names(index: ProjectIndex) -> dict[str, set[str]]:
    """For each module, the names other modules import from it (absolute module of each ``from`` import)."""
    found: dict[str, set[str]] = {}
    for info in index.iter_modules():
        for imp in info.facts.imports:
            if imp.name and imp.name != "*":
                found.setdefault(index.absolute_import_module(info.name, imp), set()).add(imp.name)
    return found


def _top_functions(t: Target) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [s for s in t.tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]


def _lines(t: Target) -> list[str]:
    return t.text.splitlines(keepends=True)


def _without(t: Target, first: int, last: int, instead: str = "") -> str:
    """The text with lines ``first``..``last`` (1-based) replaced by ``instead``."""
    lines = _lines(t)
    return "".join(lines[: first - 1]) + instead + "".join(lines[last:])


def _import_line(t: Target) -> int:
    """The line after which a module-level import can go: after the last top-level import, else the docstring."""
    at = 0
    for i, stmt in enumerate(t.tree.body):
        if isinstance(stmt, ast.Import | ast.ImportFrom) or (i == 0 and isinstance(stmt, ast.Expr)):
            at = stmt.end_lineno or at
    return at


def rename_def(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A module-level function's ``def`` renamed (its uses in the file left: they now name nothing or a global)."""
    funcs = _top_functions(t)
    if not funcs:
        return None
    f = rng.choice(funcs)
    lines = _lines(t)
    line = lines[f.lineno - 1]
    new_line = re.sub(rf"\bdef {re.escape(f.name)}\b", f"def {f.name}_r{n}", line, count=1)
    if new_line == line:
        return None
    return Edit(t.relpath, t.module, "rename-def", f.name, _without(t, f.lineno, f.lineno, new_line))


def rename_everywhere(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A module-level function renamed with every use of its name in the file."""
    funcs = _top_functions(t)
    if not funcs:
        return None
    name = rng.choice(funcs).name
    return Edit(t.relpath, t.module, "rename-all", name, re.sub(rf"\b{re.escape(name)}\b", f"{name}_r{n}", t.text))


def add_function(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A module-level function added at the end (returning a name of the module, or a constant)."""
    body = rng.choice(["None", *sorted(_bound(t))[:5]])
    text = t.text.rstrip("\n") + f"\n\n\ndef added_{n}():\n    return {body}\n"
    return Edit(t.relpath, t.module, "add-function", f"added_{n}", text)


def add_constant(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A module-level constant added at the end; half the time named like a name others import from elsewhere."""
    name = f"ADDED_{n}"
    return Edit(t.relpath, t.module, "add-constant", name, t.text.rstrip("\n") + f"\n\n{name} = {n}\n")


def _bound(t: Target) -> dict[str, ast.stmt]:
    """Module-level names bound by exactly one simple statement that binds nothing else."""
    found: dict[str, ast.stmt] = {}
    for stmt in t.tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            found[stmt.targets[0].id] = stmt
        elif isinstance(stmt, ast.ImportFrom) and len(stmt.names) == 1 and stmt.names[0].name != "*":
            found[stmt.names[0].asname or stmt.names[0].name] = stmt
    return found


def remove_imported(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A module-level name another module imports removed (its whole statement, decorators included)."""
    bound = _bound(t)
    names = sorted(set(bound) & t.imported)
    if not names:
        return None
    name = rng.choice(names)
    stmt = bound[name]
    first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
    return Edit(t.relpath, t.module, "remove-imported", name, _without(t, first, stmt.end_lineno or stmt.lineno, "pass\n"))


def add_import(t: Target, rng: random.Random, n: int) -> Edit | None:
    """An import of another project module (``import m`` or ``from m import name``) added at module level."""
    if not t.others:
        return None
    other = rng.choice(t.others)
    line = f"import {other}\n" if rng.random() < 0.5 else f"from {other} import helper_{n}\n"
    at = _import_line(t)
    return Edit(t.relpath, t.module, "add-import", other, _without(t, at + 1, at, line))


def add_local_import(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A function-local import of another module's name: half the time as the first statement of a module-level
    function (which the classifier refuses today: the function's locals change with the imports), else in a new
    function that calls what it imports."""
    funcs = [f for f in _top_functions(t) if f.body[0].lineno > f.lineno]
    choices = [(m, name) for m, names in t.exports.items() for name in names]
    if not choices:
        return None
    other, name = rng.choice(sorted(choices))
    if funcs and rng.random() < 0.5:
        f = rng.choice(funcs)
        first = f.body[0]
        at = first.end_lineno if isinstance(first, ast.Expr) and len(f.body) > 1 else first.lineno - 1
        line = " " * first.col_offset + f"from {other} import {name}\n"
        return Edit(t.relpath, t.module, "add-local-import", f.name, _without(t, (at or 0) + 1, at or 0, line))
    text = t.text.rstrip("\n") + f"\n\n\ndef local_{n}():\n    from {other} import {name}\n    return {name}()\n"
    return Edit(t.relpath, t.module, "add-local-import", f"local_{n}", text)


def change_all(t: Target, rng: random.Random, n: int) -> Edit | None:
    """``__all__`` changed: a name taken from or added to a literal list, or an ``__all__`` added."""
    bound = sorted(_bound(t))
    for stmt in t.tree.body:
        if (isinstance(stmt, ast.Assign) and any(isinstance(x, ast.Name) and x.id == "__all__" for x in stmt.targets)
                and isinstance(stmt.value, ast.List | ast.Tuple)):  # fmt: skip
            names = [e.value for e in stmt.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(names) != len(stmt.value.elts):
                return None
            extra = [b for b in bound if b not in names and b != "__all__"]
            if names and (not extra or rng.random() < 0.5):
                name = names.pop(rng.randrange(len(names)))
            elif extra:
                name = rng.choice(extra)
                names.append(name)
            else:
                return None
            return Edit(t.relpath, t.module, "change-all", name,
                        _without(t, stmt.lineno, stmt.end_lineno or stmt.lineno, f"__all__ = {names!r}\n"))  # fmt: skip
    public = [b for b in bound if not b.startswith("_")]
    text = t.text.rstrip("\n") + f"\n\n__all__ = {public!r}\n"
    return Edit(t.relpath, t.module, "add-all", ",".join(public), text)


def mend_import(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A name another module imports from this one but that it did not bind, added (a broken import mended)."""
    missing = sorted(t.imported - set(_bound(t)) - _all_bound(t))
    if not missing:
        return None
    name = rng.choice(missing)
    return Edit(t.relpath, t.module, "mend-import", name, t.text.rstrip("\n") + f"\n\n\ndef {name}():\n    return None\n")


def _all_bound(t: Target) -> set[str]:
    """Every name the module binds at module level, however (an over-approximation: nested statements too)."""
    names: set[str] = set()
    for node in ast.walk(t.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def remove_reexport(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A name others import from this module, which it imports from elsewhere, taken out of its ``from`` import."""
    options = [(stmt, a) for stmt in t.tree.body if isinstance(stmt, ast.ImportFrom)
               for a in stmt.names if (a.asname or a.name) in t.imported]  # fmt: skip
    if not options:
        return None
    stmt, alias = rng.choice(options)
    if ";" in "".join(_lines(t)[stmt.lineno - 1 : stmt.end_lineno]):
        return None
    rest = [a for a in stmt.names if a is not alias]
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in rest)
    line = f"from {'.' * stmt.level}{stmt.module or ''} import {names}\n" if rest else "pass\n"
    return Edit(t.relpath, t.module, "remove-reexport", alias.asname or alias.name,
                _without(t, stmt.lineno, stmt.end_lineno or stmt.lineno, line))  # fmt: skip


def _methods(t: Target) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The methods of the module's classes (defined in a class body), nested classes' included."""
    return [f for node in ast.walk(t.tree) if isinstance(node, ast.ClassDef)
            for f in node.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]  # fmt: skip


def method_parameter(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A parameter with a default added after a method's last positional one (``def f(self, a, extra_N=None)``)."""
    options = [f for f in _methods(t) if f.args.args and not (f.args.vararg or f.args.kwonlyargs or f.args.kwarg)]
    if not options:
        return None
    f = rng.choice(options)
    last = f.args.defaults[-1] if f.args.defaults else f.args.args[-1]
    lines = _lines(t)
    line = lines[(last.end_lineno or last.lineno) - 1]
    at = last.end_col_offset or 0
    new_line = line[:at] + f", extra_{n}=None" + line[at:]
    return Edit(t.relpath, t.module, "method-parameter", f.name, _without(t, last.end_lineno or last.lineno,
                                                                          last.end_lineno or last.lineno, new_line))


def method_return(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A one-line ``return <value>`` of a method made to return something else (an attribute of ``self``, a module
    name, or a call of one)."""
    options = [(f, r) for f in _methods(t) for r in ast.walk(f)
               if isinstance(r, ast.Return) and r.value is not None and r.lineno == r.end_lineno]  # fmt: skip
    if not options:
        return None
    f, r = rng.choice(options)
    value = rng.choice([f"self.changed_{n}", *(f"{name}()" for name in sorted(_bound(t))[:3]), *sorted(_bound(t))[:3]])
    line = _lines(t)[r.lineno - 1]
    assert r.value is not None
    new_line = line[:r.value.col_offset] + value + line[r.value.end_col_offset or 0:]
    return Edit(t.relpath, t.module, "method-return", f.name, _without(t, r.lineno, r.lineno, new_line))


def _method_start(f: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The first line of a method's statement (its first decorator's)."""
    return min([f.lineno, *(d.lineno for d in f.decorator_list)])


def method_add(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A method added to a class above one of its methods, calling another of them (a test written)."""
    options = _methods(t)
    if not options:
        return None
    f = rng.choice(options)
    indent = " " * f.col_offset
    other = rng.choice(options).name
    start = _method_start(f)
    method = f"{indent}def added_{n}(self):\n{indent}    return self.{other}()\n\n"
    return Edit(t.relpath, t.module, "method-add", f"added_{n}", _without(t, start, start - 1, method))


def async_add(t: Target, rng: random.Random, n: int) -> Edit | None:
    """An ``async def`` method added to a class above one of its methods, awaiting another of them (an async test
    written: the call readers' table of async defs changes, ``kept_calls``)."""
    found = method_add(t, rng, n)
    if found is None:
        return None
    text = re.sub(rf"def added_{n}\(self\):\n(\s*)return self\.", rf"async def added_{n}(self):\n\1return await self.",
                  found.new_text, count=1)  # fmt: skip
    return Edit(found.relpath, found.module, "async-add", found.name, text)


def method_rename(t: Target, rng: random.Random, n: int, kind: str = "method-rename",
                  which: Callable[[str], bool] = lambda name: not name.startswith("__")) -> Edit | None:  # fmt: skip
    """A method's ``def`` renamed (its callers left: they now name nothing, or the same name of a base); ``which``:
    the names that may be."""
    options = [f for f in _methods(t) if which(f.name)]
    if not options:
        return None
    f = rng.choice(options)
    line = _lines(t)[f.lineno - 1]
    new_line, count = re.subn(rf"\bdef {re.escape(f.name)}\(", f"def {f.name}_r{n}(", line, count=1)
    if not count:
        return None
    return Edit(t.relpath, t.module, kind, f.name, _without(t, f.lineno, f.lineno, new_line))


def method_remove(t: Target, rng: random.Random, n: int, kind: str = "method-remove",
                  which: Callable[[str], bool] = lambda name: True) -> Edit | None:  # fmt: skip
    """A method removed (decorators included) from a class that keeps another statement; ``which`` as above."""
    classes = [node for node in ast.walk(t.tree) if isinstance(node, ast.ClassDef) and len(node.body) > 1]
    options = [f for c in classes for f in c.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
               and which(f.name)]  # fmt: skip
    if not options:
        return None
    f = rng.choice(options)
    return Edit(t.relpath, t.module, kind, f.name, _without(t, _method_start(f), f.end_lineno or f.lineno))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")


def private_add(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A private method added to a class above one of its methods, calling another of them (a helper written)."""
    found = method_add(t, rng, n)
    if found is None:
        return None
    text = found.new_text.replace(f"def added_{n}(self):", f"def _added_{n}(self):", 1)
    return Edit(found.relpath, found.module, "private-add", f"_added_{n}", text)


def private_rename(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A private method's ``def`` renamed (its callers left)."""
    return method_rename(t, rng, n, "private-rename", _private)


def private_remove(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A private method removed from a class that keeps another statement."""
    return method_remove(t, rng, n, "private-remove", _private)


def method_async(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A method (no dunder) made ``async``, or an ``async`` one without ``await``, ``async for`` or ``async with``
    made sync (a migration to asyncio: its callers are left as they were)."""
    options = [f for f in _methods(t) if not f.name.startswith("__") and not any(
        isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith) for node in ast.walk(f))]  # fmt: skip
    if not options:
        return None
    f = rng.choice(options)
    line = _lines(t)[f.lineno - 1]
    old, new = ("async def ", "def ") if isinstance(f, ast.AsyncFunctionDef) else ("def ", "async def ")
    at = line.find(old + f.name + "(")
    if at < 0:
        return None
    new_line = line[:at] + new + line[at + len(old):]
    return Edit(t.relpath, t.module, "method-async", f.name, _without(t, f.lineno, f.lineno, new_line))


def local_rebind(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A local variable its function reads assigned something else on its one-line ``name = value`` (``engine =
    Engine()`` made ``engine = make_engine()``, a module name, or a constant): what the name resolves to in the
    function changes, and nothing at module level (``interface_change``: the function is changed)."""
    options = []
    for f in ast.walk(t.tree):
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef):
            read = {node.id for node in ast.walk(f) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
            options += [(f, a) for a in ast.walk(f) if isinstance(a, ast.Assign) and len(a.targets) == 1
                        and isinstance(a.targets[0], ast.Name) and a.targets[0].id in read and a.lineno == a.end_lineno]
    if not options:
        return None
    f, a = rng.choice(options)
    bound = sorted(_bound(t))[:4]
    value = rng.choice([*(f"{name}()" for name in bound), *bound, str(n), "None"])
    line = _lines(t)[a.lineno - 1]
    new_line = line[:a.value.col_offset] + value + line[a.value.end_col_offset or 0:]
    if new_line == line:
        return None
    name = a.targets[0].id  # type: ignore[attr-defined]
    return Edit(t.relpath, t.module, "local-rebind", f"{f.name} {name}", _without(t, a.lineno, a.lineno, new_line))


def module_call(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A call outside function bodies: a statement calling a function of the module (or ``print``) added at the
    end, or an argument added to a module-level function's decorator call (``@pytest.mark.parametrize(...)``)."""
    decorated = [(f, d) for f in _top_functions(t) for d in f.decorator_list
                 if isinstance(d, ast.Call) and d.lineno == d.end_lineno]  # fmt: skip
    if decorated and rng.random() < 0.3:
        f, d = rng.choice(decorated)
        line = _lines(t)[d.lineno - 1]
        at = (d.end_col_offset or 1) - 1  # before the closing parenthesis
        new_line = line[:at] + (", " if d.args or d.keywords else "") + f"extra_{n}=1" + line[at:]
        return Edit(t.relpath, t.module, "module-call", f.name, _without(t, d.lineno, d.lineno, new_line))
    callee = rng.choice([f.name for f in _top_functions(t)] or ["print"])
    return Edit(t.relpath, t.module, "module-call", callee, t.text.rstrip("\n") + f"\n\n{callee}({n})\n")


def _class_start(c: ast.ClassDef) -> int:
    """The first line of a class's statement (its first decorator's)."""
    return min([c.lineno, *(d.lineno for d in c.decorator_list)])


def class_add(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A class of test code added (a test case written), last or above another class of the module: deriving from
    one of its classes or from none, with a test that calls or awaits a name of the module (``await`` on a plain
    function is the module's own SSOT401)."""
    if not is_test_path(t.relpath):
        return None
    classes = [s for s in t.tree.body if isinstance(s, ast.ClassDef)]
    base = rng.choice(["", *(c.name for c in classes)])
    callee = rng.choice(sorted(_bound(t))[:6] or ["print"])
    test = rng.choice([f"    def test_added_{n}(self):\n        return {callee}()\n",
                       f"    async def test_added_{n}(self):\n        await {callee}()\n"])
    block = f"class Added{n}Test{f'({base})' if base else ''}:\n{test}"
    if classes and rng.random() < 0.5:
        start = _class_start(rng.choice(classes))
        return Edit(t.relpath, t.module, "class-add", f"Added{n}Test", _without(t, start, start - 1, block + "\n\n"))
    return Edit(t.relpath, t.module, "class-add", f"Added{n}Test", t.text.rstrip("\n") + "\n\n\n" + block)


def class_remove(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A top-level class of test code removed (decorators included) from a module that keeps another statement (a
    test case deleted: what named it is left as it was)."""
    classes = [s for s in t.tree.body if isinstance(s, ast.ClassDef)]
    if not is_test_path(t.relpath) or not classes or len(t.tree.body) < 2:
        return None
    c = rng.choice(classes)
    return Edit(t.relpath, t.module, "class-remove", c.name, _without(t, _class_start(c), c.end_lineno or c.lineno))


def name_move(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A one-line module-level assignment moved below the module's imports (a constant gathered with the others at
    the top): the name it binds changes places among the module's names, nothing else of it changes."""
    at = _import_line(t)
    options = [s for s in t.tree.body if isinstance(s, ast.Assign) and len(s.targets) == 1
               and isinstance(s.targets[0], ast.Name) and s.lineno == s.end_lineno and s.lineno > at + 1]  # fmt: skip
    if not options:
        return None
    moved = rng.choice(options)
    lines = _lines(t)
    text = "".join([*lines[:at], lines[moved.lineno - 1], *lines[at:moved.lineno - 1], *lines[moved.lineno:]])
    return Edit(t.relpath, t.module, "name-move", moved.targets[0].id, text)  # type: ignore[attr-defined]


def line_comment(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A comment put at the end of a one-line module-level assignment: the line changed, so the binding's position
    is not one a line map moves; nothing else of it changed (``InterfaceChange.placed``)."""
    options = [s for s in t.tree.body if isinstance(s, ast.Assign) and s.lineno == s.end_lineno]
    if not options:
        return None
    stmt = rng.choice(options)
    line = _lines(t)[stmt.lineno - 1].rstrip("\n")
    name = stmt.targets[0].id if isinstance(stmt.targets[0], ast.Name) else ""
    return Edit(t.relpath, t.module, "line-comment", name, _without(t, stmt.lineno, stmt.lineno, f"{line}  # {n}\n"))


def decorator(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A decorator written above a method of test code or a private one (a test mark, ``property``, ``staticmethod``,
    ``functools.cache``) or, a time in four, above a top-level class of test code (a test case marked): the edits
    the interface path may take (the model compares production classes' public methods and reads their
    decorators)."""
    test = is_test_path(t.relpath)
    classes = [s for s in t.tree.body if isinstance(s, ast.ClassDef)] if test else []
    if classes and rng.random() < 0.25:
        c = rng.choice(classes)
        line = f"@mark_{n}\n"
        start = _class_start(c)
        return Edit(t.relpath, t.module, "decorator", c.name, _without(t, start, start - 1, line))
    options = [f for f in _methods(t) if test or _private(f.name)]
    if not options:
        return None
    f = rng.choice(options)
    indent = " " * f.col_offset
    deco = rng.choice(["property", "staticmethod", "functools.cache", f"pytest.mark.skip(reason='{n}')"])
    start = _method_start(f)
    return Edit(t.relpath, t.module, "decorator", f.name, _without(t, start, start - 1, f"{indent}@{deco}\n"))


def class_attr(t: Target, rng: random.Random, n: int) -> Edit | None:
    """A class attribute added to a class (a constant, a Django model's field: public, upper-case or private, or
    named like a method of the module's classes, which it may shadow), after its docstring, or the value of a
    one-line one changed (another name of the module, a constant): what member lookups of it answer changes."""
    classes = [node for node in ast.walk(t.tree) if isinstance(node, ast.ClassDef) and node.body]
    if not classes:
        return None
    c = rng.choice(classes)
    attrs = [s for s in c.body if isinstance(s, ast.Assign) and len(s.targets) == 1
             and isinstance(s.targets[0], ast.Name) and s.lineno == s.end_lineno]  # fmt: skip
    value = rng.choice([str(n), "None", *sorted(_bound(t))[:4]])
    if attrs and rng.random() < 0.5:
        a = rng.choice(attrs)
        line = _lines(t)[a.lineno - 1]
        new_line = line[:a.value.col_offset] + value + line[a.value.end_col_offset or 0:]
        name = a.targets[0].id  # type: ignore[attr-defined]
        return Edit(t.relpath, t.module, "class-attr", name, _without(t, a.lineno, a.lineno, new_line))
    first = c.body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    at = (first.end_lineno or first.lineno) if docstring else min([first.lineno, *(
        d.lineno for d in getattr(first, "decorator_list", ()))]) - 1  # fmt: skip
    shadowed = sorted({f.name for f in _methods(t) if not f.name.startswith("__")})[:4]  # a method it shadows
    name = rng.choice([f"ADDED_{n}", f"added_{n}", f"_added_{n}", *shadowed])
    return Edit(t.relpath, t.module, "class-attr", name,
                _without(t, at + 1, at, f"{' ' * first.col_offset}{name} = {value}\n"))


def instance_attr(t: Target, rng: random.Random, n: int) -> Edit | None:
    """An instance attribute assigned in a method (``self.name = value`` as its first statement: public, private, or
    named like one the class has already): what lookups of it on instances answer, and what a facade holds
    (``Similarity.held``), change."""
    options = [f for f in _methods(t) if f.args.args and f.body and not isinstance(f.body[0], ast.Expr)]
    if not options:
        return None
    f = rng.choice(options)
    first = f.body[0]
    names = sorted({a.attr for node in ast.walk(t.tree) for a in [node] if isinstance(a, ast.Attribute)
                    and isinstance(a.value, ast.Name) and a.value.id == "self"})[:3]  # fmt: skip
    name = rng.choice([f"added_{n}", f"_added_{n}", *names])
    value = rng.choice([str(n), "None", *sorted(_bound(t))[:4]])
    line = f"{' ' * first.col_offset}{f.args.args[0].arg}.{name} = {value}\n"
    return Edit(t.relpath, t.module, "instance-attr", name, _without(t, first.lineno, first.lineno - 1, line))


KINDS: Mapping[str, Callable[[Target, random.Random, int], Edit | None]] = {
    "rename-def": rename_def, "rename-all": rename_everywhere, "add-function": add_function,
    "add-constant": add_constant, "remove-imported": remove_imported, "add-import": add_import,
    "add-local-import": add_local_import, "change-all": change_all, "mend-import": mend_import,
    "remove-reexport": remove_reexport, "method-parameter": method_parameter, "method-return": method_return,
    "method-add": method_add, "method-rename": method_rename, "method-remove": method_remove, "async-add": async_add,
    "private-add": private_add, "private-rename": private_rename, "private-remove": private_remove,
}  # fmt: skip
# Run apart (``--kinds``): a kind added to the rotation above changes which edits every later turn makes
MORE_KINDS: Mapping[str, Callable[[Target, random.Random, int], Edit | None]] = {
    "method-async": method_async, "local-rebind": local_rebind, "module-call": module_call, "class-add": class_add,
    "class-remove": class_remove, "name-move": name_move, "class-attr": class_attr, "instance-attr": instance_attr,
    "line-comment": line_comment, "decorator": decorator,
}  # fmt: skip
