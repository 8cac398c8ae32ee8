"""Import rewrites: point one ``from X import name`` at the module and name to import instead.

One function does it for every rule (SSOT201 divergent path, SSOT203 broken import, importers of an SSOT102 alias
or SSOT103 shim): merge into an existing ``from M import ...`` of the same block rather than add a duplicate, keep
``as`` aliases, keep relative imports relative when the new module is in the same top-level package, and never
leave a name imported twice. When the imported name changes (an alias gives way to the class's own name) and the
file did not rename it itself, every use of the old name in the file is renamed, unless that is not clearly safe
(the new name is already used there, the old one is listed in ``__all__`` or rebound), in which case no fix.
Star imports are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from ssot_audit.fix.cst import ParsedFile
from ssot_audit.model import Edit


@dataclass(frozen=True, slots=True)
class Importer:
    """The module that holds an import: its dotted name, and whether it is a package ``__init__``."""

    module: str
    is_package: bool

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        return self.module if self.is_package else self.module.rpartition(".")[0]

    def absolute(self, relative: str, level: int) -> str:
        """``from ..x import`` as an absolute module name."""
        if level == 0:
            return relative
        parts = self.package.split(".") if self.package else []
        base = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
        return ".".join([*base, relative] if relative else base)

    def relative(self, module: str) -> tuple[int, str] | None:
        """(level, rest) to import ``module`` relatively; None when it is outside this top-level package."""
        here, there = self.package.split("."), module.split(".")
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        if common == 0:
            return None
        return len(here) - common + 1, ".".join(there[common:])


def _dotted(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def module_of(stmt: cst.ImportFrom, importer: Importer) -> str:
    """The absolute module a ``from ... import`` reads."""
    return importer.absolute(_dotted(stmt.module), len(stmt.relative))


def _alias_code(name: str, bound: str) -> str:
    return name if name == bound else f"{name} as {bound}"


def _from_code(importer: Importer, module: str, relative: bool, names: str) -> str:
    rel = importer.relative(module) if relative else None
    source = f"{'.' * rel[0]}{rel[1]}" if rel else module
    return f"from {source} import {names}"


def _without(stmt: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom:
    assert not isinstance(stmt.names, cst.ImportStar)
    names = list(stmt.names)
    index = names.index(alias)
    del names[index]
    if index == len(names) and names:  # removed the last one: the new last one ends the list the same way
        names[-1] = names[-1].with_changes(comma=_last_comma(names[-1].comma, alias.comma, bool(stmt.lpar)))
    return stmt.with_changes(names=names)


def _last_comma(kept: cst.Comma | cst.MaybeSentinel, removed: cst.Comma | cst.MaybeSentinel,
                bracketed: bool) -> cst.Comma | cst.MaybeSentinel:  # fmt: skip
    """The comma of the new last name: none without brackets; inside brackets its own (with its comment) but
    followed by the line break and indentation that led to the closing bracket."""
    if not bracketed or not isinstance(kept, cst.Comma):
        return removed
    before_close, own = getattr(removed, "whitespace_after", None), kept.whitespace_after
    if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(before_close, cst.ParenthesizedWhitespace):
        return kept.with_changes(whitespace_after=own.with_changes(last_line=before_close.last_line))
    return kept


def _with_alias(stmt: cst.ImportFrom, name: str, bound: str) -> cst.ImportFrom:
    assert not isinstance(stmt.names, cst.ImportStar)
    names = list(stmt.names)
    last = names[-1]
    added = cst.ImportAlias(cst.Name(name), asname=None if name == bound else cst.AsName(cst.Name(bound)))
    if isinstance(last.comma, cst.Comma):  # a trailing comma: the new name goes after it, laid out like the others
        between = names[-2].comma if len(names) > 1 and isinstance(names[-2].comma, cst.Comma) else last.comma
        if len(names) == 1 and stmt.lpar is not None:  # the only name: lay the new one out like it, after "("
            between = last.comma.with_changes(whitespace_after=stmt.lpar.whitespace_after)
        names[-1] = last.with_changes(comma=between)
        names.append(added.with_changes(comma=last.comma))
    else:
        names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        names.append(added)
    return stmt.with_changes(names=names)


def _bound(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return _dotted(alias.name)


def _block_imports(parsed: ParsedFile, line: cst.CSTNode) -> list[cst.ImportFrom]:
    """``from ... import`` statements of the block that holds the statement line ``line`` (same suite)."""
    block = parsed.parent(line)
    body = getattr(block, "body", ())
    found = []
    for statement in body if isinstance(body, list | tuple) else ():
        if isinstance(statement, cst.SimpleStatementLine):
            found += [s for s in statement.body if isinstance(s, cst.ImportFrom)]
    return found


def _renames(parsed: ParsedFile, stmt: cst.ImportFrom, old: str, new: str) -> list[Edit] | str:
    """Edits renaming every use of the name ``old`` that ``stmt`` binds to ``new``; why not, when unsafe. Read from
    ``ast`` when the file binds ``old`` plainly (``fix.plain_names``: 20 times faster), else from libcst's scopes."""
    names = parsed.plain_names()
    plain = names.renames(parsed.positions[stmt].start.line, old, new) if names is not None else None
    if plain is None:
        return scoped_renames(parsed, stmt, old, new)
    if isinstance(plain, str):
        return plain
    return [Edit(parsed.path, line, column, line, column + len(old), new) for line, column in plain]


