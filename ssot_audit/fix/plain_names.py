"""Where a file uses a name, read from ``ast`` in one pass: what renaming an imported name needs in the plain case,
without libcst's scope analysis.

Renaming the uses of an imported name (``from compat import Alias`` becomes ``from real import Real``) asked libcst
for every scope of the file. Its scope analysis is a Python visitor over the whole concrete tree: about 0.9 s per
large file, half of a cold JSON scan of 1M lines of django (which carries the fixes). In the plain case the answer
needs no scopes: when the imported name is bound by that import and nowhere else in the file (no assignment, ``del``,
parameter, ``def``, ``class``, other import, ``except ... as``, ``global``, pattern capture...), every read of it
anywhere in the file is a read of that import, whatever the scope. ``FileNames`` answers only then, and says
"ask libcst" (None) whenever the file holds anything the plain reading could get wrong: another binding, the name in
an f-string or in a string (a string annotation, ``__all__``), type parameters, line breaks ``ast`` might count
differently. A test compares both answers on every import of the project's own files and on edge cases.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

from ssot_audit.fix.text import SourceText, code_point_column

_WORD = re.compile(r"\w+")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_TYPE_ALIAS = getattr(ast, "TypeAlias", None)  # 3.12: ``type X = ...`` (its own scope)


@dataclass(slots=True)
class _Name:
    """What a file does with one name."""

    module_imports: list[int] = field(default_factory=list)  # lines of module-level ``from ... import`` binding it
    other_bindings: int = 0  # every other way it is bound (or declared global / nonlocal), anywhere
    reads: list[tuple[int, int]] = field(default_factory=list)  # (line, UTF-8 byte column) of each ``Name`` read
    unusual: bool = False  # read in an f-string, matched by a pattern, a type parameter: ask libcst


@dataclass(slots=True)
class FileNames:
    """Every name a file binds or reads, and the words of its strings (docstrings aside)."""

    source: SourceText
    names: dict[str, _Name]
    string_words: set[str]

    def renames(self, line: int, old: str, new: str) -> list[tuple[int, int]] | str | None:
        """Where to write ``new`` (1-based line, 1-based code-point column) for every use of ``old``, which the
        module-level ``from ... import`` starting on ``line`` binds; or why renaming is not safe; or None when
        only the scope analysis can tell (see the module docstring). The refusal is the one the scope analysis
        gives for the same file, in the same order of checks."""
        found = self.names.get(old)
        if found is None or found.unusual or found.other_bindings or found.module_imports != [line]:
            return None  # bound more than once, or not plainly: the scope analysis counts its bindings
        other = self.names.get(new)
        if other is not None:  # bound or read: taken, whatever strings add (the scope analysis checks this next)
            return None if other.unusual else f"'{new}' is already used in this file: rename by hand"
        if old in self.string_words or new in self.string_words:
            return None  # a string annotation reads a name, ``__all__`` lists one: libcst knows which strings
        return sorted((at, code_point_column(self.source.line_text(at), column + 1)) for at, column in found.reads)


def file_names(source: SourceText) -> FileNames | None:
    """The names of a file's text; None when ``ast`` cannot parse it or might number its lines differently from
    ``SourceText`` (a lone carriage return)."""
    text = source.text
    if text.count("\r") != text.count("\r\n"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    walk = _Walk()
    # (node, inside a def/class/lambda, inside an f-string); explicit stack: deep expressions, no recursion limit
    stack: list[tuple[ast.AST, bool, bool]] = [(tree, False, False)]
    while stack:
        node, nested, in_fstring = stack.pop()
        walk.note(node, nested, in_fstring)
        inner = nested or isinstance(node, _SCOPES)
        in_fstring = in_fstring or isinstance(node, ast.JoinedStr)
        stack.extend((child, inner, in_fstring) for child in ast.iter_child_nodes(node))
    if walk.type_params:
        return None
    return FileNames(source, walk.names, walk.words)


@dataclass(slots=True)
class _Walk:
    """What ``file_names`` gathers as it goes."""

    names: dict[str, _Name] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    docstrings: set[int] = field(default_factory=set)  # ids of docstring constants (never annotations)
    type_params: bool = False  # 3.12 type parameters or ``type`` aliases open scopes of their own: ask libcst

    def name(self, name: str) -> _Name:
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = _Name()
        return found

    def note(self, node: ast.AST, nested: bool, in_fstring: bool) -> None:
        """Record what ``node`` does with names."""
        kind = type(node)
        if kind is ast.Name:
            self._name_node(node, in_fstring)  # type: ignore[arg-type]
        elif kind is ast.Constant:
            if type(node.value) is str and id(node) not in self.docstrings:  # type: ignore[attr-defined]
                self.words.update(_WORD.findall(node.value))  # type: ignore[attr-defined]
        elif kind is ast.ImportFrom or kind is ast.Import:
            self._import(node, nested)  # type: ignore[arg-type]
        elif kind in _DEFINITIONS:
            self._definition(node)  # type: ignore[arg-type]
        elif kind is ast.arg:
            self.name(node.arg).other_bindings += 1  # type: ignore[attr-defined]
        elif kind is ast.ExceptHandler and node.name:  # type: ignore[attr-defined]
            self.name(node.name).other_bindings += 1  # type: ignore[attr-defined]
        elif kind is ast.Global or kind is ast.Nonlocal:
            for name in node.names:  # type: ignore[attr-defined]
                self.name(name).unusual = True
        elif kind is ast.MatchAs or kind is ast.MatchStar:
            if node.name:  # type: ignore[attr-defined]
                self.name(node.name).unusual = True  # type: ignore[attr-defined]
        elif kind is ast.MatchMapping:
            if node.rest:  # type: ignore[attr-defined]
                self.name(node.rest).unusual = True  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign and node.value is None and type(node.target) is ast.Name:  # type: ignore[attr-defined]
            self.name(node.target.id).unusual = True  # type: ignore[attr-defined]  # a declaration, no value
        elif _TYPE_ALIAS is not None and kind is _TYPE_ALIAS:
            self.type_params = True

    def _name_node(self, node: ast.Name, in_fstring: bool) -> None:
        found = self.name(node.id)
        ctx = type(node.ctx)
        if ctx is ast.Store:
            found.other_bindings += 1
        elif ctx is not ast.Load or in_fstring:  # ``del``; a read inside an f-string
            found.unusual = True
        else:
            found.reads.append((node.lineno, node.col_offset))

    def _import(self, node: ast.Import | ast.ImportFrom, nested: bool) -> None:
        for alias in node.names:
            if isinstance(node, ast.ImportFrom):
                found = self.name(alias.asname or alias.name)
                if nested:
                    found.other_bindings += 1
                else:
                    found.module_imports.append(node.lineno)
            else:
                found = self.name(alias.asname or alias.name.partition(".")[0])
                found.other_bindings += 1
                found.unusual = found.unusual or (alias.asname is None and "." in alias.name)  # ``import a.b``

    def _definition(self, node: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if not isinstance(node, ast.Module):
            self.name(node.name).other_bindings += 1
            self.type_params = self.type_params or bool(getattr(node, "type_params", None))
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            self.docstrings.add(id(first.value))  # noted before its children: the stack visits them after


_DEFINITIONS = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