def scoped_renames(parsed: ParsedFile, stmt: cst.ImportFrom, old: str, new: str) -> list[Edit] | str:
    """``_renames`` from libcst's scope analysis (needs the whole file parsed)."""
    scopes = parsed.scopes()
    scope = scopes.get(stmt)
    if scope is None:
        return "cannot tell where the imported name is used"
    bindings = scope.assignments[old]
    if len(bindings) != 1 or getattr(next(iter(bindings)), "node", None) is not stmt:
        return f"'{old}' is bound more than once in its scope: rename by hand"
    for other in set(scopes.values()):
        if other is not None and (other.assignments[new] or other.accesses[new]):
            return f"'{new}' is already used in this file: rename by hand"
    if any(isinstance(s, cst.SimpleString) and s.evaluated_value == old for s in parsed.nodes(cst.SimpleString)):
        return f"'{old}' is named in a string (__all__?): rename by hand"
    edits = []
    for reference in next(iter(bindings)).references:
        if not isinstance(reference.node, cst.Name):
            return f"'{old}' is used in a way that cannot be renamed safely"
        edits.append(parsed.replace(reference.node, new))
    return sorted(edits, key=lambda e: (e.line, e.column))  # references are a set ordered by memory address


def rewrite_import(parsed: ParsedFile, alias: cst.ImportAlias, importer: Importer, *, module: str, name: str,
                   own_name: bool = False) -> list[Edit] | str:  # fmt: skip
    """Edits that make the import ``alias`` read ``name`` from ``module`` instead; why not, when no safe rewrite.

    ``own_name``: bind it under ``name`` even where the import renamed it (``as``), renaming its uses: importers
    of an alias or shim then name the class itself.
    """
    return rewrite_imports(parsed, [(alias, name)], importer, module=module, own_name=own_name)


def rewrite_imports(parsed: ParsedFile, moves: Sequence[tuple[cst.ImportAlias, str]], importer: Importer, *,
                    module: str, own_name: bool = False) -> list[Edit] | str:  # fmt: skip
    """Like ``rewrite_import`` for several names of one statement that all move to ``module`` (one edit of the
    statement, so that they need not wait for one another)."""
    stmt = parsed.parent(moves[0][0])
    if not isinstance(stmt, cst.ImportFrom) or isinstance(stmt.names, cst.ImportStar):
        return "not a 'from ... import name' statement"
    if any(parsed.parent(alias) is not stmt for alias, _ in moves):
        return "the names are not in one statement"
    if "#" in module:
        return f"{module} lies in a second source root and has no importable name"
    line = parsed.parent(stmt)
    if not isinstance(line, cst.SimpleStatementLine):
        return "the import shares its line with a compound statement"
    edits: list[Edit] = []
    wanted: list[tuple[str, str]] = []  # (name, bound) to import from ``module``
    for alias, name in moves:
        bound = _bound(alias)
        if (bound == _dotted(alias.name) or own_name) and name != bound:  # ``from compat import Alias``: own name
            renames = _renames(parsed, stmt, bound, name)
            if isinstance(renames, str):
                return renames
            edits += renames
            bound = name
        wanted.append((name, bound))
    merge = next((s for s in _block_imports(parsed, line)
                  if s is not stmt and not isinstance(s.names, cst.ImportStar) and module_of(s, importer) == module), None)  # fmt: skip
    if merge is not None:
        present = {(_dotted(a.name), _bound(a)) for a in merge.names}  # type: ignore[union-attr]
        merged = merge
        for name, bound in wanted:
            if (name, bound) not in present:
                merged = _with_alias(merged, name, bound)
        if merged is not merge:
            edits.append(parsed.replace_node(merge, merged))
    unique = list(dict.fromkeys(wanted))
    new_import = _from_code(importer, module, bool(stmt.relative), ", ".join(_alias_code(n, b) for n, b in unique))
    first = parsed.positions[line].start.line
    text = parsed.source.line_text(first)
    indent = text[: len(text) - len(text.lstrip())]
    if len(stmt.names) > len(moves):
        kept = stmt
        for alias, _ in sorted(moves, key=lambda move: list(stmt.names).index(move[0])):  # type: ignore[arg-type]
            kept = _without(kept, alias)  # first to last: a removal changes only names before it
        edits.append(parsed.replace_node(stmt, kept))
        if merge is None:  # a new statement on the line after this one, indented like it
            end = parsed.positions[line].end.line
            after = len(parsed.source.line_text(end)) + 1
            edits.append(Edit(parsed.path, end, after, end, after, f"{parsed.newline()}{indent}{new_import}"))
    elif merge is None:
        edits.append(parsed.replace(stmt, new_import))
    else:
        edits.append(_delete_line(parsed, line, stmt))
    return edits


def _delete_line(parsed: ParsedFile, line: cst.SimpleStatementLine, stmt: cst.ImportFrom) -> Edit:
    """Remove a statement whose names moved into another import: its whole line when it is alone on it."""
    span = parsed.positions[line]
    block = parsed.parent(line)
    alone = isinstance(block, cst.Module) or len(getattr(block, "body", ())) > 1  # else the block would be empty
    if alone and len(line.body) == 1 and span.end.line < len(parsed.source.line_starts):
        return Edit(parsed.path, span.start.line, 1, span.end.line + 1, 1, "")
    return parsed.replace(stmt, "pass")


def _module_imports(parsed: ParsedFile) -> list[cst.ImportFrom]:
    return [s for line in parsed.module.body if isinstance(line, cst.SimpleStatementLine)
            for s in line.body if isinstance(s, cst.ImportFrom)]  # fmt: skip


def ensure_import(parsed: ParsedFile, importer: Importer, *, module: str, name: str) -> list[Edit] | str:
    """Edits that make ``name`` from ``module`` available at module level (none when it already is); why not,
    when the name is taken by something else in the file."""
    parsed.require_whole()  # it reads every module-level import and every scope of the file
    for stmt in _module_imports(parsed):
        if not isinstance(stmt.names, cst.ImportStar) and module_of(stmt, importer) == module:
            if any(_dotted(a.name) == name and _bound(a) == name for a in stmt.names):
                return []
    for scope in set(parsed.scopes().values()):
        if scope is not None and (scope.assignments[name] or scope.accesses[name]):
            return f"'{name}' already names something else in this file"
    merge = next((s for s in _module_imports(parsed)
                  if not isinstance(s.names, cst.ImportStar) and module_of(s, importer) == module), None)  # fmt: skip
    if merge is not None:
        return [parsed.replace_node(merge, _with_alias(merge, name, name))]
    body = list(parsed.module.body)
    index = 0
    while index < len(body) and _is_preamble(body[index], first=index == 0):
        index += 1
    line = f"from {module} import {name}{parsed.newline()}"
    if index < len(body):
        start = parsed.positions[body[index]].start.line
        return [Edit(parsed.path, start, 1, start, 1, line)]
    end = len(parsed.source.line_starts)
    tail = len(parsed.source.line_text(end)) + 1
    prefix = parsed.newline() if parsed.source.line_text(end) else ""
    return [Edit(parsed.path, end, tail, end, tail, prefix + line)]


def _is_preamble(statement: cst.BaseStatement, *, first: bool) -> bool:
    """A module docstring or a ``from __future__`` import: new imports go after them."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        return _dotted(small.module) == "__future__"
    return first and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString | cst.ConcatenatedString)
